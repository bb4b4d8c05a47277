#include "privacy/filter_rule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace smsdrv::privacy {
namespace {

struct filter_name {
  std::string_view name;  // as normalized_name() spells it
  std::string_view shown;
  filter_kind kind;
  bool counted;
};

constexpr filter_name filter_names[] = {
    {"copy", "copy", filter_kind::copy, false},
    {"hide", "hide", filter_kind::hide, false},
    {"skip", "skip", filter_kind::skip, false},
    {"hidefirst", "hide-first", filter_kind::hide_first, true},
    {"hidelast", "hide-last", filter_kind::hide_last, true},
    {"unhidefirst", "unhide-first", filter_kind::unhide_first, true},
    {"unhidelast", "unhide-last", filter_kind::unhide_last, true},
};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string normalized_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '-' || c == '_' || c == '\t') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::optional<std::uint32_t> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  std::uint32_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (n < 1 || n > max_filter_count) return std::nullopt;
  return n;
}

// Octet length of the UTF-8 character starting at s[i]; an invalid byte counts as one.
std::size_t char_length(std::string_view s, std::size_t i) noexcept {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b < 0x80                 ? 1
                  : b >= 0xC2 && b <= 0xDF ? 2
                  : b >= 0xE0 && b <= 0xEF ? 3
                  : b >= 0xF0 && b <= 0xF4 ? 4
                                           : 1;
  if (i + n > s.size()) return 1;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

}  // namespace

std::optional<filter_rule> parse_filter_rule(std::string_view text) {
  const std::string_view v = trim(text);
  const std::size_t comma = v.find(',');
  const std::string name = normalized_name(trim(v.substr(0, comma)));
  for (const filter_name& f : filter_names) {
    if (name != f.name) continue;
    if (!f.counted) {
      if (comma != std::string_view::npos) return std::nullopt;
      return filter_rule{f.kind, 0};
    }
    if (comma == std::string_view::npos) return std::nullopt;
    const auto n = parse_count(trim(v.substr(comma + 1)));
    if (!n) return std::nullopt;
    return filter_rule{f.kind, *n};
  }
  return std::nullopt;
}

std::string to_string(const filter_rule& r) {
  for (const filter_name& f : filter_names)
    if (f.kind == r.kind)
      return f.counted ? fmt::format("{},{}", f.shown, r.count) : std::string(f.shown);
  return {};
}

int strictness(const filter_rule& r) noexcept {
  switch (r.kind) {
    case filter_kind::copy:
      return 0;
    case filter_kind::hide_first:
    case filter_kind::hide_last:
    case filter_kind::unhide_first:
    case filter_kind::unhide_last:
      return 1;
    case filter_kind::hide:
      return 2;
    case filter_kind::skip:
      return 3;
  }
  return 3;
}

std::optional<std::string> apply_filter(const filter_rule& r, std::string_view value) {
  return apply_filter(std::span<const filter_rule>(&r, 1), value);
}

std::optional<std::string> apply_filter(std::span<const filter_rule> rules,
                                        std::string_view value) {
  int strictest = 0;
  for (const filter_rule& r : rules)
    strictest = std::max(strictest, strictness(r));
  if (strictest == 3) return std::nullopt;
  if (strictest == 2) return std::string(hidden_value);
  if (strictest == 0) return std::string(value);

  // Start offsets of the characters, then which of them any rule hides.
  std::vector<std::size_t> starts;
  starts.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); i += char_length(value, i))
    starts.push_back(i);
  const std::size_t n = starts.size();
  std::vector<bool> hidden(n, false);
  for (const filter_rule& r : rules) {
    const std::size_t c = std::min<std::size_t>(r.count, n);
    switch (r.kind) {
      case filter_kind::hide_first:
        std::fill(hidden.begin(), hidden.begin() + static_cast<std::ptrdiff_t>(c), true);
        break;
      case filter_kind::hide_last:
        std::fill(hidden.end() - static_cast<std::ptrdiff_t>(c), hidden.end(), true);
        break;
      case filter_kind::unhide_first:
        std::fill(hidden.begin() + static_cast<std::ptrdiff_t>(c), hidden.end(), true);
        break;
      case filter_kind::unhide_last:
        std::fill(hidden.begin(), hidden.end() - static_cast<std::ptrdiff_t>(c), true);
        break;
      default:
        break;
    }
  }
  std::string out;
  out.reserve(value.size());
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t end = k + 1 < n ? starts[k + 1] : value.size();
    if (hidden[k])
      out.push_back(hidden_character);
    else
      out.append(value.substr(starts[k], end - starts[k]));
  }
  return out;
}

}  // namespace smsdrv::privacy
