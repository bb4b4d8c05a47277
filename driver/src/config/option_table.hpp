// The option tables: every option of a [channel-<name>] section (spec §2) and of the driver-wide
// sections [settings], [log-filter] and [log-filter-data]. Rows are in documentation order.
// Adding an option: one row in option_table.cpp and the member it fills in channel_settings or
// driver_settings; then `cmake --build --preset dev --target options-regenerate` rewrites
// cfg/SmsMmsDriver.cfg and docs/options.md. A feature arriving later flips the row's supported.
#pragma once

#include <cstdint>
#include <optional>
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

// The row named name (exact, case-sensitive; an indexed family matches "<prefix><digits>"), or
// nullptr.
const option_def* find_option(std::span<const option_def> table, std::string_view name);

// The N of name in def's indexed family ("x-http-param-12" -> 12), as written (any number of
// digits, the range and leading zeros are the validator's to refuse); nullopt when def is not
// indexed or name is not of its family.
std::optional<std::uint32_t> option_index(const option_def& def, std::string_view name);

// The gateway kind an option configures: def.gateway, else from the name (x-smpp-* SMPP,
// x-http-* HTTP), else any.
option_gateway gateway_of(const option_def& def);

}  // namespace smsdrv::config
