// SMSC delivery receipts (SMPP v3.4 §2.11, Appendix B): a deliver_sm whose esm_class message
// type is "SMSC Delivery Receipt", carrying the outcome in TLVs (receipted_message_id,
// message_state, network_error_code) and/or in the short_message text
//   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD
//   err:E text:...
// The text format is only "an example" in the spec, so SMSCs vary: keys in any case and order,
// fields missing, dates with seconds, "Text:" capitalised. The parser takes what is there and
// never fails on the rest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smpp/pdu.hpp"

namespace smsdrv::smpp {

// message_state values (§5.2.28).
enum class message_state : std::uint8_t {
  enroute = 1,
  delivered = 2,
  expired = 3,
  deleted = 4,
  undeliverable = 5,
  accepted = 6,
  unknown = 7,
  rejected = 8,
};

// The receipt's "stat" word for a state: DELIVRD, UNDELIV, ... ("" for a value outside 1..8).
std::string_view message_state_stat(std::uint8_t state) noexcept;
// The state for a stat word (case-insensitive, also accepts the long names such as
// "DELIVERED"); nullopt when unknown.
std::optional<std::uint8_t> message_state_from_stat(std::string_view stat) noexcept;

// Final states end the message's life at the SMSC; ENROUTE / ACCEPTED may be followed by more.
bool is_final_state(std::uint8_t state) noexcept;

struct delivery_receipt {
  std::string message_id;  // receipted_message_id TLV, else the text's id:
  std::string stat;        // DELIVRD, UNDELIV, ... (from message_state when only the TLV came)
  std::optional<std::uint8_t> state;  // message_state TLV, else derived from stat
  std::string err;                    // the text's err: (often a 3-digit network error code)
  std::string network_error_code;     // network_error_code TLV as hex (type, code)
  std::string sub, dlvrd;             // the text's counters
  std::string submit_date, done_date;
  std::string text;  // the text's text: (first characters of the original message)
};

// Reads the text form. Returns nullopt when no known key is found at all.
std::optional<delivery_receipt> parse_receipt_text(std::string_view text);

// True when esm_class marks the deliver_sm as an SMSC delivery receipt (or an intermediate
// notification, which carries the same fields).
bool is_delivery_receipt(std::uint8_t esm_class) noexcept;

// The message type of a deliver_sm, esm_class bits 5-2 (SMPP v3.4 §5.2.12).
enum class deliver_sm_type : std::uint8_t {
  message,                    // xx0000xx: a short message
  smsc_receipt,               // xx0001xx: SMSC Delivery Receipt
  sme_delivery_ack,           // xx0010xx: SME Delivery Acknowledgement
  user_ack,                   // xx0100xx: SME Manual/User Acknowledgement
  conversation_abort,         // xx0110xx: Conversation Abort (Korean CDMA)
  intermediate_notification,  // xx1000xx: Intermediate Delivery Notification
  reserved,                   // every other value
};

deliver_sm_type deliver_sm_type_of(std::uint8_t esm_class) noexcept;

// How the driver names a report type (_smsReportKind): "smsc-receipt", "sme-delivery-ack",
// "user-ack", "conversation-abort", "intermediate"; "message" and "reserved" otherwise.
std::string_view report_kind_name(deliver_sm_type type) noexcept;

// Combines TLVs and text of a receipt deliver_sm (TLVs win where both are present). nullopt
// when neither gives a message id.
std::optional<delivery_receipt> read_delivery_receipt(const deliver_sm& pdu);

}  // namespace smsdrv::smpp
