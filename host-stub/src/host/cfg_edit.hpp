// cfg_edit.hpp - changing the values of one section of an options file's text (cfg_file.hpp)
// while keeping everything else as the operator wrote it: comments, blank lines, the order of
// options and sections, indentation and line ends (LF or CRLF).
//
//   - an option the section sets gets its new value on the same line;
//   - an option the section does not set takes the place of its commented-out line, if the
//     section has one ("# x-failover-channel = channel-backup", as the shipped SmsMmsDriver.cfg
//     writes options without a default), else a new line after the section's last option;
//   - an option whose new value is nullopt loses its line.
// A value is written plain when the reader would read it back unchanged, else in double quotes
// with \" and \\ escapes.
#ifndef SMSDRV_HOST_CFG_EDIT_HPP
#define SMSDRV_HOST_CFG_EDIT_HPP

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace smsdrv::host {

struct cfg_change {
  std::string key;
  std::optional<std::string> value;  // nullopt: remove the option
};

// text with the changes made to [section]. Throws cfg_error when text does not parse, and
// std::invalid_argument naming the option when a key is not a valid option name or a value holds
// a line break or NUL (which no .cfg line can carry), or when there is no such section. Nothing
// is changed unless every change can be made.
std::string edit_cfg_section(std::string_view text, std::string_view source,
                             std::string_view section, std::span<const cfg_change> changes);

// value as a .cfg line writes it: plain, or quoted when it begins or ends with a blank or begins
// with a double quote.
std::string cfg_value_text(std::string_view value);

// Replaces the file at path with content: written to a new file beside it (same mode), flushed,
// then renamed over it, so that a reader sees the old file or the new one, never a part.
// Throws std::runtime_error naming the path and the system's reason.
void replace_file(const std::string& path, std::string_view content);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_CFG_EDIT_HPP
