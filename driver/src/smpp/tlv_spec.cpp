#include "smpp/tlv_spec.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include "smpp/tlv.hpp"

namespace smsdrv::smpp {
namespace {

// SMPP v3.4 §3.2.4.1: the length of an optional parameter is a 16-bit field.
constexpr std::size_t max_value_length = 0xFFFF;

enum class value_kind { integer, octets, strnz, strz };

struct value_type {
  std::string_view name;
  value_kind kind;
  std::size_t width;  // octets of an integer type, big-endian (SMPP v3.4 §3.1: Integer)
};

constexpr std::array<value_type, 6> value_types{{
    {"byte", value_kind::integer, 1},
    {"short", value_kind::integer, 2},
    {"int", value_kind::integer, 4},
    {"octets", value_kind::octets, 0},
    {"strnz", value_kind::strnz, 0},
    {"strz", value_kind::strz, 0},
}};

constexpr std::string_view type_names = "byte, short, int, octets, strnz or strz";

enum class item_key { tag, typ, val };
constexpr std::array<std::string_view, 3> item_keys{"tag", "typ", "val"};

// Thrown inside the parser, turned into tlv_spec_error at the API boundary.
struct spec_failure {
  std::size_t offset;
  std::string reason;
};

// A value as written: the text after removing quotes and escapes, with the spec offset of each
// of its characters so that a complaint about one character points at it.
struct token {
  std::string text;
  std::size_t offset = 0;
  std::vector<std::size_t> char_offsets;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_word_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

bool is_bare_value_char(char c) {
  return !is_space(c) && c != ',' && c != '{' && c != '}' && c != '[' && c != ']' && c != '"';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the well-formed UTF-8 sequence at in[offset] (RFC 3629: no overlong forms, no
// surrogates, at most U+10FFFF), 0 when there is none.
std::size_t utf8_sequence(std::string_view in, std::size_t offset) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(in[offset + k]); };
  unsigned char b = at(0);
  if (b < 0x80) return 1;
  std::size_t n = b >= 0xC2 && b <= 0xDF   ? 2
                  : b >= 0xE0 && b <= 0xEF ? 3
                  : b >= 0xF0 && b <= 0xF4 ? 4
                                           : 0;
  if (n == 0 || offset + n > in.size()) return 0;
  unsigned char lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
  if (at(1) < lo || at(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (at(k) < 0x80 || at(k) > 0xBF) return 0;
  return n;
}

// The character at offset as a person reads it: itself when printable ASCII or well-formed
// UTF-8, else \xNN, so that a message never carries control characters or broken UTF-8.
std::string char_at(std::string_view in, std::size_t offset) {
  auto b = static_cast<unsigned char>(in[offset]);
  if (b >= 0x20 && b < 0x7F) return std::string(1, static_cast<char>(b));
  std::size_t n = utf8_sequence(in, offset);
  if (b >= 0x80 && n > 0) return std::string(in.substr(offset, n));
  return fmt::format("\\x{:02x}", b);
}

std::size_t char_width(std::string_view in, std::size_t offset) {
  std::size_t n = utf8_sequence(in, offset);
  return n == 0 ? 1 : n;
}

// Text of a token for a message: printable, and shortened so that a huge value cannot flood a
// log line.
std::string shown(std::string_view text) {
  constexpr std::size_t limit = 32;
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); i += char_width(text, i), ++chars) {
    if (chars == limit) return out + "...";
    out += char_at(text, i);
  }
  return out;
}

struct number {
  bool valid = false;
  bool fits_u64 = true;
  bool negative = false;
  std::uint64_t value = 0;
};

// Decimal or 0x-hex, an optional leading '-' so that "-1" is reported as out of range.
number parse_number(std::string_view s) {
  number n;
  std::size_t i = 0;
  if (!s.empty() && s[0] == '-') {
    n.negative = true;
    i = 1;
  }
  std::uint64_t base = 10;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    base = 16;
    i += 2;
  }
  if (i == s.size()) return n;
  for (; i < s.size(); ++i) {
    int d = hex_digit(s[i]);
    if (d < 0 || static_cast<std::uint64_t>(d) >= base) return n;
    if (n.value >
        (std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(d)) / base)
      n.fits_u64 = false;
    else
      n.value = n.value * base + static_cast<std::uint64_t>(d);
  }
  n.valid = true;
  return n;
}

class spec_parser {
 public:
  explicit spec_parser(std::string_view in) : in_(in) {}

