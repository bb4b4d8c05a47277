// GSM 7 bit codec (3GPP TS 23.038 §6.2.1): UTF-8 <-> unpacked septets (one septet per octet,
// what SMPP carries for data_coding 0) with any locking / single shift table pair, and the
// packed 7-bit form of §6.1.2.1.1 for whoever needs the air-interface layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "text/gsm7_tables.hpp"

namespace smsdrv::text {

// Outcome of gsm7_encode.
struct gsm7_encode_result {
  std::size_t septets = 0;  // septets appended (an escape pair counts two)
  // Byte offset in the UTF-8 input of the first character the tables cannot carry, or npos.
  // Encoding stops there; `unmappable` is that character.
  std::size_t unmappable_at = std::string_view::npos;
  char32_t unmappable = 0;
  // Byte offset of the first invalid UTF-8 byte, or npos. Encoding stops there.
  std::size_t invalid_at = std::string_view::npos;

  constexpr bool complete() const noexcept {
    return unmappable_at == std::string_view::npos && invalid_at == std::string_view::npos;
  }
};

// Appends the septets of `utf8` to `out`: a character of the locking shift table as its septet,
// one of the single shift table as ESC (0x1B) + septet (TS 23.038 §6.2.1.1).
gsm7_encode_result gsm7_encode(std::string_view utf8, const gsm7_tables& tables, std::string& out);

// Septets `utf8` needs with `tables` (what gsm7_encode would append), without writing them.
gsm7_encode_result gsm7_measure(std::string_view utf8, const gsm7_tables& tables) noexcept;

// Appends the UTF-8 text of unpacked septets. ESC + a septet the single shift table does not
// define shows the locking table's character (TS 23.038 §6.2.1.1 note); ESC ESC shows a space
// (reserved for a further extension table). An octet above 0x7F or a final lone ESC becomes
// U+FFFD. Returns the number of U+FFFD written.
std::size_t gsm7_decode(std::string_view septets, const gsm7_tables& tables, std::string& out);

// TS 23.040 §9.2.3.16: fill bits after a UDH of `udh_octets` (UDHL included) so that the first
// septet starts on a septet boundary in the packed form.
constexpr unsigned gsm7_fill_bits(std::size_t udh_octets) noexcept {
  return static_cast<unsigned>((7 - (udh_octets * 8) % 7) % 7);
}

// Septets that fit in the 140 octets of TP-UD after a UDH of `udh_octets` (0: no UDH):
// 160, 153 (8-bit concatenation UDH, 6 octets), 152 (16-bit, 7 octets), ...
// (UDH bits plus fill bits round up to whole septets, TS 23.040 §9.2.3.16.)
constexpr std::size_t gsm7_capacity(std::size_t udh_octets) noexcept {
  return (140 - udh_octets) * 8 / 7;
}

// TS 23.038 §6.1.2.1.1: packs septets (low 7 bits of each octet) LSB first, starting after
// `fill_bits` zero bits, and appends the octets to `out`.
void gsm7_pack(std::string_view septets, unsigned fill_bits, std::string& out);

// Inverse of gsm7_pack: appends `count` septets read from `packed` after `fill_bits` bits;
// stops early when `packed` runs out.
void gsm7_unpack(std::string_view packed, std::size_t count, unsigned fill_bits, std::string& out);

}  // namespace smsdrv::text
