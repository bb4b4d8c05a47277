// Log levels of the pure core; the values match smsdrv_log_level of the C ABI.
#pragma once

#include <cstdint>
#include <string_view>

namespace smsdrv {

enum class log_level : std::int32_t { error = 1, warn = 2, info = 3, debug = 4, trace = 5 };

constexpr std::string_view log_level_name(log_level level) noexcept {
  switch (level) {
    case log_level::error:
      return "ERROR";
    case log_level::warn:
      return "WARN";
    case log_level::info:
      return "INFO";
    case log_level::debug:
      return "DEBUG";
    case log_level::trace:
      return "TRACE";
  }
  return "?";
}

}  // namespace smsdrv
