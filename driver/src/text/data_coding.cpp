#include "text/data_coding.hpp"

namespace smsdrv::text {
namespace {

enum class rule : std::uint8_t {
  smsc_default,  // per x-smpp-inbound-enc-default
  fixed,         // `alpha` of the row
  general,       // TS 23.038 §4 general data coding / automatic deletion groups (00xx, 01xx)
  mwi_gsm7,      // TS 23.038 §4 message waiting indication, GSM 7 bit (1100, 1101)
  mwi_ucs2,      // TS 23.038 §4 message waiting indication, UCS2 (1110)
  class_group,   // TS 23.038 §4 data coding / message class (1111)
};

struct row {
  std::uint8_t first, last;
  rule how;
  alphabet alpha;
};

// Rows in ascending order, covering 0x00..0xFF.
constexpr row rows[] = {
    {0x00, 0x00, rule::smsc_default, alphabet::gsm7},  // SMSC default alphabet
    {0x01, 0x01, rule::fixed, alphabet::ia5},          // IA5 (CCITT T.50) / ASCII
    {0x02, 0x02, rule::fixed, alphabet::octets},       // octet unspecified (8-bit binary)
    {0x03, 0x03, rule::fixed, alphabet::latin1},       // Latin 1 (ISO-8859-1)
    {0x04, 0x04, rule::fixed, alphabet::octets},       // octet unspecified (8-bit binary)
    {0x05, 0x07, rule::fixed, alphabet::unsupported},  // JIS, Cyrillic, Latin/Hebrew
    {0x08, 0x08, rule::fixed, alphabet::ucs2},         // UCS2 (ISO/IEC-10646)
    {0x09, 0x0A, rule::fixed, alphabet::unsupported},  // Pictogram, ISO-2022-JP
    {0x0B, 0x0C, rule::general, alphabet::gsm7},       // not assigned by SMPP: GSM reading
    {0x0D, 0x0E, rule::fixed, alphabet::unsupported},  // Extended Kanji JIS, KS C 5601
    {0x0F, 0x3F, rule::general, alphabet::gsm7},       // general data coding group
    {0x40, 0x7F, rule::general, alphabet::gsm7},       // marked for automatic deletion
    {0x80, 0xBF, rule::fixed, alphabet::reserved},     // reserved coding groups
    {0xC0, 0xDF, rule::mwi_gsm7, alphabet::gsm7},      // MWI, discard / store message
    {0xE0, 0xEF, rule::mwi_ucs2, alphabet::ucs2},      // MWI, store message, UCS2
    {0xF0, 0xFF, rule::class_group, alphabet::gsm7},   // data coding / message class
};

constexpr alphabet by_bits(unsigned bits) noexcept {  // TS 23.038 §4 bits 3..2
  switch (bits & 3u) {
    case 0:
      return alphabet::gsm7;
    case 1:
      return alphabet::octets;
    case 2:
      return alphabet::ucs2;
    default:
      return alphabet::reserved;
  }
}

}  // namespace

std::string_view alphabet_name(alphabet a) noexcept {
  switch (a) {
    case alphabet::gsm7:
      return "gsm7";
    case alphabet::ia5:
      return "ia5";
    case alphabet::latin1:
      return "latin1";
    case alphabet::ucs2:
      return "ucs2";
    case alphabet::octets:
      return "octets";
    case alphabet::compressed:
      return "compressed";
    case alphabet::unsupported:
      return "unsupported";
    case alphabet::reserved:
      return "reserved";
  }
  return "reserved";
}

data_coding_info classify_data_coding(std::uint8_t dc, inbound_default smsc_default) noexcept {
  for (const row& r : rows) {
    if (dc < r.first || dc > r.last) continue;
    switch (r.how) {
      case rule::smsc_default:
        switch (smsc_default) {
          case inbound_default::gsm7:
            return {alphabet::gsm7, -1};
          case inbound_default::ascii:
            return {alphabet::ia5, -1};
          case inbound_default::latin1:
            return {alphabet::latin1, -1};
        }
        return {alphabet::gsm7, -1};
      case rule::fixed:
        return {r.alpha, -1};
      case rule::general: {
        // bit 5: compressed; bit 4: bits 1..0 are the message class; bits 3..2: alphabet.
        const std::int8_t cls = (dc & 0x10) ? static_cast<std::int8_t>(dc & 0x03) : -1;
        if (dc & 0x20) return {alphabet::compressed, cls};
        return {by_bits(dc >> 2), cls};
      }
      case rule::mwi_gsm7:
        return {alphabet::gsm7, -1};
      case rule::mwi_ucs2:
        return {alphabet::ucs2, -1};
      case rule::class_group:
        // bit 2: 0 GSM 7 bit, 1 8-bit data; bits 1..0: message class.
        return {(dc & 0x04) ? alphabet::octets : alphabet::gsm7,
                static_cast<std::int8_t>(dc & 0x03)};
    }
  }
  return {alphabet::reserved, -1};
}

}  // namespace smsdrv::text
