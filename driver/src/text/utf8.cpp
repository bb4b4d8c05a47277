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

}  // namespace smsdrv::text