  std::vector<tlv_item> parse() {
    std::vector<tlv_item> items;
    skip_space();
    if (at_end()) return items;
    bool braced = consume('{');
    skip_space();
    std::size_t key_at = pos_;
    std::string_view key = word();
    if (!iequals(key, "tlvItems")) {
      if (key.empty()) fail_expected(braced ? "'tlvItems'" : "'{' or 'tlvItems'");
      fail(key_at, fmt::format("expected 'tlvItems', found '{}'", shown(key)));
    }
    skip_space();
    expect(':', "':' after 'tlvItems'");
    skip_space();
    expect('[', "'[' to start the list of TLV items");
    skip_space();
    if (!consume(']')) {
      for (;;) {
        items.push_back(item());
        skip_space();
        if (consume(',')) {
          skip_space();
          continue;
        }
        if (consume(']')) break;
        fail_expected("',' or ']' after a TLV item");
      }
    }
    if (braced) {
      skip_space();
      expect('}', "'}' to close the spec");
    }
    skip_space();
    if (!at_end()) fail(pos_, "unexpected text after the end of the spec");
    return items;
  }

 private:
  bool at_end() const { return pos_ >= in_.size(); }

  void skip_space() {
    while (!at_end() && is_space(in_[pos_]))
      ++pos_;
  }

