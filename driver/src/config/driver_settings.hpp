// The typed driver-wide configuration: sections [settings], [log-filter] and [log-filter-data]
// (option_table.cpp, docs/options.md), produced by validate_driver_section().
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace smsdrv::config {

// How a user-data key is shown in logs: "copy", "hide", "skip", "hide-first,N", ...
enum class filter_kind : std::uint8_t {
  copy,          // shown as is
  hide,          // value replaced by ****
  skip,          // key and value left out
  hide_first,    // first count characters hidden
  hide_last,     // last count characters hidden
  unhide_first,  // all but the first count characters hidden
  unhide_last,   // all but the last count characters hidden
};

struct filter_rule {
  filter_kind kind = filter_kind::copy;
  std::uint32_t count = 0;  // the N of the *-first / *-last kinds, else 0

  friend bool operator==(const filter_rule&, const filter_rule&) = default;
};

// "hide-first,4"
std::string to_string(const filter_rule& r);

struct driver_settings {
  bool logging_filter_active = false;                                // [settings]
  std::string logging_filter_spec;                                   // [settings]
  filter_rule default_filter_type;                                   // [log-filter]
  std::vector<std::pair<std::string, filter_rule>> log_filter_data;  // [log-filter-data]
};

}  // namespace smsdrv::config
