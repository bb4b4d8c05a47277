// Text helpers of the configuration module: UTF-8 checks, values made safe to print, name
// matching and "did you mean" distances.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smsdrv::config {

// Number of code points of well-formed UTF-8 text (no overlong forms, no surrogates), else
// std::nullopt.
std::optional<std::size_t> utf8_length(std::string_view text);

// text for a message: printable ASCII and well-formed UTF-8 as is, anything else as \xNN, cut
// after limit characters with "..." so that one value cannot flood a log line.
std::string printable(std::string_view text, std::size_t limit = 64);

// ASCII space, tab, CR and LF removed at both ends.
std::string_view trim(std::string_view text);

// The spelling used to match enumeration names: lower case without ' ', '-' and '_'.
std::string normalized_name(std::string_view name);

// Levenshtein distance ignoring ASCII case; inputs longer than 64 characters count as far.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace smsdrv::config
