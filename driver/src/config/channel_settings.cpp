#include "config/channel_settings.hpp"

#include <fmt/format.h>

namespace smsdrv::config {

std::string to_string(const endpoint_ref& e) {
  return fmt::format("{}:{}", e.tenant, e.endpoint);
}

}  // namespace smsdrv::config
