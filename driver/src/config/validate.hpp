// Validation of one options section as the host hands it over (the smsdrv_section arrays of
// the C ABI): every problem is reported at once, each as
//   "<source>:<line>: [<section>] <option> = '<value>': <rule>"
// (source and line left out when not known, secret values shown as ********). Errors refuse the
// section; warnings (unknown options) do not.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/channel_settings.hpp"
#include "config/driver_settings.hpp"

namespace smsdrv::config {

// Borrowed view of one section. keys and values have the same length; lines is empty (not
// known) or has one entry per key (0 = not known for that key).
struct section_view {
  std::string_view name;
  std::span<const std::string_view> keys;
  std::span<const std::string_view> values;
  std::string_view source;
  std::span<const std::uint32_t> lines;
};

template <class Settings>
struct validation_result {
  std::optional<Settings> settings;   // set exactly when errors is empty
  std::vector<std::string> errors;    // in the order of the section, then missing options
  std::vector<std::string> warnings;  // unknown options, with a "did you mean" when close

  bool ok() const { return errors.empty(); }
};

enum class section_kind : std::uint8_t { channel, settings, log_filter, log_filter_data, other };

// "channel-<name>" (name not empty) -> channel; "settings", "log-filter", "log-filter-data";
// anything else -> other (not for this driver).
section_kind classify_section(std::string_view name);

// A [channel-<name>] section: the given values checked, the rest from the table's defaults,
// then the rules between options (x-smpp-receive-timeout > x-smpp-enquire-link-timeout).
validation_result<channel_settings> validate_channel_section(const section_view& section);

// A [settings], [log-filter] or [log-filter-data] section applied on top of current: the
// options of that section not given take their defaults ([log-filter-data] is replaced as a
// whole). Any other section name is an error.
validation_result<driver_settings> validate_driver_section(const section_view& section,
                                                           const driver_settings& current);

// A problem the driver finds after validation, with what an option names (a PKCS#12 file that
// does not open with its password), in the same format: the option's line and value (masked
// when secret) come from `section`; an option not in the section is reported without them.
std::string channel_option_problem(const section_view& section, std::string_view option,
                                   std::string_view rule);

}  // namespace smsdrv::config
