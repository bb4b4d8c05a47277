#include "mo_split.hpp"

namespace smsdrv::sim {

std::size_t part_size(std::uint8_t data_coding) noexcept {
  return data_coding == 0 || data_coding == 1 ? 153 : 134;
}

std::vector<std::string> split_message(std::string_view message, std::uint8_t data_coding) {
  const std::size_t size = part_size(data_coding);
  const bool gsm = data_coding == 0;
  const bool utf16 = data_coding == 8;
  std::vector<std::string> parts;
  std::size_t at = 0;
  do {
    std::size_t n = std::min(size, message.size() - at);
    if (at + n < message.size()) {
      // 3GPP TS 23.038 §6.2.1.1: 0x1B starts a two-septet character; UTF-16 (RFC 2781 §2.1):
      // a high surrogate starts a pair. Neither is cut.
      if (gsm && message[at + n - 1] == '\x1b') --n;
      if (utf16) {
        n &= ~std::size_t{1};
        const auto hi = static_cast<unsigned char>(message[at + n - 2]);
        if (hi >= 0xD8 && hi <= 0xDB) n -= 2;
      }
    }
    parts.emplace_back(message.substr(at, n));
    at += n;
    if (parts.size() > 255) return {};
  } while (at < message.size());
  return parts;
}

std::string concatenation_udh(std::uint8_t ref, std::uint8_t total, std::uint8_t seq) {
  return {'\x05',
          '\x00',
          '\x03',
          static_cast<char>(ref),
          static_cast<char>(total),
          static_cast<char>(seq)};
}

}  // namespace smsdrv::sim
