// Message ids the simulator hands out: a counter, formatted without allocation, that can be
// read back from the id (query_sm, cancel_sm, replace_sm find the message by it).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "config.hpp"

namespace smsdrv::sim {

// Large enough for every format (uuid-like: 36 characters).
struct message_id_buffer {
  char data[40];
  std::uint8_t size = 0;
  std::string_view view() const noexcept { return {data, size}; }
};

// hex: "0000002a" (at least 8 digits); decimal: "42"; uuid: "9e3779b9-7f4a-4c15-8f2b-00000000002a"
// (random-looking, the counter in the last group).
void format_message_id(id_format format, std::uint64_t counter, message_id_buffer& out) noexcept;

// The counter an id of `format` was made from; nullopt when it is not such an id.
std::optional<std::uint64_t> parse_message_id(id_format format, std::string_view id) noexcept;

}  // namespace smsdrv::sim
