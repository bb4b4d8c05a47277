// Strict UTF-8 (RFC 3629): the outbound text is refused at the first invalid byte rather than
// guessed at; inbound text is always produced as valid UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smsdrv::text {

inline constexpr char32_t replacement_character = U'\uFFFD';

// One code point read from UTF-8: `length` octets consumed, 0 when the octets at that position
// are not UTF-8 (overlong forms, surrogates, values above U+10FFFF, truncated sequences).
struct utf8_char {
  char32_t code_point = 0;
  std::uint8_t length = 0;
};

// Reads the code point starting at `pos` (pos < s.size()).
inline utf8_char next_utf8(std::string_view s, std::size_t pos) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + pos;
  const std::size_t left = s.size() - pos;
  const unsigned b0 = p[0];
  if (b0 < 0x80) return {b0, 1};
  auto cont = [](unsigned b) { return (b & 0xC0u) == 0x80u; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left < 2 || !cont(p[1])) return {};
    return {((b0 & 0x1Fu) << 6) | (p[1] & 0x3Fu), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !cont(p[1]) || !cont(p[2])) return {};
    if (b0 == 0xE0 && p[1] < 0xA0) return {};  // overlong
    if (b0 == 0xED && p[1] > 0x9F) return {};  // UTF-16 surrogate
    return {((b0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu), 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3])) return {};
    if (b0 == 0xF0 && p[1] < 0x90) return {};  // overlong
    if (b0 == 0xF4 && p[1] > 0x8F) return {};  // above U+10FFFF
    return {((b0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu),
            4};
  }
  return {};
}

// Appends the UTF-8 form of `cp`; surrogates and values above U+10FFFF become U+FFFD.
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
    return;
  }
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = replacement_character;
  char buf[4];
  std::size_t n = 0;
  if (cp < 0x800) {
    buf[n++] = static_cast<char>(0xC0 | (cp >> 6));
  } else if (cp < 0x10000) {
    buf[n++] = static_cast<char>(0xE0 | (cp >> 12));
    buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  } else {
    buf[n++] = static_cast<char>(0xF0 | (cp >> 18));
    buf[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  }
  buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  out.append(buf, n);
}

// Offset of the first byte that is not part of a valid UTF-8 sequence, or npos.
std::size_t find_invalid_utf8(std::string_view s) noexcept;

// Appends s with every byte that does not begin a well-formed UTF-8 sequence (as next_utf8()
// reads it) replaced by U+FFFD, one for each such byte; well-formed sequences are copied as they
// are. For text a peer sent that must become valid UTF-8 (a JSON line, a log), never for text
// the driver sends (that is refused at the first invalid byte: encode()).
void append_repaired_utf8(std::string& out, std::string_view s);
std::string repaired_utf8(std::string_view s);

}  // namespace smsdrv::text
