#include "channel/remote_parts.hpp"

#include <fmt/format.h>

namespace smsdrv::channel {
namespace {

// FNV-1a, 64 bits.
std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

}  // namespace

std::string remote_key_suffix(const remote_message_key& key) {
  std::uint64_t h = fnv1a(0xCBF29CE484222325ull, key.source_addr);
  h = fnv1a(h, std::string_view("\0", 1));
  h = fnv1a(h, key.destination_addr);
  return fmt::format("{:016x}:{}:{}:{}", h, static_cast<unsigned>(key.method), key.reference,
                     key.total);
}

std::string encode_part(const text::inbound_part& part) {
  std::string out;
  out.reserve(3 + part.user_data.size());
  out.push_back(static_cast<char>(part.data_coding));
  out.push_back(static_cast<char>(part.locking_shift));
  out.push_back(static_cast<char>(part.single_shift));
  out.append(part.user_data);
  return out;
}

bool decode_part(std::string_view bytes, stored_part& out) {
  if (bytes.size() < 3) return false;
  out.data_coding = static_cast<std::uint8_t>(bytes[0]);
  out.locking_shift = static_cast<text::national_language>(static_cast<std::uint8_t>(bytes[1]));
  out.single_shift = static_cast<text::national_language>(static_cast<std::uint8_t>(bytes[2]));
  out.user_data.assign(bytes.substr(3));
  return true;
}

std::string_view remote_outcome_name(remote_outcome o) noexcept {
  switch (o) {
    case remote_outcome::held:
      return "held";
    case remote_outcome::completed:
      return "completed";
    case remote_outcome::duplicate:
      return "duplicate";
    case remote_outcome::awaiting:
      return "awaiting";
    case remote_outcome::failed:
      return "failed";
  }
  return "failed";
}

}  // namespace smsdrv::channel
