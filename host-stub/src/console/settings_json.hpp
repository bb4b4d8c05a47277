// settings_json.hpp - the console's settings page in JSON (docs/console.md "Settings"): a
// channel's section of the options file with what the driver's shipped options file says about
// each option (host/option_help.hpp), and the page's changes read back into .cfg changes.
//
// GET /api/settings/<channel>:
//   {"channel": "channel-a", "driver": "smsmms", "file": "dms.cfg", "help": ".../SmsMmsDriver.cfg",
//    "channels": ["channel-b"],                       the other channels (failover choices)
//    "options": [{"name": "x-smpp-port", "meaning": "...", "kind": "integer", "min": 1,
//                 "max": 65535, "unit": "", "default": "2775", "required": "", "secret": false,
//                 "host": false, "supported": true, "set": true, "value": "2776"}, ...],
//    "families": [{"name": "x-http-param-<N>", "meaning": "...", "secret": false}, ...],
//    "extra": [{"option": "x-http-param-1", "family": "x-http-param-<N>", "param": "user",
//               "secret": false, "value": "acme"},
//              {"option": "x-http-password-param-2", "family": "x-http-password-param-<N>",
//               "param": "password", "secret": true}],
//    "others": [{"name": "fake-option", "value": "1", "secret": false}]}
// A secret's value is never in it: a secret option says only whether it is set; a password
// parameter ("Is Password") gives its parameter name, not its value; a URL with a password or a
// query (an access token) comes as "masked" (https://u:********@gw/send?token=********), not as
// "value".
//
// POST /api/settings/<channel>:
//   {"changes": {"x-smpp-port": "2776", "x-smpp-system-type": null, "password": ""},
//    "extra": [{"param": "user", "value": "acme", "secret": false},
//              {"param": "password", "value": "", "secret": true,
//               "keep": "x-http-password-param-2"}]}
// A string sets the option, null removes its line (the default applies again); for a secret
// option or a masked URL "" means unchanged. "extra", when given, is the whole list of extra
// parameters in order: they become x-http-param-<N> / x-http-password-param-<N> with N = 1, 2, ...
// and every other member of both families goes; a password parameter with an empty value keeps the
// password of the parameter named by "keep".
#ifndef SMSDRV_CONSOLE_SETTINGS_JSON_HPP
#define SMSDRV_CONSOLE_SETTINGS_JSON_HPP

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/cfg_edit.hpp"
#include "host/cfg_file.hpp"
#include "host/option_help.hpp"

namespace smsdrv::console {

struct settings_page {
  std::string channel;
  std::string driver;
  std::string file;       // the options file
  std::string help_file;  // the driver's shipped options file, "" when it has none
  std::vector<std::string> other_channels;
  const host::cfg_section* section = nullptr;  // the channel's section as the file has it
  std::vector<host::option_help> help;
};

std::string settings_json(const settings_page& page);

// One message per option at fault: (option, message).
using field_messages = std::vector<std::pair<std::string, std::string>>;

struct settings_changes {
  std::vector<host::cfg_change> changes;
  std::string error;      // "" when the body could be read
  field_messages fields;  // options the body got wrong
};

// The body of a POST, against the section as it is now and the options described.
settings_changes read_settings_changes(std::string_view body, const host::cfg_section& section,
                                       const std::vector<host::option_help>& help);

// The options that lines of the loader's or driver's messages name ("[channel] option ..."),
// each with the text from "[channel]" on.
field_messages fields_at_fault(std::string_view error, std::string_view channel);

// {"error": "...", "fields": {"option": "message", ...}}
std::string settings_error_json(std::string_view error, const field_messages& fields);

}  // namespace smsdrv::console

#endif  // SMSDRV_CONSOLE_SETTINGS_JSON_HPP
