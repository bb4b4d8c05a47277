// The text-related channel options as types, with the parsers for their .cfg spellings
// (x-smpp-outbound-enc-default, x-smpp-inbound-enc-default, x-smpp-ucs2-enc-schema, the
// national language and the long-message method). Parsers accept any letter case and return
// nullopt for an unknown value so the config layer can refuse it with its own error format.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace smsdrv::text {

// Outbound alphabets (x-smpp-outbound-enc-default and the per-request override).
enum class encoding : std::uint8_t {
  gsm7,     // "smscdefault": GSM 03.38 default alphabet, unpacked septets, data_coding 0
  ascii,    // "ascii": IA5, data_coding 1
  latin1,   // "latin1": ISO-8859-1, data_coding 3
  ucs2,     // "ucs2": UCS-2 big-endian, BMP only, data_coding 8
  utf16be,  // "utf16be": UTF-16 big-endian with surrogate pairs, data_coding 8
};

std::optional<encoding> parse_encoding(std::string_view name) noexcept;
std::string_view encoding_name(encoding e) noexcept;  // the .cfg spelling

// SMPP v3.4 §5.2.19 data_coding sent for each alphabet.
constexpr std::uint8_t data_coding_of(encoding e) noexcept {
  switch (e) {
    case encoding::gsm7:
      return 0x00;
    case encoding::ascii:
      return 0x01;
    case encoding::latin1:
      return 0x03;
    case encoding::ucs2:
    case encoding::utf16be:
      return 0x08;
  }
  return 0x00;
}

// data_coding of an alphabet sent with a message class (0 = flash: shown at once, not stored),
// 3GPP TS 23.038 §4 general data coding group 00x1xxxx: bit 4 set (bits 1..0 are the class),
// bits 3..2 the alphabet (00 GSM 7 bit default alphabet, 10 UCS2). The IA5 and Latin-1 values
// of SMPP v3.4 §5.2.19 (1 and 3) have no class bits: nullopt.
constexpr std::optional<std::uint8_t> data_coding_with_class(encoding e,
                                                             std::uint8_t message_class) noexcept {
  const auto cls = static_cast<std::uint8_t>(0x10 | (message_class & 0x03));
  switch (e) {
    case encoding::gsm7:
      return cls;
    case encoding::ucs2:
    case encoding::utf16be:
      return static_cast<std::uint8_t>(cls | 0x08);
    case encoding::ascii:
    case encoding::latin1:
      return std::nullopt;
  }
  return std::nullopt;
}

// x-smpp-ucs2-enc-schema: what data_coding 8 may carry when text falls back to it.
enum class ucs2_schema : std::uint8_t {
  utf16be,  // "UTF-16BE": characters outside the BMP as surrogate pairs
  ucs2,     // "UCS-2": BMP only; other characters become U+FFFD (counted in `replaced`)
};

std::optional<ucs2_schema> parse_ucs2_schema(std::string_view name) noexcept;
std::string_view ucs2_schema_name(ucs2_schema s) noexcept;  // "UTF-16BE" / "UCS-2"

// x-smpp-inbound-enc-default: how data_coding 0 ("SMSC default alphabet") is read.
enum class inbound_default : std::uint8_t {
  gsm7,    // "smscdefault" (also "gsm7"): GSM 03.38, one septet per octet
  ascii,   // "ascii": IA5
  latin1,  // "latin1": ISO-8859-1
};

std::optional<inbound_default> parse_inbound_default(std::string_view name) noexcept;
std::string_view inbound_default_name(inbound_default d) noexcept;

// National language identifiers, 3GPP TS 23.038 §6.2.1.2.4 (the value is the octet carried in
// the UDH IEs). Only languages with rows in gsm7_tables.cpp are listed; see docs/text.md.
enum class national_language : std::uint8_t {
  none = 0,  // GSM 7 bit default alphabet and its extension table
  turkish = 1,
  spanish = 2,
  portuguese = 3,
};

// "none", "turkish", "spanish", "portuguese" (names come from the table rows).
std::optional<national_language> parse_national_language(std::string_view name) noexcept;
std::string_view national_language_name(national_language l) noexcept;

// How a long message is carried (outbound choice; also reported for inbound parts).
enum class concat_method : std::uint8_t {
  none,     // one part, no concatenation
  udh8,     // UDH IE 0x00, 8-bit reference (TS 23.040 §9.2.3.24.1)
  udh16,    // UDH IE 0x08, 16-bit reference (TS 23.040 §9.2.3.24.8)
  sar,      // SMPP v3.4 §5.3.2.22-24 sar_msg_ref_num / sar_total_segments / sar_segment_seqnum
  payload,  // one PDU with message_payload (SMPP v3.4 §5.3.2.32)
};

// "udh8", "udh16", "sar", "payload" (and "none").
std::optional<concat_method> parse_concat_method(std::string_view name) noexcept;
std::string_view concat_method_name(concat_method m) noexcept;

}  // namespace smsdrv::text
