#include "mm7/status.hpp"

#include <fmt/format.h>

namespace smsdrv::mm7 {

status_class classify(int code) noexcept {
  if (code == status::success) return status_class::success;
  if (code >= 1000 && code <= 1999) return status_class::partial;
  if (code >= 2000 && code <= 2999) return status_class::client;
  if (code >= 3000 && code <= 3999) return status_class::server;
  if (code >= 4000 && code <= 4999) return status_class::service;
  return status_class::unknown;
}

std::string_view status_text(int code) noexcept {
  switch (code) {
#define SMSDRV_MM7_STATUS_CASE_(name, value, text) \
  case value:                                      \
    return text;
    SMSDRV_MM7_STATUS_MAP(SMSDRV_MM7_STATUS_CASE_)
#undef SMSDRV_MM7_STATUS_CASE_
    default:
      return {};
  }
}

std::string status_display(int code) {
  std::string_view text = status_text(code);
  if (!text.empty()) return fmt::format("{} {}", code, text);
  switch (classify(code)) {
    case status_class::success:
    case status_class::partial:
      return fmt::format("{} (partial success)", code);
    case status_class::client:
      return fmt::format("{} (client error)", code);
    case status_class::server:
      return fmt::format("{} (server error)", code);
    case status_class::service:
      return fmt::format("{} (service error)", code);
    case status_class::unknown:
      break;
  }
  return fmt::format("{} (not an MM7 status)", code);
}

}  // namespace smsdrv::mm7
