// GSM 7 bit alphabets as data (3GPP TS 23.038 §6.2.1, §6.2.1.1 and Annex A): one row per
// national language with its locking shift table and its single shift table. Adding a
// language means adding its tables and one row in gsm7_tables.cpp (and its identifier in
// options.hpp); no code changes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "text/options.hpp"

namespace smsdrv::text {

// Septet -> code point. 0 marks a position the table does not define (no table maps U+0000).
using gsm7_table = std::array<char32_t, 128>;

inline constexpr std::uint8_t gsm7_escape = 0x1B;  // TS 23.038 §6.2.1: escape to the shift table
inline constexpr std::uint8_t gsm7_no_septet = 0xFF;

// Code point -> septet for one table, built at compile time from a gsm7_table.
struct gsm7_reverse {
  static constexpr std::size_t wide_capacity = 48;
  std::array<std::uint8_t, 256> latin{};  // code points below U+0100; gsm7_no_septet if absent
  std::array<char32_t, wide_capacity> wide_code_point{};  // the others, sorted
  std::array<std::uint8_t, wide_capacity> wide_septet{};
  std::size_t wide_count = 0;

  // The septet for `cp`, or gsm7_no_septet.
  constexpr std::uint8_t find(char32_t cp) const noexcept {
    if (cp < 0x100) return latin[cp];
    std::size_t lo = 0, hi = wide_count;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (wide_code_point[mid] < cp)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < wide_count && wide_code_point[lo] == cp ? wide_septet[lo] : gsm7_no_septet;
  }
};

// One national language: a null table means the language defines none (Spanish has no locking
// shift table); the default table is used in its place.
struct gsm7_language {
  national_language id;
  std::string_view name;
  const gsm7_table* locking;
  const gsm7_reverse* locking_reverse;
  const gsm7_table* single_shift;
  const gsm7_reverse* single_shift_reverse;
};

// Every row, default alphabet (national_language::none) first.
std::span<const gsm7_language> gsm7_languages() noexcept;

// The row of `id`, or nullptr for an identifier without a row (e.g. a UDH naming Bengali).
const gsm7_language* find_gsm7_language(national_language id) noexcept;

// The tables in force for a message: the locking shift table of `locking` and the single shift
// table of `single_shift`, each replaced by the default table when the language has none.
struct gsm7_tables {
  const gsm7_table* locking;
  const gsm7_reverse* locking_reverse;
  const gsm7_table* single_shift;
  const gsm7_reverse* single_shift_reverse;
};

gsm7_tables gsm7_tables_for(national_language locking, national_language single_shift) noexcept;

bool has_locking_table(national_language l) noexcept;
bool has_single_shift_table(national_language l) noexcept;

}  // namespace smsdrv::text
