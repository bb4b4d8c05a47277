// The "extra optional parameters" string (docs/options.md, "TLV spec"): a list of
// SMPP v3.4 optional parameters (§3.2.4.1, §5.3) written as text, for x-smpp-extraopt,
// x-smpp-delivery-extraopt and a SendSMS request's extraopt:
//
//   { tlvItems: [ {tag:4401, typ:octets, val:2a03b44c6d0f}, {tag:4405} ] }
//
// The outer braces are optional; whitespace may stand between any two tokens; the keys tag, typ
// and val come in any order. Tags are decimal or 0x-hex (0..65535). Types: byte (1 octet), short
// (2), int (4) with a decimal or 0x-hex value range-checked for the size, big-endian; octets (an
// even number of hex digits, optional 0x); strnz (ASCII without NUL); strz (ASCII, a NUL is
// appended). {tag:N} alone is a zero-length TLV. A value in double quotes may hold spaces, commas
// and braces; inside it \" and \\ are the only escapes. The empty (or blank) spec means "no TLVs".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace smsdrv::smpp {

// One optional parameter ready for the wire: value holds the encoded value octets
// (SMPP v3.4 §3.2.4.1: tag and length are added by append_tlvs). value.size() <= 65535.
struct tlv_item {
  std::uint16_t tag = 0;
  std::string value;

  friend bool operator==(const tlv_item&, const tlv_item&) = default;
};

// Why a spec was refused. column is the 1-based character (UTF-8 code point) position of the
// offending token in the spec; reason says what was expected or what is wrong with it.
struct tlv_spec_error {
  std::size_t column = 0;
  std::string reason;

  // "column 23: expected ':' after 'tag'"
  std::string message() const;
};

using tlv_spec_result = std::variant<std::vector<tlv_item>, tlv_spec_error>;

// Parses a spec into items in the order written. Never throws for any input (except
// std::bad_alloc); the first problem found is reported.
tlv_spec_result parse_tlv_spec(std::string_view spec);

// Appends each item as tag (u16, big-endian), length (u16, big-endian) and value, in order.
// Throws std::length_error for a value longer than 65535 octets (parse_tlv_spec never makes one).
void append_tlvs(std::string& out, std::span<const tlv_item> items);

// The canonical spec of items (every value as typ:octets, zero-length values as {tag:N}), such
// that parse_tlv_spec(format_tlv_spec(items)) gives items back.
std::string format_tlv_spec(std::span<const tlv_item> items);

}  // namespace smsdrv::smpp
