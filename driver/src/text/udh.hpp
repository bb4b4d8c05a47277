// User Data Header (3GPP TS 23.040 §9.2.3.24): the information elements this driver writes and
// understands, and the parser for inbound headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/options.hpp"

namespace smsdrv::text {

// Information Element Identifiers, TS 23.040 §9.2.3.24 table.
namespace iei {
inline constexpr std::uint8_t concat_8bit = 0x00;    // §9.2.3.24.1: ref, total, seq
inline constexpr std::uint8_t concat_16bit = 0x08;   // §9.2.3.24.8: ref (2), total, seq
inline constexpr std::uint8_t single_shift = 0x24;   // §9.2.3.24.15: national language id
inline constexpr std::uint8_t locking_shift = 0x25;  // §9.2.3.24.16: national language id
}  // namespace iei

// The concatenation of one part: from IE 0x00 / 0x08, or from the SAR TLVs.
struct concat_info {
  concat_method method = concat_method::none;
  std::uint16_t reference = 0;  // 8-bit references are 0..255
  std::uint8_t total = 0;       // parts in the message, 1..255
  std::uint8_t seqnum = 0;      // this part, 1..total

  // TS 23.040 §9.2.3.24.1: a zero total, or a seqnum of 0 or above total, voids the element.
  constexpr bool valid() const noexcept {
    return method != concat_method::none && method != concat_method::payload && total >= 1 &&
           seqnum >= 1 && seqnum <= total;
  }
};

// One information element kept as received: `length` octets of data at `offset` in the
// short_message the header was parsed from.
struct udh_element {
  std::uint8_t iei = 0;
  std::uint8_t length = 0;
  std::uint16_t offset = 0;
};

struct udh_info {
  std::size_t length = 0;  // octets of the header, UDHL included; 0 without a header
  bool malformed = false;  // UDHL beyond the data or an element overrunning the header
  concat_info concat;      // IE 0x00 / 0x08 (the last one wins, TS 23.040 §9.2.3.24)
  national_language locking_shift = national_language::none;  // IE 0x25
  national_language single_shift = national_language::none;   // IE 0x24
  // Elements not used above, in order: unknown IEIs, concatenation elements voided by their
  // values, language identifiers without tables here, elements with a wrong length.
  std::vector<udh_element> other;
};

// Resets `out` to "no header", keeping the capacity of `other`.
void clear_udh(udh_info& out) noexcept;

// Parses the header at the start of `short_message` (UDHI set). A UDHL beyond the data leaves
// length 0 (nothing is stripped) and sets malformed; an element overrunning the header is
// skipped (malformed) and the header is still stripped.
void parse_udh(std::string_view short_message, udh_info& out);

// Appends the header for an outbound part: UDHL, the concatenation IE when `concat.method` is
// udh8 / udh16, then 0x25 / 0x24 for a national language that is not `none`.
// Returns the octets appended (0 when there is nothing to write).
std::size_t append_udh(std::string& out, const concat_info& concat, national_language locking_shift,
                       national_language single_shift);

// Octets append_udh writes for these elements (UDHL included; 0 for no element).
std::size_t udh_length(concat_method method, national_language locking_shift,
                       national_language single_shift) noexcept;

}  // namespace smsdrv::text
