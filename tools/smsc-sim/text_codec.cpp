#include "text_codec.hpp"

#include <algorithm>
#include <array>

#include "smpp/pdu.hpp"

namespace smsdrv::sim {
namespace {

// Next code point of UTF-8 text; U+FFFD for a malformed sequence.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
  if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = extra == 0 ? c : (c & (0x3F >> extra));
  for (std::size_t k = 1; k <= static_cast<std::size_t>(extra); ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  i += 1 + static_cast<std::size_t>(extra);
  return cp;
}

struct gsm_row {
  char32_t cp;
  std::uint8_t code;
  bool escaped;  // 0x1B followed by code (GSM 03.38 extension table)
};

// Characters whose GSM 03.38 code differs from ASCII, plus common Latin letters.
constexpr std::array<gsm_row, 26> gsm_table{{
    {U'@', 0x00, false}, {U'£', 0x01, false}, {U'$', 0x02, false}, {U'¥', 0x03, false},
    {U'è', 0x04, false}, {U'é', 0x05, false}, {U'ù', 0x06, false}, {U'ì', 0x07, false},
    {U'ò', 0x08, false}, {U'_', 0x11, false}, {U'Ä', 0x5B, false}, {U'Ö', 0x5C, false},
    {U'Ñ', 0x5D, false}, {U'Ü', 0x5E, false}, {U'§', 0x5F, false}, {U'ä', 0x7B, false},
    {U'ö', 0x7C, false}, {U'ñ', 0x7D, false}, {U'ü', 0x7E, false}, {U'^', 0x14, true},
    {U'{', 0x28, true},  {U'}', 0x29, true},  {U'\\', 0x2F, true}, {U'[', 0x3C, true},
    {U'~', 0x3D, true},  {U']', 0x3E, true},
}};

void put_gsm(std::string& out, char32_t cp) {
  if (cp == U'|') {
    out += "\x1b\x40";
    return;
  }
  if (cp == U'€') {
    out += "\x1b\x65";
    return;
  }
  for (const gsm_row& r : gsm_table) {
    if (r.cp == cp) {
      if (r.escaped) out.push_back('\x1b');
      out.push_back(static_cast<char>(r.code));
      return;
    }
  }
  // ASCII characters that GSM 03.38 has at the same position; the rest are not in the alphabet.
  const bool same = (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') ||
                    (cp >= U'0' && cp <= U'9') || cp == U'\n' || cp == U'\r' ||
                    (cp >= U' ' && cp <= U'?' && cp != U'$');
  out.push_back(same ? static_cast<char>(cp) : '?');
}

void put_utf16be(std::string& out, char32_t cp) {
  auto unit = [&out](char32_t u) {
    out.push_back(static_cast<char>((u >> 8) & 0xFF));
    out.push_back(static_cast<char>(u & 0xFF));
  };
  if (cp > 0xFFFF) {
    cp -= 0x10000;
    unit(0xD800 + (cp >> 10));
    unit(0xDC00 + (cp & 0x3FF));
  } else {
    unit(cp);
  }
}

}  // namespace

std::string encode_text(std::string_view utf8, std::uint8_t data_coding) {
  std::string out;
  out.reserve(utf8.size() * 2);
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    switch (data_coding) {
      case 0:
        put_gsm(out, cp);
        break;
      case 1:
        out.push_back(cp < 0x80 ? static_cast<char>(cp) : '?');
        break;
      case 3:
        out.push_back(cp < 0x100 ? static_cast<char>(cp) : '?');
        break;
      case 8:
        put_utf16be(out, cp);
        break;
      default:
        return std::string(utf8);
    }
  }
  return out;
}

std::size_t receipt_excerpt(std::string_view sm, std::uint8_t data_coding, std::uint8_t esm_class,
                            char* out, std::size_t max_chars) {
  if ((esm_class & smpp::esm_class_bits::udhi) != 0 && !sm.empty()) {
    const std::size_t udh = 1 + static_cast<unsigned char>(sm[0]);
    sm.remove_prefix(std::min(udh, sm.size()));
  }
  std::size_t n = 0;
  auto put = [&](unsigned c) { out[n++] = c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?'; };
  if (data_coding == 8) {
    for (std::size_t i = 0; i + 1 < sm.size() && n < max_chars; i += 2)
      put((static_cast<unsigned char>(sm[i]) << 8) | static_cast<unsigned char>(sm[i + 1]));
  } else {
    for (std::size_t i = 0; i < sm.size() && n < max_chars; ++i)
      put(static_cast<unsigned char>(sm[i]));
  }
  return n;
}

std::optional<std::string> decode_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

}  // namespace smsdrv::sim
