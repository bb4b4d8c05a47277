// option_help.hpp - what a driver's shipped options file says about each option of a channel
// section, for the console's settings page: its meaning, the values it takes, its default and
// its marks. The file is Configuration/<name>.cfg beside the driver's module
// (docs/deployment.md); the driver ABI has no call that describes options, and the shipped file
// is generated from the driver's own option table (cfg/SmsMmsDriver.cfg, smsdrv-options).
//
// In that file each option of the first [channel-*] section is a block of lines:
//     # <meaning> [(<values>)] [marks]
//     <option> = <default>
// or, for an option without a default, "# <option> = <example>" as the last line. The marks are
// [required], [required for SMPP|HTTP], [secret], [host option], [not supported yet: ...].
// and blocks are separated by blank lines. <values> is "<min>-<max> [unit]", "true/false" or a
// list of names ("smpp, http"); any other text in the last parentheses stays part of the
// meaning. An option named "<family>-1" whose meaning says "<N>" stands for the indexed family
// <family>-<N> (x-http-param-<N>).
#ifndef SMSDRV_HOST_OPTION_HELP_HPP
#define SMSDRV_HOST_OPTION_HELP_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::host {

struct option_help {
  enum class value_kind { text, integer, boolean, choice };

  std::string name;     // "x-smpp-port"; a family: "x-http-param-<N>"
  std::string meaning;  // the comment without its marks (and without <values> when understood)
  value_kind kind = value_kind::text;
  int64_t min = 0, max = 0;  // integer
  std::string unit;          // integer: "seconds", "" ...
  std::vector<std::string> choices;
  std::optional<std::string> default_value;  // nullopt: none (the option is commented out)
  std::string example;                       // an example value for an option without default
  std::string required;                      // "", "SMPP", "HTTP" or "any"
  bool secret = false;                       // [secret]: never shown, never echoed
  bool host_option = false;                  // [host option]: dms-stub acts on it
  bool supported = true;                     // false: [not supported yet: ...]
  std::string not_supported;                 // what is missing when !supported
  bool family = false;                       // an indexed family: name ends in "-<N>"

  // name matches this option: equal, or a member <prefix><digits> of its family.
  bool matches(std::string_view option) const noexcept;
};

// The options of the first [channel-*] section of a shipped options file, in file order.
// Lines that do not fit the block form are skipped; text that has no such section gives none.
std::vector<option_help> read_option_help(std::string_view text);

// The shipped options file of the driver whose module is at module_path: the first
// (alphabetically) <module folder>/Configuration/*.cfg that has a [channel-*] section, or "".
std::string find_shipped_cfg(const std::string& module_path);

// An option name that reads like a secret (password, secret, token, key): what the console
// hides of options the shipped file does not describe.
bool looks_secret(std::string_view option) noexcept;

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_OPTION_HELP_HPP
