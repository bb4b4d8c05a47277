#include "config/driver_settings.hpp"

#include <fmt/format.h>

namespace smsdrv::config {

std::string to_string(const filter_rule& r) {
  switch (r.kind) {
    case filter_kind::copy:
      return "copy";
    case filter_kind::hide:
      return "hide";
    case filter_kind::skip:
      return "skip";
    case filter_kind::hide_first:
      return fmt::format("hide-first,{}", r.count);
    case filter_kind::hide_last:
      return fmt::format("hide-last,{}", r.count);
    case filter_kind::unhide_first:
      return fmt::format("unhide-first,{}", r.count);
    case filter_kind::unhide_last:
      return fmt::format("unhide-last,{}", r.count);
  }
  return {};
}

}  // namespace smsdrv::config
