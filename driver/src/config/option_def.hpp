// What one configuration option is: the row type of the option tables (option_table.hpp). The
// tables are the single source of the option names, types, ranges, defaults and meanings; the
// validator, the shipped SmsMmsDriver.cfg and docs/options.md are all derived from them.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/channel_settings.hpp"
#include "config/driver_settings.hpp"
#include "smpp/tlv_spec.hpp"

namespace smsdrv::config {

enum class option_type : std::uint8_t {
  text,           // UTF-8 text, at most max characters (0: no limit)
  ascii,          // printable ASCII (an SMPP C-Octet String field), at most max characters
  host,           // host name or IP address
  integer,        // whole number from min to max, in unit
  boolean,        // true/false, yes/no, on/off, 1/0
  enumeration,    // one of choices (name or alias)
  service_type,   // one of choices, or any other printable ASCII of at most max characters
  ton_npi,        // a number 0-255 or one of choices
  regex,          // ECMAScript regular expression, at most max characters
  tlv_spec,       // the TLV spec string (smpp/tlv_spec.hpp)
  smpp_time,      // SMPP v3.4 §7.1.1 time string (smpp/smpp_time.hpp)
  path,           // file path, relative to the host's working directory
  endpoint_list,  // "<tenant>:<endpoint>[, <tenant>:<endpoint>]"
  log_filter,     // copy | hide | skip | hide-first,N | hide-last,N | unhide-first,N | ...
  error_policy,   // "<status>: <action>, ..." (flow/error_policy.hpp), kept as text
  url,            // an HTTP SMS gateway's URL (http/gateway_url.hpp), at most max characters
  proxy_url,      // an HTTP proxy: http://host[:port], https://host[:port] or host
  name_value,     // "<name>=<value>": an HTTP parameter, name without blanks, value as written
  channel_name,   // the name of another [channel-<name>] section
  redis_url,      // redis://host[:port][/db] (config/redis_url.hpp)
};

// The kind of gateway an option configures (x-gateway-type). Options of the other kind are
// ignored, with a warning when given a value other than their default.
enum class option_gateway : std::uint8_t { any, smpp, http };

// Who acts on the option: the driver, or the host (routing, module selection) that still lets
// the driver validate it so that every configuration error reads the same.
enum class option_scope : std::uint8_t { driver, host };

// A named value of an enumeration, service_type or ton_npi option. Names and aliases match
// ignoring case, spaces, '-' and '_' ("UTF-16BE" = "utf16be", "Land Mobile" = "LandMobile").
struct enum_choice {
  std::string_view name{};     // canonical spelling, as shown in the docs and .cfg
  std::int64_t value = 0;      // the enum / number it stands for
  std::string_view aliases{};  // other accepted spellings, '|'-separated
  bool supported = true;       // false: refused as "not supported yet" (option_def::feature)
};

// Where a validated value goes. monostate: validated and then ignored (driver-classname) or
// stored by the validator itself (log-filter-data keys).
using settings_field =
    std::variant<std::monostate, std::string channel_settings::*, bool channel_settings::*,
                 std::uint8_t channel_settings::*, std::uint16_t channel_settings::*,
                 std::uint32_t channel_settings::*, std::chrono::seconds channel_settings::*,
                 std::chrono::milliseconds channel_settings::*, bind_mode channel_settings::*,
                 text_encoding channel_settings::*, ucs2_schema channel_settings::*,
                 long_message_method channel_settings::*, national_language channel_settings::*,
                 tls_mode channel_settings::*, tls_version channel_settings::*,
                 in_flight_action channel_settings::*, tls_verification channel_settings::*,
                 std::vector<smpp::tlv_item> channel_settings::*,
                 std::vector<endpoint_ref> channel_settings::*, gateway_type channel_settings::*,
                 http_method channel_settings::*, http_space_encoding channel_settings::*,
                 std::vector<http_param> channel_settings::*, bool driver_settings::*,
                 std::string driver_settings::*, filter_rule driver_settings::*>;

struct option_def {
  // An indexed family ends in "<N>" ("x-http-param-<N>"): it matches the name with N a whole
  // number from 1 to max_index written without leading zeros.
  std::string_view name{};
  option_type type = option_type::text;
  settings_field field{};
  // The default as written in a .cfg. Without a default, an absent or empty value means
  // "not set" (the member stays empty).
  std::string_view default_value{};
  bool has_default = true;
  std::int64_t min = 0;     // integer: smallest value
  std::int64_t max = 0;     // integer: largest value; text types: most characters (0: no limit)
  std::string_view unit{};  // integer: "seconds", "milliseconds", ...
  std::span<const enum_choice> choices{};
  option_scope scope = option_scope::driver;
  bool secret = false;    // never echoed: messages show ********
  bool required = false;  // a section of the kind `gateway` names without it is refused
  option_gateway gateway = option_gateway::any;
  std::uint32_t max_index = 0;  // an indexed family: the largest N
  // "NULL" (any case) means not set, as imported settings write it for an SMPP field left
  // empty (spec §1: import compatibility) ("If the SMSC doesn't require this setting, set it to
  // NULL").
  bool null_is_unset = false;
  // false: the option is known and documented but its behaviour comes with a later version;
  // any value other than the default is refused naming feature.
  bool supported = true;
  std::string_view feature{};  // what is missing when !supported or a choice is !supported
  std::string_view example{};  // shown in the .cfg for an option without default
  std::string_view meaning{};  // one line
};

}  // namespace smsdrv::config
