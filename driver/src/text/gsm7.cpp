#include "text/gsm7.hpp"

#include "text/utf8.hpp"

namespace smsdrv::text {
namespace {

// Walks `utf8` mapping each character through `tables`; `emit(septet)` receives every septet.
template <class Emit>
gsm7_encode_result walk(std::string_view utf8, const gsm7_tables& tables, Emit&& emit) {
  gsm7_encode_result r;
  const gsm7_reverse& locking = *tables.locking_reverse;
  std::size_t septets = 0;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    // Fast path: an ASCII character of the locking table.
    const auto b = static_cast<std::uint8_t>(utf8[pos]);
    if (b < 0x80) {
      if (const std::uint8_t s = locking.latin[b]; s != gsm7_no_septet) {
        emit(s);
        ++septets;
        ++pos;
        continue;
      }
    }
    const utf8_char c = next_utf8(utf8, pos);
    if (c.length == 0) {
      r.invalid_at = pos;
      break;
    }
    std::uint8_t septet = locking.find(c.code_point);
    if (septet != gsm7_no_septet) {
      emit(septet);
      septets += 1;
    } else if ((septet = tables.single_shift_reverse->find(c.code_point)) != gsm7_no_septet) {
      emit(gsm7_escape);
      emit(septet);
      septets += 2;
    } else {
      r.unmappable_at = pos;
      r.unmappable = c.code_point;
      break;
    }
    pos += c.length;
  }
  r.septets = septets;
  return r;
}

}  // namespace

gsm7_encode_result gsm7_encode(std::string_view utf8, const gsm7_tables& tables, std::string& out) {
  // At most two septets per input octet: write through a pointer, then trim.
  const std::size_t at = out.size();
  out.resize(at + utf8.size() * 2);
  char* d = out.data() + at;
  const gsm7_encode_result r =
      walk(utf8, tables, [&d](std::uint8_t s) { *d++ = static_cast<char>(s); });
  out.resize(static_cast<std::size_t>(d - out.data()));
  return r;
}

gsm7_encode_result gsm7_measure(std::string_view utf8, const gsm7_tables& tables) noexcept {
  return walk(utf8, tables, [](std::uint8_t) {});
}

std::size_t gsm7_decode(std::string_view septets, const gsm7_tables& tables, std::string& out) {
  // Every character of the tables and U+FFFD take at most 3 UTF-8 octets: write through a
  // pointer into room for the worst case, then trim.
  const std::size_t at = out.size();
  out.resize(at + septets.size() * 3);
  char* d = out.data() + at;
  auto put = [&d](char32_t cp) {
    if (cp < 0x80) {
      *d++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *d++ = static_cast<char>(0xC0 | (cp >> 6));
      *d++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *d++ = static_cast<char>(0xE0 | (cp >> 12));
      *d++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *d++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  std::size_t replaced = 0;
  for (std::size_t i = 0; i < septets.size(); ++i) {
    const auto s = static_cast<std::uint8_t>(septets[i]);
    if (s > 0x7F) {
      put(replacement_character);
      ++replaced;
      continue;
    }
    if (s != gsm7_escape) {
      put((*tables.locking)[s]);
      continue;
    }
    if (i + 1 == septets.size()) {
      put(replacement_character);
      ++replaced;
      continue;
    }
    const auto next = static_cast<std::uint8_t>(septets[++i]);
    if (next > 0x7F) {
      put(replacement_character);
      ++replaced;
    } else if (next == gsm7_escape) {
      put(U' ');  // TS 23.038 §6.2.1.1: reserved for another extension table
    } else if (const char32_t cp = (*tables.single_shift)[next]; cp != 0) {
      put(cp);
    } else {
      put((*tables.locking)[next]);
    }
  }
  out.resize(static_cast<std::size_t>(d - out.data()));
  return replaced;
}

void gsm7_pack(std::string_view septets, unsigned fill_bits, std::string& out) {
  out.reserve(out.size() + (septets.size() * 7 + fill_bits + 7) / 8);
  std::uint32_t acc = 0;
  unsigned bits = fill_bits;  // fill bits are zeros already in `acc`
  for (const char c : septets) {
    acc |= (static_cast<std::uint32_t>(static_cast<std::uint8_t>(c)) & 0x7Fu) << bits;
    bits += 7;
    while (bits >= 8) {
      out.push_back(static_cast<char>(acc & 0xFFu));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out.push_back(static_cast<char>(acc & 0xFFu));
}

void gsm7_unpack(std::string_view packed, std::size_t count, unsigned fill_bits, std::string& out) {
  std::size_t bit = fill_bits;
  for (std::size_t n = 0; n < count; ++n, bit += 7) {
    const std::size_t byte = bit / 8;
    if (byte >= packed.size()) return;
    std::uint32_t v = static_cast<std::uint8_t>(packed[byte]);
    if (byte + 1 < packed.size())
      v |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(packed[byte + 1])) << 8;
    else if ((bit % 8) + 7 > 8)
      return;  // the septet runs past the last octet
    out.push_back(static_cast<char>((v >> (bit % 8)) & 0x7Fu));
  }
}

}  // namespace smsdrv::text
