#include "text/utf8.hpp"

namespace smsdrv::text {

std::size_t find_invalid_utf8(std::string_view s) noexcept {
  std::size_t pos = 0;
  while (pos < s.size()) {
    const utf8_char c = next_utf8(s, pos);
    if (c.length == 0) return pos;
    pos += c.length;
  }
  return std::string_view::npos;
}

void append_repaired_utf8(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size());
  std::size_t pos = 0;
  while (pos < s.size()) {
    const utf8_char c = next_utf8(s, pos);
    if (c.length == 0) {
      append_utf8(out, replacement_character);
      ++pos;
    } else {
      out.append(s.substr(pos, c.length));
      pos += c.length;
    }
  }
}

std::string repaired_utf8(std::string_view s) {
  std::string out;
  append_repaired_utf8(out, s);
  return out;
}

}  // namespace smsdrv::text
