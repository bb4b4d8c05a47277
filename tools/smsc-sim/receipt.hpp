// Delivery receipts (SMPP v3.4 Appendix B text, §5.3.2.35 message_state).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace smsdrv::sim {

// message_state values (SMPP v3.4 §5.2.28).
namespace message_state {
inline constexpr std::uint8_t enroute = 1;
inline constexpr std::uint8_t delivered = 2;
inline constexpr std::uint8_t expired = 3;
inline constexpr std::uint8_t deleted = 4;
inline constexpr std::uint8_t undeliverable = 5;
inline constexpr std::uint8_t accepted = 6;
inline constexpr std::uint8_t unknown = 7;
inline constexpr std::uint8_t rejected = 8;
}  // namespace message_state

// The final outcome a receipt reports: its stat word and err code.
struct receipt_outcome {
  std::uint8_t state = message_state::delivered;
  std::uint16_t err = 0;
};

// "DELIVRD", "UNDELIV" ... (Appendix B) for a message_state; "UNKNOWN" for others.
std::string_view stat_word(std::uint8_t state) noexcept;

// "UNDELIV" or "UNDELIV:001"; also accepts the message_state names ("undeliverable").
bool parse_outcome(std::string_view text, receipt_outcome& out) noexcept;

struct receipt_fields {
  std::string_view message_id;
  std::time_t submit_date = 0;
  std::time_t done_date = 0;
  receipt_outcome outcome;
  std::string_view text;  // first 20 characters of the message
};

// `id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000
// text:<text>` (Appendix B), dates in UTC.
std::string receipt_text(const receipt_fields& fields);

}  // namespace smsdrv::sim
