// SMPP v3.4 command_id values (§5.1.2.1, table 5-1).
#pragma once

#include <cstdint>
#include <string_view>

namespace smsdrv::smpp {

// The one list of SMPP v3.4 PDUs: X(name, command_id value, layout, response) in spec order.
// The layout is the body struct of pdu.hpp whose field list pdu_layout.hpp gives. The response
// is the one command that answers a request besides generic_nack (SMPP v3.4 §3.2, §4; its id
// is the request's | 0x80000000, §5.1.2.1): generic_nack for the requests without a response
// of their own (outbind, alert_notification) and for the responses, which are not answered.
// From this list come the command_id enum, names and response_of() / answers() (here), the
// PDU types, the pdu_body variant and make_body() (pdu.hpp) and the codec's instantiations
// (codec.cpp).
#define SMSDRV_SMPP_COMMAND_MAP(X)                                         \
  X(generic_nack, 0x80000000, empty_body, generic_nack)                    \
  X(bind_receiver, 0x00000001, bind_body, bind_receiver_resp)              \
  X(bind_receiver_resp, 0x80000001, bind_resp_body, generic_nack)          \
  X(bind_transmitter, 0x00000002, bind_body, bind_transmitter_resp)        \
  X(bind_transmitter_resp, 0x80000002, bind_resp_body, generic_nack)       \
  X(query_sm, 0x00000003, query_sm_body, query_sm_resp)                    \
  X(query_sm_resp, 0x80000003, query_sm_resp_body, generic_nack)           \
  X(submit_sm, 0x00000004, sm_body, submit_sm_resp)                        \
  X(submit_sm_resp, 0x80000004, message_id_body, generic_nack)             \
  X(deliver_sm, 0x00000005, sm_body, deliver_sm_resp)                      \
  X(deliver_sm_resp, 0x80000005, message_id_body, generic_nack)            \
  X(unbind, 0x00000006, empty_body, unbind_resp)                           \
  X(unbind_resp, 0x80000006, empty_body, generic_nack)                     \
  X(replace_sm, 0x00000007, replace_sm_body, replace_sm_resp)              \
  X(replace_sm_resp, 0x80000007, empty_body, generic_nack)                 \
  X(cancel_sm, 0x00000008, cancel_sm_body, cancel_sm_resp)                 \
  X(cancel_sm_resp, 0x80000008, empty_body, generic_nack)                  \
  X(bind_transceiver, 0x00000009, bind_body, bind_transceiver_resp)        \
  X(bind_transceiver_resp, 0x80000009, bind_resp_body, generic_nack)       \
  X(outbind, 0x0000000B, outbind_body, generic_nack)                       \
  X(enquire_link, 0x00000015, empty_body, enquire_link_resp)               \
  X(enquire_link_resp, 0x80000015, empty_body, generic_nack)               \
  X(submit_multi, 0x00000021, submit_multi_body, submit_multi_resp)        \
  X(submit_multi_resp, 0x80000021, submit_multi_resp_body, generic_nack)   \
  X(alert_notification, 0x00000102, alert_notification_body, generic_nack) \
  X(data_sm, 0x00000103, data_sm_body, data_sm_resp)                       \
  X(data_sm_resp, 0x80000103, data_sm_resp_body, generic_nack)

enum class command_id : std::uint32_t {
#define SMSDRV_SMPP_COMMAND_ENUM_(name, value, layout, response) name = value,
  SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_COMMAND_ENUM_)
#undef SMSDRV_SMPP_COMMAND_ENUM_
};

inline constexpr std::uint32_t response_bit = 0x80000000u;

constexpr bool is_response(command_id id) noexcept {
  return (static_cast<std::uint32_t>(id) & response_bit) != 0;
}

// The response of a request, from its row of SMSDRV_SMPP_COMMAND_MAP (bind_transmitter ->
// bind_transmitter_resp); generic_nack for requests without one of their own (outbind,
// alert_notification), for responses and for values outside the table.
constexpr command_id response_of(command_id id) noexcept {
  switch (id) {
#define SMSDRV_SMPP_RESPONSE_OF_(name, value, layout, response) \
  case command_id::name:                                        \
    return command_id::response;
    SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_RESPONSE_OF_)
#undef SMSDRV_SMPP_RESPONSE_OF_
  }
  return command_id::generic_nack;
}

// The table's responses keep SMPP v3.4 §5.1.2.1: a request's response is a response whose
// command_id is the request's with bit 31 set.
constexpr bool response_column_follows_the_spec() noexcept {
#define SMSDRV_SMPP_CHECK_RESPONSE_(name, value, layout, response)                  \
  if (command_id::response != command_id::generic_nack &&                           \
      (is_response(command_id::name) ||                                             \
       static_cast<std::uint32_t>(command_id::response) != (value | response_bit))) \
    return false;
  SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_CHECK_RESPONSE_)
#undef SMSDRV_SMPP_CHECK_RESPONSE_
  return true;
}
static_assert(response_column_follows_the_spec());

// True when `response` may answer a request of kind `request` (the response carries the
// request's sequence_number, SMPP v3.4 §3.2): the response of the request's row, or a
// generic_nack, which answers any request (§4.3).
constexpr bool answers(command_id request, command_id response) noexcept {
  return response == command_id::generic_nack || response == response_of(request);
}

// "submit_sm"; "" for a value outside the table.
constexpr std::string_view command_name(command_id id) noexcept {
  switch (id) {
#define SMSDRV_SMPP_COMMAND_NAME_(name, value, layout, response) \
  case command_id::name:                                         \
    return #name;
    SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_COMMAND_NAME_)
#undef SMSDRV_SMPP_COMMAND_NAME_
  }
  return {};
}

}  // namespace smsdrv::smpp
