// Checking one raw option value against its row of the option table, and the wording of the
// rules for messages and docs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/option_def.hpp"

namespace smsdrv::config {

// A checked value: integers, booleans, enumerations (their enum_choice::value) and TON/NPI as
// the alternatives below; text-like types as std::string.
using typed_value =
    std::variant<std::monostate, std::string, std::int64_t, bool, std::vector<smpp::tlv_item>,
                 std::vector<endpoint_ref>, filter_rule>;

struct value_check {
  typed_value value;
  // Empty when the value is acceptable, else the rule it breaks, e.g.
  // "must be a whole number of seconds from 10 to 3600". Never contains the value of a secret.
  std::string problem;
  const enum_choice* choice = nullptr;  // the choice matched, for enumeration-like types
};

// Checks raw (as the .cfg parser produced it) against def. Non-text types (numbers, booleans,
// enumerations, TON/NPI, filter rules) ignore surrounding blanks; text is taken as is.
value_check check_value(const option_def& def, std::string_view raw);

// The accepted values in a few words for docs/options.md: "10-3600 seconds", "true/false", ...
std::string describe_values(const option_def& def);

}  // namespace smsdrv::config
