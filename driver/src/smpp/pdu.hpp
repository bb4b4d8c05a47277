// Every SMPP v3.4 PDU (§4) as a plain struct with the spec's field names, in wire order.
//
// Strings and octet strings are std::string_view: a decoded PDU views the bytes of its frame
// (zero copy; valid while the frame is), a PDU to encode views the caller's storage. Lengths
// that the wire carries separately (sm_length, number_of_dests, no_unsuccess, TLV lengths) are
// the sizes of the views and vectors. The field lists that drive encode / decode / describe are
// in pdu_layout.hpp; this file only says what a PDU holds.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "smpp/command_id.hpp"
#include "smpp/tlv.hpp"

namespace smsdrv::smpp {

// SMPP v3.4 §5.2.12 esm_class bits used by the driver.
namespace esm_class_bits {
inline constexpr std::uint8_t udhi = 0x40;  // short_message starts with a User Data Header
inline constexpr std::uint8_t message_type_mask = 0x3C;
inline constexpr std::uint8_t smsc_delivery_receipt = 0x04;  // message type: delivery receipt
inline constexpr std::uint8_t sme_delivery_ack = 0x08;       // SME Delivery Acknowledgement
inline constexpr std::uint8_t user_ack = 0x10;               // SME Manual/User Acknowledgement
inline constexpr std::uint8_t conversation_abort = 0x18;     // Conversation Abort (Korean CDMA)
inline constexpr std::uint8_t intermediate_notification = 0x20;
}  // namespace esm_class_bits

// §5.2.17 registered_delivery: SMSC delivery receipt requested on final outcome.
namespace registered_delivery_bits {
inline constexpr std::uint8_t receipt_on_final = 0x01;
inline constexpr std::uint8_t receipt_on_failure = 0x02;
}  // namespace registered_delivery_bits

// Interface version this implementation speaks (§5.2.4).
inline constexpr std::uint8_t interface_version_34 = 0x34;

// bind_transmitter / bind_receiver / bind_transceiver (§4.1.1, §4.1.3, §4.1.5).
struct bind_body {
  std::string_view system_id;
  std::string_view password;
  std::string_view system_type;
  std::uint8_t interface_version = interface_version_34;
  std::uint8_t addr_ton = 0;
  std::uint8_t addr_npi = 0;
  std::string_view address_range;
};

// bind_*_resp (§4.1.2, §4.1.4, §4.1.6); TLV sc_interface_version.
struct bind_resp_body {
  std::string_view system_id;
  tlv_list tlvs;
};

// outbind (§4.1.7).
struct outbind_body {
  std::string_view system_id;
  std::string_view password;
};

// PDUs with a header only: unbind(_resp), enquire_link(_resp), generic_nack, cancel_sm_resp,
// replace_sm_resp.
struct empty_body {};

// submit_sm (§4.4.1) and deliver_sm (§4.6.1) share one layout.
struct sm_body {
  std::string_view service_type;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  std::string_view destination_addr;
  std::uint8_t esm_class = 0;
  std::uint8_t protocol_id = 0;
  std::uint8_t priority_flag = 0;
  std::string_view schedule_delivery_time;
  std::string_view validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t replace_if_present_flag = 0;
  std::uint8_t data_coding = 0;
  std::uint8_t sm_default_msg_id = 0;
  std::string_view short_message;  // sm_length = short_message.size()
  tlv_list tlvs;
};

// submit_sm_resp (§4.4.2), deliver_sm_resp (§4.6.2).
struct message_id_body {
  std::string_view message_id;
};

// One dest_address of submit_multi (§4.5.1.1): dest_flag 1 = SME address, 2 = list name.
struct dest_address {
  static constexpr std::uint8_t sme_address = 1;
  static constexpr std::uint8_t distribution_list = 2;
  std::uint8_t dest_flag = sme_address;
  std::uint8_t dest_addr_ton = 0;     // dest_flag 1
  std::uint8_t dest_addr_npi = 0;     // dest_flag 1
  std::string_view destination_addr;  // dest_flag 1
  std::string_view dl_name;           // dest_flag 2
  friend bool operator==(const dest_address&, const dest_address&) = default;
};

// submit_multi (§4.5.1); number_of_dests = dest_addresses.size().
struct submit_multi_body {
  std::string_view service_type;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  std::vector<dest_address> dest_addresses;
  std::uint8_t esm_class = 0;
  std::uint8_t protocol_id = 0;
  std::uint8_t priority_flag = 0;
  std::string_view schedule_delivery_time;
  std::string_view validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t replace_if_present_flag = 0;
  std::uint8_t data_coding = 0;
  std::uint8_t sm_default_msg_id = 0;
  std::string_view short_message;
  tlv_list tlvs;
};

// One unsuccess_sme of submit_multi_resp (§4.5.2.1).
struct unsuccess_sme {
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  std::string_view destination_addr;
  std::uint32_t error_status_code = 0;
  friend bool operator==(const unsuccess_sme&, const unsuccess_sme&) = default;
};

// submit_multi_resp (§4.5.2); no_unsuccess = unsuccess_smes.size().
struct submit_multi_resp_body {
  std::string_view message_id;
  std::vector<unsuccess_sme> unsuccess_smes;
};

// data_sm (§4.7.1).
struct data_sm_body {
  std::string_view service_type;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  std::string_view destination_addr;
  std::uint8_t esm_class = 0;
  std::uint8_t registered_delivery = 0;
  std::uint8_t data_coding = 0;
  tlv_list tlvs;
};

// data_sm_resp (§4.7.2).
struct data_sm_resp_body {
  std::string_view message_id;
  tlv_list tlvs;
};

// query_sm (§4.8.1).
struct query_sm_body {
  std::string_view message_id;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string_view source_addr;
};

// query_sm_resp (§4.8.2).
struct query_sm_resp_body {
  std::string_view message_id;
  std::string_view final_date;
  std::uint8_t message_state = 0;
  std::uint8_t error_code = 0;
};

// cancel_sm (§4.9.1).
struct cancel_sm_body {
  std::string_view service_type;
  std::string_view message_id;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  std::string_view destination_addr;
};

// replace_sm (§4.10.1).
struct replace_sm_body {
  std::string_view message_id;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  std::string_view schedule_delivery_time;
  std::string_view validity_period;
  std::uint8_t registered_delivery = 0;
  std::uint8_t sm_default_msg_id = 0;
  std::string_view short_message;
};

// alert_notification (§4.12.1); TLV ms_availability_status.
struct alert_notification_body {
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string_view source_addr;
  std::uint8_t esme_addr_ton = 0;
  std::uint8_t esme_addr_npi = 0;
  std::string_view esme_addr;
  tlv_list tlvs;
};

// A PDU type is its layout plus its command_id.
template <command_id Id, class Layout>
struct pdu_type : Layout {
  static constexpr command_id id = Id;
};

// One type per row of SMSDRV_SMPP_COMMAND_MAP: `submit_sm` is pdu_type<command_id::submit_sm,
// sm_body>.
#define SMSDRV_SMPP_PDU_TYPE_(name, value, layout, response) \
  using name = pdu_type<command_id::name, layout>;
SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_PDU_TYPE_)
#undef SMSDRV_SMPP_PDU_TYPE_

