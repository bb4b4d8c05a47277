#include "message_id.hpp"

#include <charconv>

namespace smsdrv::sim {
namespace {

constexpr char digits[] = "0123456789abcdef";

// SplitMix64 finaliser: spreads a counter over 64 bits (the uuid-like form looks random).
std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

char* put_hex(char* p, std::uint64_t v, int n) noexcept {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = digits[v & 15];
    v >>= 4;
  }
  return p + n;
}

}  // namespace

void format_message_id(id_format format, std::uint64_t counter, message_id_buffer& out) noexcept {
  char* p = out.data;
  switch (format) {
    case id_format::hex: {
      int n = 8;
      while (n < 16 && (counter >> (4 * n)) != 0)
        ++n;
      p = put_hex(p, counter, n);
      break;
    }
    case id_format::decimal:
      p = std::to_chars(p, p + sizeof out.data, counter).ptr;
      break;
    case id_format::uuid: {
      const std::uint64_t r = mix(counter);
      p = put_hex(p, r >> 32, 8);
      *p++ = '-';
      p = put_hex(p, (r >> 16) & 0xFFFF, 4);
      *p++ = '-';
      *p++ = '4';
      p = put_hex(p, r & 0xFFF, 3);
      *p++ = '-';
      *p++ = '8';
      p = put_hex(p, (r >> 52) & 0xFFF, 3);
      *p++ = '-';
      p = put_hex(p, counter & 0xFFFFFFFFFFFFull, 12);
      break;
    }
  }
  out.size = static_cast<std::uint8_t>(p - out.data);
}

std::optional<std::uint64_t> parse_message_id(id_format format, std::string_view id) noexcept {
  const std::string_view whole = id;
  std::uint64_t v = 0;
  int base = 16;
  switch (format) {
    case id_format::hex:
      break;
    case id_format::decimal:
      base = 10;
      break;
    case id_format::uuid:
      if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-')
        return std::nullopt;
      id = id.substr(24);
      break;
  }
  if (id.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), v, base);
  if (ec != std::errc() || p != id.data() + id.size()) return std::nullopt;
  if (format == id_format::uuid) {
    // The other groups derive from the counter: an id we did not make does not match.
    message_id_buffer again;
    format_message_id(format, v, again);
    if (again.view() != whole) return std::nullopt;
  }
  return v;
}

}  // namespace smsdrv::sim