  bool consume(char c) {
    if (at_end() || in_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  void expect(char c, std::string_view what) {
    if (!consume(c)) fail_expected(what);
  }

  [[noreturn]] void fail(std::size_t offset, std::string reason) const {
    throw spec_failure{offset, std::move(reason)};
  }

  [[noreturn]] void fail_expected(std::string_view what) const {
    if (at_end()) fail(pos_, fmt::format("expected {}, but the spec ends here", what));
    fail(pos_, fmt::format("expected {}", what));
  }

  std::string_view word() {
    std::size_t start = pos_;
    while (!at_end() && is_word_char(in_[pos_], pos_ == start))
      ++pos_;
    return in_.substr(start, pos_ - start);
  }

  token value(std::string_view key) {
    token t;
    t.offset = pos_;
    if (!consume('"')) {
      while (!at_end() && is_bare_value_char(in_[pos_])) {
        t.text += in_[pos_];
        t.char_offsets.push_back(pos_++);
      }
      if (t.text.empty()) fail_expected(fmt::format("a value for '{}'", key));
      return t;
    }
    for (;;) {
      if (at_end()) fail(t.offset, "unterminated quoted value (missing closing '\"')");
      char c = in_[pos_];
      if (c == '"') {
        ++pos_;
        return t;
      }
      if (c == '\\') {
        if (pos_ + 1 >= in_.size() || (in_[pos_ + 1] != '"' && in_[pos_ + 1] != '\\'))
          fail(pos_, "unknown escape in a quoted value (only \\\" and \\\\ are escapes)");
        ++pos_;
      }
      t.text += in_[pos_];
      t.char_offsets.push_back(pos_++);
    }
  }

  tlv_item item() {
    std::size_t open_at = pos_;
    expect('{', "'{' to start a TLV item");
    std::array<std::optional<token>, item_keys.size()> fields;
    skip_space();
    if (!consume('}')) {
      for (;;) {
        std::size_t key_at = pos_;
        std::string_view key = word();
        if (key.empty()) fail_expected("a key (tag, typ or val)");
        std::size_t k = 0;
        while (k < item_keys.size() && !iequals(key, item_keys[k]))
          ++k;
        if (k == item_keys.size())
          fail(key_at, fmt::format("unknown key '{}' (expected tag, typ or val)", shown(key)));
        if (fields[k]) fail(key_at, fmt::format("'{}' given twice in one TLV item", item_keys[k]));
        skip_space();
        expect(':', fmt::format("':' after '{}'", item_keys[k]));
        skip_space();
        fields[k] = value(item_keys[k]);
        skip_space();
        if (consume(',')) {
          skip_space();
          continue;
        }
        if (consume('}')) break;
        fail_expected(fmt::format("',' or '}}' after the value of '{}'", item_keys[k]));
      }
    }
    return build(open_at, fields);
  }

  tlv_item build(std::size_t open_at,
                 const std::array<std::optional<token>, item_keys.size()>& fields) {
    const auto& tag = fields[static_cast<std::size_t>(item_key::tag)];
    const auto& typ = fields[static_cast<std::size_t>(item_key::typ)];
    const auto& val = fields[static_cast<std::size_t>(item_key::val)];
    if (!tag) fail(open_at, "TLV item has no tag");
    tlv_item out;
    out.tag = parse_tag(*tag);
    if (!seen_tags_.insert(out.tag).second)
      fail(tag->offset, fmt::format("tag {} given twice", out.tag));
    if (!typ) {
      if (val) fail(val->offset, fmt::format("val needs a typ ({})", type_names));
      check_spec_length(*tag, out);
      return out;
    }
    const value_type* type = nullptr;
    for (const auto& t : value_types)
      if (iequals(typ->text, t.name)) type = &t;
    if (!type)
      fail(typ->offset,
           fmt::format("unknown typ '{}' (expected {})", shown(typ->text), type_names));
    if (!val) {
      if (type->kind == value_kind::integer)
        fail(open_at, fmt::format("typ {} needs a val", type->name));
      if (type->kind == value_kind::strz) out.value.push_back('\0');
      check_spec_length(*tag, out);
      return out;
    }
    out.value = encode_value(*type, *val);
    check_spec_length(*tag, out);
    return out;
  }

  // A tag the spec defines takes the lengths of its row in table 5-6 (SMPP v3.4 §5.3.2).
  void check_spec_length(const token& tag, const tlv_item& item) const {
    const tlv_info* info = tlv_length_violation(item.tag, item.value.size());
    if (info == nullptr) return;
    const std::string allowed =
        info->min_length == info->max_length
            ? fmt::format("{} octet{}", info->min_length, info->min_length == 1 ? "" : "s")
            : fmt::format("{} to {} octets", info->min_length, info->max_length);
    fail(tag.offset, fmt::format("tag {} ({}) takes {} (SMPP v3.4 §5.3.2); this value has {}",
                                 item.tag, info->name, allowed, item.value.size()));
  }

  std::uint16_t parse_tag(const token& t) const {
    number n = parse_number(t.text);
    if (!n.valid)
      fail(t.offset, fmt::format("tag '{}' is not a number (decimal or 0x-hex)", shown(t.text)));
    if (n.negative || !n.fits_u64 || n.value > 0xFFFF)
      fail(t.offset, fmt::format("tag {} does not fit 16 bits (0..65535)", shown(t.text)));
    return static_cast<std::uint16_t>(n.value);
  }

  std::string encode_value(const value_type& type, const token& val) const {
    switch (type.kind) {
      case value_kind::integer:
        return encode_integer(type, val);
      case value_kind::octets:
        return encode_octets(val);
      case value_kind::strnz:
      case value_kind::strz:
        return encode_string(type, val);
    }
    return {};
  }

  std::string encode_integer(const value_type& type, const token& val) const {
    number n = parse_number(val.text);
    if (!n.valid)
      fail(val.offset, fmt::format("value '{}' of typ {} is not a number (decimal or 0x-hex)",
                                   shown(val.text), type.name));
    std::uint64_t max = (std::uint64_t{1} << (8 * type.width)) - 1;
    if (n.negative || !n.fits_u64 || n.value > max)
      fail(val.offset,
           fmt::format("value {} does not fit typ {} (0..{})", shown(val.text), type.name, max));
    std::string out(type.width, '\0');
    for (std::size_t i = 0; i < type.width; ++i)
      out[type.width - 1 - i] = static_cast<char>((n.value >> (8 * i)) & 0xFF);
    return out;
  }

  std::string encode_octets(const token& val) const {
    std::size_t start = 0;
    if (val.text.size() >= 2 && val.text[0] == '0' && (val.text[1] == 'x' || val.text[1] == 'X'))
      start = 2;
    for (std::size_t i = start; i < val.text.size(); ++i)
      if (hex_digit(val.text[i]) < 0)
        fail(val.char_offsets[i],
             fmt::format("'{}' is not a hex digit", char_at(in_, val.char_offsets[i])));
    std::size_t digits = val.text.size() - start;
    if (digits % 2 != 0)
      fail(val.offset, fmt::format("octets value has an odd number of hex digits ({})", digits));
    check_length(val, digits / 2);
    std::string out;
    out.reserve(digits / 2);
    for (std::size_t i = start; i < val.text.size(); i += 2)
      out.push_back(static_cast<char>(hex_digit(val.text[i]) * 16 + hex_digit(val.text[i + 1])));
    return out;
  }

  std::string encode_string(const value_type& type, const token& val) const {
    for (std::size_t i = 0; i < val.text.size(); ++i) {
      auto b = static_cast<unsigned char>(val.text[i]);
      if (b == 0) fail(val.char_offsets[i], fmt::format("typ {} must not contain NUL", type.name));
      if (b >= 0x80)
        fail(val.char_offsets[i], fmt::format("typ {} must be ASCII; '{}' is not", type.name,
                                              char_at(in_, val.char_offsets[i])));
    }
    std::string out = val.text;
    // SMPP v3.4 §3.1: a C-Octet String ends with a NUL, counted in the length.
    if (type.kind == value_kind::strz) out.push_back('\0');
    check_length(val, out.size());
    return out;
  }

  void check_length(const token& val, std::size_t octets) const {
    if (octets > max_value_length)
      fail(val.offset, fmt::format("value is too long: {} octets do not fit the 16-bit length "
                                   "(at most {})",
                                   octets, max_value_length));
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::set<std::uint16_t> seen_tags_;
};

// 1-based position of the character that starts at offset (continuation bytes do not count).
std::size_t column_of(std::string_view in, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < in.size(); ++i)
    if ((static_cast<unsigned char>(in[i]) & 0xC0) != 0x80) ++column;
  return column;
}

}  // namespace

std::string tlv_spec_error::message() const {
  return fmt::format("column {}: {}", column, reason);
}

tlv_spec_result parse_tlv_spec(std::string_view spec) {
  try {
    return spec_parser(spec).parse();
  } catch (spec_failure& f) {
    return tlv_spec_error{column_of(spec, f.offset), std::move(f.reason)};
  }
}

void append_tlvs(std::string& out, std::span<const tlv_item> items) {
  for (const auto& item : items) {
    if (item.value.size() > max_value_length)
      throw std::length_error(fmt::format("TLV 0x{:04x}: value of {} octets exceeds 65535",
                                          item.tag, item.value.size()));
    auto length = static_cast<std::uint16_t>(item.value.size());
    out.push_back(static_cast<char>(item.tag >> 8));
    out.push_back(static_cast<char>(item.tag & 0xFF));
    out.push_back(static_cast<char>(length >> 8));
    out.push_back(static_cast<char>(length & 0xFF));
    out += item.value;
  }
}

std::string format_tlv_spec(std::span<const tlv_item> items) {
  std::string out = "{ tlvItems: [";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? " " : ", ";
    out += fmt::format("{{tag:{}", items[i].tag);
    if (!items[i].value.empty()) {
      out += ", typ:octets, val:";
      for (char c : items[i].value)
        out += fmt::format("{:02x}", static_cast<unsigned char>(c));
    }
    out += '}';
  }
  out += " ] }";
  return out;
}

}  // namespace smsdrv::smpp
