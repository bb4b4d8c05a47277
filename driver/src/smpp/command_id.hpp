// SMPP v3.4 command_id values (§5.1.2.1, table 5-1).
#pragma once

#include <cstdint>
#include <string_view>

namespace smsdrv::smpp {

// The one list of SMPP v3.4 PDUs: X(name, command_id value, layout) in spec order. A response's
// id is its request's id | 0x80000000. The layout is the body struct of pdu.hpp whose field list
// pdu_layout.hpp gives; from this list come the command_id enum and names (here), the PDU types,
// the pdu_body variant and make_body() (pdu.hpp) and the codec's instantiations (codec.cpp).
#define SMSDRV_SMPP_COMMAND_MAP(X)                           \
  X(generic_nack, 0x80000000, empty_body)                    \
  X(bind_receiver, 0x00000001, bind_body)                    \
  X(bind_receiver_resp, 0x80000001, bind_resp_body)          \
  X(bind_transmitter, 0x00000002, bind_body)                 \
  X(bind_transmitter_resp, 0x80000002, bind_resp_body)       \
  X(query_sm, 0x00000003, query_sm_body)                     \
  X(query_sm_resp, 0x80000003, query_sm_resp_body)           \
  X(submit_sm, 0x00000004, sm_body)                          \
  X(submit_sm_resp, 0x80000004, message_id_body)             \
  X(deliver_sm, 0x00000005, sm_body)                         \
  X(deliver_sm_resp, 0x80000005, message_id_body)            \
  X(unbind, 0x00000006, empty_body)                          \
  X(unbind_resp, 0x80000006, empty_body)                     \
  X(replace_sm, 0x00000007, replace_sm_body)                 \
  X(replace_sm_resp, 0x80000007, empty_body)                 \
  X(cancel_sm, 0x00000008, cancel_sm_body)                   \
  X(cancel_sm_resp, 0x80000008, empty_body)                  \
  X(bind_transceiver, 0x00000009, bind_body)                 \
  X(bind_transceiver_resp, 0x80000009, bind_resp_body)       \
  X(outbind, 0x0000000B, outbind_body)                       \
  X(enquire_link, 0x00000015, empty_body)                    \
  X(enquire_link_resp, 0x80000015, empty_body)               \
  X(submit_multi, 0x00000021, submit_multi_body)             \
  X(submit_multi_resp, 0x80000021, submit_multi_resp_body)   \
  X(alert_notification, 0x00000102, alert_notification_body) \
  X(data_sm, 0x00000103, data_sm_body)                       \
  X(data_sm_resp, 0x80000103, data_sm_resp_body)

enum class command_id : std::uint32_t {
#define SMSDRV_SMPP_COMMAND_ENUM_(name, value, layout) name = value,
  SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_COMMAND_ENUM_)
#undef SMSDRV_SMPP_COMMAND_ENUM_
};

inline constexpr std::uint32_t response_bit = 0x80000000u;

constexpr bool is_response(command_id id) noexcept {
  return (static_cast<std::uint32_t>(id) & response_bit) != 0;
}

// The response command of a request (bind_transmitter -> bind_transmitter_resp). Requests
// without a response of their own (outbind, alert_notification) map to generic_nack.
constexpr command_id response_of(command_id id) noexcept {
  switch (id) {
    case command_id::outbind:
    case command_id::alert_notification:
      return command_id::generic_nack;
    default:
      return static_cast<command_id>(static_cast<std::uint32_t>(id) | response_bit);
  }
}

// True when `response` may answer a request of kind `request`: the request's own *_resp, or a
// generic_nack, which answers any request (SMPP v3.4 §3.2: the response carries the request's
// sequence_number; §5.1.2.1: its command_id is the request's with bit 31 set; §4.3).
constexpr bool answers(command_id request, command_id response) noexcept {
  return response == command_id::generic_nack || response == response_of(request);
}

// "submit_sm"; "" for a value outside the table.
constexpr std::string_view command_name(command_id id) noexcept {
  switch (id) {
#define SMSDRV_SMPP_COMMAND_NAME_(name, value, layout) \
  case command_id::name:                               \
    return #name;
    SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_COMMAND_NAME_)
#undef SMSDRV_SMPP_COMMAND_NAME_
  }
  return {};
}

}  // namespace smsdrv::smpp
