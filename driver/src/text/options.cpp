#include "text/options.hpp"

#include <utility>

#include "text/gsm7_tables.hpp"

namespace smsdrv::text {
namespace {

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

template <class E>
using name_row = std::pair<std::string_view, E>;

// The first row of a value is its canonical spelling; later rows are accepted aliases.
constexpr name_row<encoding> encoding_names[] = {
    {"smscdefault", encoding::gsm7}, {"ascii", encoding::ascii},      {"latin1", encoding::latin1},
    {"ucs2", encoding::ucs2},        {"utf16be", encoding::utf16be},  {"gsm7", encoding::gsm7},
    {"ia5", encoding::ascii},        {"utf-16be", encoding::utf16be}, {"ucs-2", encoding::ucs2},
};

constexpr name_row<ucs2_schema> schema_names[] = {
    {"UTF-16BE", ucs2_schema::utf16be},
    {"UCS-2", ucs2_schema::ucs2},
    {"utf16be", ucs2_schema::utf16be},
    {"ucs2", ucs2_schema::ucs2},
};

constexpr name_row<inbound_default> inbound_names[] = {
    {"smscdefault", inbound_default::gsm7}, {"ascii", inbound_default::ascii},
    {"latin1", inbound_default::latin1},    {"gsm7", inbound_default::gsm7},
    {"ia5", inbound_default::ascii},
};

constexpr name_row<concat_method> method_names[] = {
    {"none", concat_method::none},       {"udh8", concat_method::udh8},
    {"udh16", concat_method::udh16},     {"sar", concat_method::sar},
    {"payload", concat_method::payload},
};

template <class E, std::size_t N>
std::optional<E> parse(const name_row<E> (&rows)[N], std::string_view name) noexcept {
  for (const auto& [n, v] : rows)
    if (iequals(n, name)) return v;
  return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const name_row<E> (&rows)[N], E value) noexcept {
  for (const auto& [n, v] : rows)
    if (v == value) return n;
  return {};
}

}  // namespace

std::optional<encoding> parse_encoding(std::string_view name) noexcept {
  return parse(encoding_names, name);
}
std::string_view encoding_name(encoding e) noexcept {
  return name_of(encoding_names, e);
}

std::optional<ucs2_schema> parse_ucs2_schema(std::string_view name) noexcept {
  return parse(schema_names, name);
}
std::string_view ucs2_schema_name(ucs2_schema s) noexcept {
  return name_of(schema_names, s);
}

std::optional<inbound_default> parse_inbound_default(std::string_view name) noexcept {
  return parse(inbound_names, name);
}
std::string_view inbound_default_name(inbound_default d) noexcept {
  return name_of(inbound_names, d);
}

std::optional<concat_method> parse_concat_method(std::string_view name) noexcept {
  return parse(method_names, name);
}
std::string_view concat_method_name(concat_method m) noexcept {
  return name_of(method_names, m);
}

std::optional<national_language> parse_national_language(std::string_view name) noexcept {
  for (const gsm7_language& l : gsm7_languages())
    if (iequals(l.name, name)) return l.id;
  return std::nullopt;
}

std::string_view national_language_name(national_language l) noexcept {
  const gsm7_language* row = find_gsm7_language(l);
  return row ? row->name : std::string_view();
}

}  // namespace smsdrv::text
