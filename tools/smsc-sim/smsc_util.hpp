// Small helpers shared by the smsc_*.cpp files (not part of the simulator's interface).
#pragma once

#include <cstdint>
#include <string>

#include "receipt.hpp"
#include "smpp/pdu.hpp"

namespace smsdrv::sim {

// command_id of the request the unknown-command fault sends: not an SMPP v3.4 command.
inline constexpr std::uint32_t unknown_command_id = 0x00000666;

// "ESME_RTHROTTLED", or "0x00000401" for a value outside the table.
std::string status_text(std::uint32_t status);

inline void store_be32(char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

// SMPP v3.4 §5.2.17 registered_delivery bits 1..0: 01 receipt on success or failure, 10 receipt
// on failure only.
inline bool wants_receipt(std::uint8_t registered_delivery, receipt_outcome outcome) noexcept {
  switch (registered_delivery & 0x03) {
    case smpp::registered_delivery_bits::receipt_on_final:
      return true;
    case smpp::registered_delivery_bits::receipt_on_failure:
      return outcome.state != message_state::delivered;
    default:
      return false;
  }
}

}  // namespace smsdrv::sim
