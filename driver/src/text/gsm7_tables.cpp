#include "text/gsm7_tables.hpp"

#include <initializer_list>

namespace smsdrv::text {
namespace {

constexpr char32_t esc = 0;  // septet 0x1B of a locking shift table: the escape, not a character

// clang-format off
// 3GPP TS 23.038 §6.2.1: GSM 7 bit default alphabet.
constexpr gsm7_table default_alphabet = {
    /* 0x00 */ U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì',
    /* 0x08 */ U'ò', U'Ç', U'\n', U'Ø', U'ø', U'\r', U'Å', U'å',
    /* 0x10 */ U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ',
    /* 0x18 */ U'Σ', U'Θ', U'Ξ', esc, U'Æ', U'æ', U'ß', U'É',
    /* 0x20 */ U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'',
    /* 0x28 */ U'(', U')', U'*', U'+', U',', U'-', U'.', U'/',
    /* 0x30 */ U'0', U'1', U'2', U'3', U'4', U'5', U'6', U'7',
    /* 0x38 */ U'8', U'9', U':', U';', U'<', U'=', U'>', U'?',
    /* 0x40 */ U'¡', U'A', U'B', U'C', U'D', U'E', U'F', U'G',
    /* 0x48 */ U'H', U'I', U'J', U'K', U'L', U'M', U'N', U'O',
    /* 0x50 */ U'P', U'Q', U'R', U'S', U'T', U'U', U'V', U'W',
    /* 0x58 */ U'X', U'Y', U'Z', U'Ä', U'Ö', U'Ñ', U'Ü', U'§',
    /* 0x60 */ U'¿', U'a', U'b', U'c', U'd', U'e', U'f', U'g',
    /* 0x68 */ U'h', U'i', U'j', U'k', U'l', U'm', U'n', U'o',
    /* 0x70 */ U'p', U'q', U'r', U's', U't', U'u', U'v', U'w',
    /* 0x78 */ U'x', U'y', U'z', U'ä', U'ö', U'ñ', U'ü', U'à',
};

// 3GPP TS 23.038 Annex A.3.1: Turkish National Language Locking Shift Table.
constexpr gsm7_table turkish_locking = {
    /* 0x00 */ U'@', U'£', U'$', U'¥', U'€', U'é', U'ù', U'ı',
    /* 0x08 */ U'ò', U'Ç', U'\n', U'Ğ', U'ğ', U'\r', U'Å', U'å',
    /* 0x10 */ U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ',
    /* 0x18 */ U'Σ', U'Θ', U'Ξ', esc, U'Ş', U'ş', U'ß', U'É',
    /* 0x20 */ U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'',
    /* 0x28 */ U'(', U')', U'*', U'+', U',', U'-', U'.', U'/',
    /* 0x30 */ U'0', U'1', U'2', U'3', U'4', U'5', U'6', U'7',
    /* 0x38 */ U'8', U'9', U':', U';', U'<', U'=', U'>', U'?',
    /* 0x40 */ U'İ', U'A', U'B', U'C', U'D', U'E', U'F', U'G',
    /* 0x48 */ U'H', U'I', U'J', U'K', U'L', U'M', U'N', U'O',
    /* 0x50 */ U'P', U'Q', U'R', U'S', U'T', U'U', U'V', U'W',
    /* 0x58 */ U'X', U'Y', U'Z', U'Ä', U'Ö', U'Ñ', U'Ü', U'§',
    /* 0x60 */ U'ç', U'a', U'b', U'c', U'd', U'e', U'f', U'g',
    /* 0x68 */ U'h', U'i', U'j', U'k', U'l', U'm', U'n', U'o',
    /* 0x70 */ U'p', U'q', U'r', U's', U't', U'u', U'v', U'w',
    /* 0x78 */ U'x', U'y', U'z', U'ä', U'ö', U'ñ', U'ü', U'à',
};

// 3GPP TS 23.038 Annex A.3.3: Portuguese National Language Locking Shift Table.
constexpr gsm7_table portuguese_locking = {
    /* 0x00 */ U'@', U'£', U'$', U'¥', U'ê', U'é', U'ú', U'í',
    /* 0x08 */ U'ó', U'ç', U'\n', U'Ô', U'ô', U'\r', U'Á', U'á',
    /* 0x10 */ U'Δ', U'_', U'ª', U'Ç', U'À', U'∞', U'^', U'\\',
    /* 0x18 */ U'€', U'Ó', U'|', esc, U'Â', U'â', U'Ê', U'É',
    /* 0x20 */ U' ', U'!', U'"', U'#', U'º', U'%', U'&', U'\'',
    /* 0x28 */ U'(', U')', U'*', U'+', U',', U'-', U'.', U'/',
    /* 0x30 */ U'0', U'1', U'2', U'3', U'4', U'5', U'6', U'7',
    /* 0x38 */ U'8', U'9', U':', U';', U'<', U'=', U'>', U'?',
    /* 0x40 */ U'Í', U'A', U'B', U'C', U'D', U'E', U'F', U'G',
    /* 0x48 */ U'H', U'I', U'J', U'K', U'L', U'M', U'N', U'O',
    /* 0x50 */ U'P', U'Q', U'R', U'S', U'T', U'U', U'V', U'W',
    /* 0x58 */ U'X', U'Y', U'Z', U'Ã', U'Õ', U'Ú', U'Ü', U'§',
    /* 0x60 */ U'~', U'a', U'b', U'c', U'd', U'e', U'f', U'g',
    /* 0x68 */ U'h', U'i', U'j', U'k', U'l', U'm', U'n', U'o',
    /* 0x70 */ U'p', U'q', U'r', U's', U't', U'u', U'v', U'w',
    /* 0x78 */ U'x', U'y', U'z', U'ã', U'õ', U'`', U'ü', U'à',
};

// clang-format on

// Single shift tables are sparse: (septet, character) rows. Septet 0x1B of every single shift
// table is reserved for a further extension and is decoded as a space (see gsm7.cpp).
struct shift_row {
  std::uint8_t septet;
  char32_t code_point;
};

constexpr gsm7_table sparse(std::initializer_list<shift_row> rows) {
  gsm7_table t{};
  for (const shift_row& r : rows)
    t[r.septet] = r.code_point;
  return t;
}

// clang-format off
// 3GPP TS 23.038 §6.2.1.1: GSM 7 bit default alphabet extension table.
constexpr gsm7_table default_extension = sparse({
    {0x0A, U'\f'}, {0x14, U'^'}, {0x28, U'{'}, {0x29, U'}'}, {0x2F, U'\\'},
    {0x3C, U'['},  {0x3D, U'~'}, {0x3E, U']'}, {0x40, U'|'}, {0x65, U'€'},
});

// 3GPP TS 23.038 Annex A.2.1: Turkish National Language Single Shift Table.
constexpr gsm7_table turkish_single_shift = sparse({
    {0x0A, U'\f'}, {0x14, U'^'}, {0x28, U'{'}, {0x29, U'}'}, {0x2F, U'\\'}, {0x3C, U'['},
    {0x3D, U'~'},  {0x3E, U']'}, {0x40, U'|'}, {0x47, U'Ğ'}, {0x49, U'İ'},  {0x53, U'Ş'},
    {0x63, U'ç'},  {0x65, U'€'}, {0x67, U'ğ'}, {0x69, U'ı'}, {0x73, U'ş'},
});

// 3GPP TS 23.038 Annex A.2.2: Spanish National Language Single Shift Table.
constexpr gsm7_table spanish_single_shift = sparse({
    {0x09, U'ç'}, {0x0A, U'\f'}, {0x14, U'^'}, {0x28, U'{'}, {0x29, U'}'}, {0x2F, U'\\'},
    {0x3C, U'['}, {0x3D, U'~'},  {0x3E, U']'}, {0x40, U'|'}, {0x41, U'Á'}, {0x49, U'Í'},
    {0x4F, U'Ó'}, {0x55, U'Ú'},  {0x61, U'á'}, {0x65, U'€'}, {0x69, U'í'}, {0x6F, U'ó'},
    {0x75, U'ú'},
});

// 3GPP TS 23.038 Annex A.2.3: Portuguese National Language Single Shift Table.
constexpr gsm7_table portuguese_single_shift = sparse({
    {0x05, U'ê'},  {0x09, U'ç'}, {0x0A, U'\f'}, {0x0B, U'Ô'}, {0x0C, U'ô'}, {0x0E, U'Á'},
    {0x0F, U'á'},  {0x12, U'Φ'}, {0x13, U'Γ'},  {0x14, U'^'}, {0x15, U'Ω'}, {0x16, U'Π'},
    {0x17, U'Ψ'},  {0x18, U'Σ'}, {0x19, U'Θ'},  {0x1F, U'Ê'}, {0x28, U'{'}, {0x29, U'}'},
    {0x2F, U'\\'}, {0x3C, U'['}, {0x3D, U'~'},  {0x3E, U']'}, {0x40, U'|'}, {0x41, U'À'},
    {0x49, U'Í'},  {0x4F, U'Ó'}, {0x55, U'Ú'},  {0x5B, U'Ã'}, {0x5C, U'Õ'}, {0x61, U'Â'},
    {0x65, U'€'},  {0x69, U'í'}, {0x6F, U'ó'},  {0x75, U'ú'}, {0x7B, U'ã'}, {0x7C, U'õ'},
    {0x7F, U'â'},
});
// clang-format on

// Reverse table; when a character appears twice the lower septet wins (none of the tables
// above repeats one).
constexpr gsm7_reverse reverse(const gsm7_table& t) {
  gsm7_reverse r{};
  for (auto& s : r.latin)
    s = gsm7_no_septet;
  for (std::size_t septet = 0; septet < t.size(); ++septet) {
    const char32_t cp = t[septet];
    if (cp == 0 || septet == gsm7_escape) continue;
    if (cp < 0x100) {
      if (r.latin[cp] == gsm7_no_septet) r.latin[cp] = static_cast<std::uint8_t>(septet);
      continue;
    }
    bool seen = false;
    for (std::size_t k = 0; k < r.wide_count; ++k)
      seen = seen || r.wide_code_point[k] == cp;
    if (seen) continue;
    // Insertion keeps `wide` sorted; a table with more wide characters than the capacity fails
    // to compile (out-of-range index in a constant expression).
    std::size_t i = r.wide_count;
    while (i > 0 && r.wide_code_point[i - 1] > cp) {
      r.wide_code_point[i] = r.wide_code_point[i - 1];
      r.wide_septet[i] = r.wide_septet[i - 1];
      --i;
    }
    r.wide_code_point[i] = cp;
    r.wide_septet[i] = static_cast<std::uint8_t>(septet);
    ++r.wide_count;
  }
  return r;
}

constexpr gsm7_reverse default_alphabet_reverse = reverse(default_alphabet);
constexpr gsm7_reverse default_extension_reverse = reverse(default_extension);
constexpr gsm7_reverse turkish_locking_reverse = reverse(turkish_locking);
constexpr gsm7_reverse turkish_single_shift_reverse = reverse(turkish_single_shift);
constexpr gsm7_reverse spanish_single_shift_reverse = reverse(spanish_single_shift);
constexpr gsm7_reverse portuguese_locking_reverse = reverse(portuguese_locking);
constexpr gsm7_reverse portuguese_single_shift_reverse = reverse(portuguese_single_shift);

// One row per language (TS 23.038 §6.2.1.2.4 identifiers).
constexpr gsm7_language languages[] = {
    {national_language::none, "none", &default_alphabet, &default_alphabet_reverse,
     &default_extension, &default_extension_reverse},
    {national_language::turkish, "turkish", &turkish_locking, &turkish_locking_reverse,
     &turkish_single_shift, &turkish_single_shift_reverse},
    {national_language::spanish, "spanish", nullptr, nullptr, &spanish_single_shift,
     &spanish_single_shift_reverse},
    {national_language::portuguese, "portuguese", &portuguese_locking, &portuguese_locking_reverse,
     &portuguese_single_shift, &portuguese_single_shift_reverse},
};

}  // namespace

std::span<const gsm7_language> gsm7_languages() noexcept {
  return languages;
}

const gsm7_language* find_gsm7_language(national_language id) noexcept {
  for (const gsm7_language& l : languages)
    if (l.id == id) return &l;
  return nullptr;
}

gsm7_tables gsm7_tables_for(national_language locking, national_language single_shift) noexcept {
  gsm7_tables t{&default_alphabet, &default_alphabet_reverse, &default_extension,
                &default_extension_reverse};
  if (const gsm7_language* l = find_gsm7_language(locking); l && l->locking) {
    t.locking = l->locking;
    t.locking_reverse = l->locking_reverse;
  }
  if (const gsm7_language* l = find_gsm7_language(single_shift); l && l->single_shift) {
    t.single_shift = l->single_shift;
    t.single_shift_reverse = l->single_shift_reverse;
  }
  return t;
}

bool has_locking_table(national_language l) noexcept {
  const gsm7_language* row = find_gsm7_language(l);
  return row && row->locking;
}

bool has_single_shift_table(national_language l) noexcept {
  const gsm7_language* row = find_gsm7_language(l);
  return row && row->single_shift;
}

}  // namespace smsdrv::text