// The PDU type of a command_id: pdu_type_of<command_id::submit_sm>::type is submit_sm.
template <command_id Id>
struct pdu_type_of;
#define SMSDRV_SMPP_PDU_TYPE_OF_(name, value, layout, response) \
  template <>                                                   \
  struct pdu_type_of<command_id::name> {                        \
    using type = name;                                          \
  };
SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_PDU_TYPE_OF_)
#undef SMSDRV_SMPP_PDU_TYPE_OF_

// The type of the response that answers a request type (its row's response column).
template <class Request>
using response_type = typename pdu_type_of<response_of(Request::id)>::type;

namespace detail {
template <class Ignored, class... Pdus>
struct variant_of_rest {
  using type = std::variant<Pdus...>;
};
}  // namespace detail

// The body of any PDU; the alternative determines command_id. The alternatives are the rows of
// SMSDRV_SMPP_COMMAND_MAP in its order, so a default body is a generic_nack.
#define SMSDRV_SMPP_PDU_ALTERNATIVE_(name, value, layout, response) , name
using pdu_body =
    detail::variant_of_rest<void SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_PDU_ALTERNATIVE_)>::type;
#undef SMSDRV_SMPP_PDU_ALTERNATIVE_

// Makes `body` a default body of the PDU whose command_id is `id`; false (and `body` unchanged)
// when `id` is not an SMPP v3.4 command.
inline bool make_body(std::uint32_t id, pdu_body& body) {
  switch (id) {
#define SMSDRV_SMPP_MAKE_BODY_(name, value, layout, response) \
  case value:                                                 \
    body.emplace<name>();                                     \
    return true;
    SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_MAKE_BODY_)
#undef SMSDRV_SMPP_MAKE_BODY_
  }
  return false;
}

inline bool make_body(command_id id, pdu_body& body) {
  return make_body(static_cast<std::uint32_t>(id), body);
}

// Header fields other than command_length (computed) and command_id (from the body).
struct pdu {
  std::uint32_t command_status = 0;
  std::uint32_t sequence_number = 0;
  pdu_body body;

  command_id id() const noexcept {
    return std::visit([](const auto& b) { return std::decay_t<decltype(b)>::id; }, body);
  }
};

// Header size and the largest command_length accepted by default (§3.1: no limit is given;
// a 254-octet short_message plus a full 64 KiB message_payload fits well below this).
inline constexpr std::size_t header_size = 16;
inline constexpr std::uint32_t default_max_command_length = 70'000;

// Sequence numbers run 0x00000001..0x7FFFFFFF (§5.1.4).
inline constexpr std::uint32_t max_sequence_number = 0x7FFFFFFF;

}  // namespace smsdrv::smpp
