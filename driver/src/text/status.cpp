#include "text/status.hpp"

#include <fmt/format.h>

namespace smsdrv::text {

std::string_view errc_name(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::invalid_utf8:
      return "invalid_utf8";
    case errc::too_many_segments:
      return "too_many_segments";
    case errc::too_long:
      return "too_long";
    case errc::invalid_option:
      return "invalid_option";
  }
  return "unknown";
}

std::string status::message() const {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::invalid_utf8:
      return fmt::format("invalid UTF-8 at byte {}", offset);
    case errc::too_many_segments:
      return fmt::format("message needs {} segments, more than the limit of {}", needed, limit);
    case errc::too_long:
      return fmt::format("message needs {} octets, more than the limit of {}", needed, limit);
    case errc::invalid_option:
      return fmt::format("option value {} is out of range (maximum {})", needed, limit);
  }
  return "unknown error";
}

}  // namespace smsdrv::text
