// Inbound short messages as interactions: the exact attribute set of the driver guide ("SMS
// Inbound Messages Attributes", spec §5) and the delivery-report attributes (docs/esp.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "channel/channel_event.hpp"
#include "smpp/delivery_receipt.hpp"

namespace smsdrv::channel {

// One received message, decoded (and reassembled when it came in parts).
struct inbound_message {
  std::uint32_t sequence_number = 0;  // of the (first) deliver_sm: _smsSeqNumber
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string source_addr;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  std::string destination_addr;
  std::uint8_t data_coding = 0;
  std::string text;  // UTF-8; empty with `empty` set when the SMSC sent no text at all
  bool empty = false;
};

// The addressing part of a received PDU (TON, NPI, addresses, data_coding) and its sequence
// number; the text is the caller's to decode or reassemble.
inbound_message inbound_header(const smpp::sm_body& fields, std::uint32_t sequence_number);

struct inbound_context {
  std::string_view channel;           // _umsChannel
  std::string_view application_name;  // _umsInboundIxnSubmittedBy
  std::string_view empty_message;     // x-smpp-empty-message, used when the message is empty
  std::size_t subject_characters = 60;
  std::chrono::system_clock::time_point created;  // _msg_CreatedAt
};

// Exactly: MediaType, FromAddr, PhoneNumber, ToAddr, Subject, _smsSeqNumber, _smsInbDataEnc,
// _smsSrcAddrTon, _smsSrcAddrNpi, _smsSrcNumber, _smsDestAddrTon, _smsDestAddrNpi,
// _smsDestNumber, _smsText, _umsChannel, _umsInboundIxnSubmittedBy, _msg_CreatedAt.
attributes inbound_attributes(const inbound_message& m, const inbound_context& ctx);

// A delivery report's attributes; `segment`/`segments` are 0 when the receipt matched no
// request of ours. `kind` is _smsReportKind ("smsc-receipt", "intermediate").
attributes receipt_attributes(const smpp::delivery_receipt& r, const inbound_message& m,
                              const inbound_context& ctx, std::uint16_t segment,
                              std::uint16_t segments, std::string_view kind);

// An acknowledgement from the recipient's side (SMPP v3.4 §5.2.12: SME delivery
// acknowledgement, manual/user acknowledgement, conversation abort), reported as a delivery
// report: its kind, the message id it names (receipted_message_id; may be empty), its text
// (m.text, decoded), the user_response_code when sent (§5.3.2.18; negative: absent).
attributes acknowledgement_attributes(std::string_view kind, std::string_view message_id,
                                      std::int32_t user_response_code, const inbound_message& m,
                                      const inbound_context& ctx, std::uint16_t segment,
                                      std::uint16_t segments);

// 2019-01-28T02:39:56.035Z
std::string iso8601_utc_ms(std::chrono::system_clock::time_point t);

// The first `characters` Unicode characters of UTF-8 text (never cuts a character).
std::string_view utf8_prefix(std::string_view text, std::size_t characters) noexcept;

}  // namespace smsdrv::channel
