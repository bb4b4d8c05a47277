// The typed driver-wide configuration: sections [settings], [log-filter] and [log-filter-data]
// (option_table.cpp, docs/options.md), produced by validate_driver_section().
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "privacy/filter_rule.hpp"

namespace smsdrv::config {

// How a user-data key is shown in logs: "copy", "hide", "skip", "hide-first,N", ... The type
// lives with the masking code (privacy/filter_rule.hpp), which dms-stub shares.
using privacy::filter_kind;
using privacy::filter_rule;
using privacy::to_string;

struct driver_settings {
  bool logging_filter_active = false;                                // [settings]
  std::string logging_filter_spec;                                   // [settings]
  filter_rule default_filter_type;                                   // [log-filter]
  std::vector<std::pair<std::string, filter_rule>> log_filter_data;  // [log-filter-data]
};

}  // namespace smsdrv::config
