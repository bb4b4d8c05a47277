// The standard user-data filter of the driver guide ("How the driver masks sensitive data in
// logs"): how one value is shown in a log line. Shared by the driver and dms-stub, so that a
// key masked by [log-filter-data] reads the same in every log (docs/privacy.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace smsdrv::privacy {

enum class filter_kind : std::uint8_t {
  copy,          // shown as is
  hide,          // replaced by ****
  skip,          // key and value left out
  hide_first,    // first count characters hidden
  hide_last,     // last count characters hidden
  unhide_first,  // all but the first count characters hidden
  unhide_last,   // all but the last count characters hidden
};

struct filter_rule {
  filter_kind kind = filter_kind::copy;
  std::uint32_t count = 0;  // the N of the *-first / *-last kinds, else 0

  friend bool operator==(const filter_rule&, const filter_rule&) = default;
};

// The largest N of hide-first,N and friends.
inline constexpr std::uint32_t max_filter_count = 65535;

// What a hidden value, and each hidden character of a partly hidden one, is replaced by.
inline constexpr std::string_view hidden_value = "****";
inline constexpr char hidden_character = '*';

// "copy", "hide", "skip", "hide-first,N", "hide-last,N", "unhide-first,N", "unhide-last,N"
// (names ignore case, blanks, '-' and '_'; N from 1 to max_filter_count); nullopt otherwise.
std::optional<filter_rule> parse_filter_rule(std::string_view text);

// "hide-first,4"
std::string to_string(const filter_rule& r);

// How strict a rule is: copy < partial kinds < hide < skip. Used to combine the rules of
// several keys that one value carries (privacy/masking.hpp).
int strictness(const filter_rule& r) noexcept;

// The value as `r` shows it; nullopt for skip. Characters are Unicode code points of UTF-8
// text (an invalid byte counts as one character), so a partial rule never cuts a character.
std::optional<std::string> apply_filter(const filter_rule& r, std::string_view value);

// The value as every rule of `rules` together shows it: left out if one skips, **** if one
// hides, else every character that any partial rule hides is hidden (an empty span copies).
std::optional<std::string> apply_filter(std::span<const filter_rule> rules, std::string_view value);

}  // namespace smsdrv::privacy
