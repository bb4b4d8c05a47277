// logger.hpp - human-readable log lines on stderr, one write per line.
//
//   2025-01-28T02:39:56.035Z INFO  [channel-sms1] bound to 127.0.0.1:2775
//
// Thread-safe without a lock: each line is formatted on the caller's stack and written with one
// write(2), so lines from the host and from driver threads never interleave mid-line.
#ifndef SMSDRV_HOST_LOGGER_HPP
#define SMSDRV_HOST_LOGGER_HPP

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace smsdrv::host {

class logger {
 public:
  // level: most verbose SMSDRV_LOG_* written; fd: where lines go (2 = stderr).
  explicit logger(int32_t level, int fd = 2) noexcept : level_(level), fd_(fd) {}

  int32_t level() const noexcept { return level_; }
  bool enabled(int32_t level) const noexcept { return level <= level_; }

  // One line; channel names the source ("dms-stub", a channel or a driver). Never throws.
  void write(int32_t level, std::string_view channel, std::string_view message) const noexcept;

  template <typename... Args>
  void log(int32_t level, std::string_view channel, fmt::format_string<Args...> format,
           Args&&... args) const noexcept {
    if (!enabled(level)) return;
    try {
      write(level, channel, fmt::format(format, std::forward<Args>(args)...));
    } catch (...) {
      write(level, channel, "(log line could not be formatted)");
    }
  }

 private:
  int32_t level_;
  int fd_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_LOGGER_HPP
