// The option tables: every option of a [channel-<name>] section (spec §2) and of the driver-wide
// sections [settings], [log-filter] and [log-filter-data]. Rows are in documentation order.
// Adding an option: one row in option_table.cpp and the member it fills in channel_settings or
// driver_settings; then `cmake --build --preset dev --target options-regenerate` rewrites
// cfg/SmsMmsDriver.cfg and docs/options.md. A feature arriving later flips the row's supported.
#pragma once

#include <span>
#include <string_view>

#include "config/option_def.hpp"

namespace smsdrv::config {

std::span<const option_def> channel_options();
std::span<const option_def> settings_options();    // [settings]
std::span<const option_def> log_filter_options();  // [log-filter]
// [log-filter-data] takes any key (a user-data key such as _smsText); this one row, named
// "<key>", describes the value every key takes.
const option_def& log_filter_data_option();

// The row named name (exact, case-sensitive), or nullptr.
const option_def* find_option(std::span<const option_def> table, std::string_view name);

}  // namespace smsdrv::config
