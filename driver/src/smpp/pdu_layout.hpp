// The wire layout of every PDU body as data (house style §3): one list of fields in wire
// order per layout, with the spec's names, size limits and the command_status to answer when a
// limit is broken. Nested structures (dest_address, unsuccess_sme) have field lists of their
// own, reached through `counted` and `choice`. codec.cpp walks these lists to encode, decode and
// describe, so the three can never drift apart. SMPP v3.4 §4 gives the layouts, §5.2 the field
// sizes.
#pragma once

#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "smpp/command_status.hpp"
#include "smpp/pdu.hpp"

namespace smsdrv::smpp::layout {

// Integer(1).
template <class B>
struct u8 {
  std::string_view name;
  std::uint8_t B::*member;
};

// C-Octet String of at most max_size octets including the NUL (§3.1). secret fields (password)
// are never shown by describe().
template <class B>
struct c_string {
  std::string_view name;
  std::string_view B::*member;
  std::uint8_t max_size;
  std::uint32_t error_status;
  bool secret = false;
};

// A time C-Octet String: NULL or exactly 16 characters + NUL (§7.1). Decoding accepts any
// string up to 17 octets (SMSCs are not always exact about fields the ESME ignores).
template <class B>
struct time_string {
  std::string_view name;
  std::string_view B::*member;
  std::uint32_t error_status;
};

// sm_length (Integer(1)) followed by short_message (Octet String, 0..254 octets, §5.2.21-22).
template <class B>
struct short_message {
  std::string_view B::*member;
};

// The optional parameters that end the body (§5.3).
template <class B>
struct tlvs {
  tlv_list B::*member;
};

// Integer(4); a status field (error_status_code) is described by its command_status name.
template <class B>
struct u32 {
  std::string_view name;
  std::uint32_t B::*member;
  bool is_status = false;
};

// A count octet followed by that many structures of layout E, each walked by E's own field list
// (number_of_dests + dest_address, §4.5.1; no_unsuccess + unsuccess_sme, §4.5.2). A count
// outside min_count..max_count is refused with count_status.
template <class B, class E>
struct counted {
  std::string_view count_name;
  std::vector<E> B::*member;
  std::uint8_t min_count;
  std::uint8_t max_count;
  std::uint32_t count_status;
  std::string_view range;  // "must be 1..254"
};

// One alternative of a choice: the fields that follow when the flag octet is `value`.
template <class Fields>
struct when {
  std::uint8_t value;
  Fields fields;
};

// A flag octet that chooses which fields follow (dest_flag, §4.5.1.1). A value no alternative
// names is refused with error_status.
template <class B, class... Whens>
struct choice {
  std::string_view name;
  std::uint8_t B::*member;
  std::uint32_t error_status;
  std::string_view reason;  // "must be 1 (SME address) or 2 (list name)"
  std::tuple<Whens...> alternatives;
};

template <class B, class... Whens>
constexpr choice<B, Whens...> one_of(std::string_view name, std::uint8_t B::*member,
                                     std::uint32_t error_status, std::string_view reason,
                                     Whens... alternatives) {
  return {name, member, error_status, reason, std::tuple{alternatives...}};
}

template <class... Fields>
constexpr when<std::tuple<Fields...>> on(std::uint8_t value, Fields... fields) {
  return {value, std::tuple{fields...}};
}

// The same with the fields given as a group (a tuple of fields).
template <class... Fields>
constexpr when<std::tuple<Fields...>> on(std::uint8_t value, std::tuple<Fields...> fields) {
  return {value, fields};
}

namespace cs = command_status;

// Groups of fields that several layouts share, spliced into their lists with std::tuple_cat.

// An address: its TON, NPI and the address itself, at most max_size octets with the NUL (21 in
// most PDUs, 65 in data_sm and alert_notification: SMPP v3.4 §5.2.5-9).
template <class B>
constexpr auto source_address(std::uint8_t max_size) {
  return std::tuple{
      u8<B>{"source_addr_ton", &B::source_addr_ton},
      u8<B>{"source_addr_npi", &B::source_addr_npi},
      c_string<B>{"source_addr", &B::source_addr, max_size, cs::esme_rinvsrcadr},
  };
}

template <class B>
constexpr auto destination_address(std::uint8_t max_size) {
  return std::tuple{
      u8<B>{"dest_addr_ton", &B::dest_addr_ton},
      u8<B>{"dest_addr_npi", &B::dest_addr_npi},
      c_string<B>{"destination_addr", &B::destination_addr, max_size, cs::esme_rinvdstadr},
  };
}

// What follows the addresses in submit_sm, deliver_sm and submit_multi, from esm_class to the
// TLVs (§4.4.1, §4.5.1, §4.6.1).
template <class B>
constexpr auto message_fields() {
  return std::tuple{
      u8<B>{"esm_class", &B::esm_class},
      u8<B>{"protocol_id", &B::protocol_id},
      u8<B>{"priority_flag", &B::priority_flag},
      time_string<B>{"schedule_delivery_time", &B::schedule_delivery_time, cs::esme_rinvsched},
      time_string<B>{"validity_period", &B::validity_period, cs::esme_rinvexpiry},
      u8<B>{"registered_delivery", &B::registered_delivery},
      u8<B>{"replace_if_present_flag", &B::replace_if_present_flag},
      u8<B>{"data_coding", &B::data_coding},
      u8<B>{"sm_default_msg_id", &B::sm_default_msg_id},
      short_message<B>{&B::short_message},
      tlvs<B>{&B::tlvs},
  };
}

// fields(static_cast<const Layout*>(nullptr)) yields the layout's field list. Overloads take
// the layout (base) type, so every pdu_type<Id, Layout> finds its list.

constexpr auto fields(const empty_body*) {
  return std::tuple{};
}

constexpr auto fields(const bind_body*) {
  using B = bind_body;
  return std::tuple{
      c_string<B>{"system_id", &B::system_id, 16, cs::esme_rinvsysid},
      c_string<B>{"password", &B::password, 9, cs::esme_rinvpaswd, true},
      c_string<B>{"system_type", &B::system_type, 13, cs::esme_rinvsystyp},
      u8<B>{"interface_version", &B::interface_version},
      u8<B>{"addr_ton", &B::addr_ton},
      u8<B>{"addr_npi", &B::addr_npi},
      c_string<B>{"address_range", &B::address_range, 41, cs::esme_rbindfail},
  };
}

constexpr auto fields(const bind_resp_body*) {
  using B = bind_resp_body;
  return std::tuple{
      c_string<B>{"system_id", &B::system_id, 16, cs::esme_rinvsysid},
      tlvs<B>{&B::tlvs},
  };
}

constexpr auto fields(const outbind_body*) {
  using B = outbind_body;
  return std::tuple{
      c_string<B>{"system_id", &B::system_id, 16, cs::esme_rinvsysid},
      c_string<B>{"password", &B::password, 9, cs::esme_rinvpaswd, true},
  };
}

constexpr auto fields(const sm_body*) {
  using B = sm_body;
  return std::tuple_cat(
      std::tuple{c_string<B>{"service_type", &B::service_type, 6, cs::esme_rinvsertyp}},
      source_address<B>(21), destination_address<B>(21), message_fields<B>());
}

constexpr auto fields(const message_id_body*) {
  using B = message_id_body;
  return std::tuple{c_string<B>{"message_id", &B::message_id, 65, cs::esme_rinvmsgid}};
}

constexpr auto fields(const dest_address*) {
  using B = dest_address;
  return std::tuple{one_of("dest_flag", &B::dest_flag, cs::esme_rinvdestflag,
                           "must be 1 (SME address) or 2 (list name)",
                           on(dest_address::sme_address, destination_address<B>(21)),
                           on(dest_address::distribution_list,
                              c_string<B>{"dl_name", &B::dl_name, 21, cs::esme_rinvdlname}))};
}

constexpr auto fields(const unsuccess_sme*) {
  using B = unsuccess_sme;
  return std::tuple_cat(destination_address<B>(21),
                        std::tuple{u32<B>{"error_status_code", &B::error_status_code, true}});
}

constexpr auto fields(const submit_multi_body*) {
  using B = submit_multi_body;
  return std::tuple_cat(
      std::tuple{c_string<B>{"service_type", &B::service_type, 6, cs::esme_rinvsertyp}},
      source_address<B>(21),
      std::tuple{counted<B, dest_address>{"number_of_dests", &B::dest_addresses, 1, 254,
                                          cs::esme_rinvnumdests, "must be 1..254"}},
      message_fields<B>());
}

constexpr auto fields(const submit_multi_resp_body*) {
  using B = submit_multi_resp_body;
  return std::tuple{
      c_string<B>{"message_id", &B::message_id, 65, cs::esme_rinvmsgid},
      counted<B, unsuccess_sme>{"no_unsuccess", &B::unsuccess_smes, 0, 254, cs::esme_rinvnumdests,
                                "must be 0..254"},
  };
}

constexpr auto fields(const data_sm_body*) {
  using B = data_sm_body;
  return std::tuple_cat(
      std::tuple{c_string<B>{"service_type", &B::service_type, 6, cs::esme_rinvsertyp}},
      source_address<B>(65), destination_address<B>(65),
      std::tuple{u8<B>{"esm_class", &B::esm_class},
                 u8<B>{"registered_delivery", &B::registered_delivery},
                 u8<B>{"data_coding", &B::data_coding}, tlvs<B>{&B::tlvs}});
}

constexpr auto fields(const data_sm_resp_body*) {
  using B = data_sm_resp_body;
  return std::tuple{
      c_string<B>{"message_id", &B::message_id, 65, cs::esme_rinvmsgid},
      tlvs<B>{&B::tlvs},
  };
}

constexpr auto fields(const query_sm_body*) {
  using B = query_sm_body;
  return std::tuple_cat(
      std::tuple{c_string<B>{"message_id", &B::message_id, 65, cs::esme_rinvmsgid}},
      source_address<B>(21));
}

constexpr auto fields(const query_sm_resp_body*) {
  using B = query_sm_resp_body;
  return std::tuple{
      c_string<B>{"message_id", &B::message_id, 65, cs::esme_rinvmsgid},
      time_string<B>{"final_date", &B::final_date, cs::esme_rqueryfail},
      u8<B>{"message_state", &B::message_state},
      u8<B>{"error_code", &B::error_code},
  };
}

constexpr auto fields(const cancel_sm_body*) {
  using B = cancel_sm_body;
  return std::tuple_cat(
      std::tuple{c_string<B>{"service_type", &B::service_type, 6, cs::esme_rinvsertyp},
                 c_string<B>{"message_id", &B::message_id, 65, cs::esme_rinvmsgid}},
      source_address<B>(21), destination_address<B>(21));
}

constexpr auto fields(const replace_sm_body*) {
  using B = replace_sm_body;
  return std::tuple_cat(
      std::tuple{c_string<B>{"message_id", &B::message_id, 65, cs::esme_rinvmsgid}},
      source_address<B>(21),
      std::tuple{
          time_string<B>{"schedule_delivery_time", &B::schedule_delivery_time, cs::esme_rinvsched},
          time_string<B>{"validity_period", &B::validity_period, cs::esme_rinvexpiry},
          u8<B>{"registered_delivery", &B::registered_delivery},
          u8<B>{"sm_default_msg_id", &B::sm_default_msg_id},
          short_message<B>{&B::short_message},
      });
}

constexpr auto fields(const alert_notification_body*) {
  using B = alert_notification_body;
  return std::tuple_cat(source_address<B>(65),
                        std::tuple{
                            u8<B>{"esme_addr_ton", &B::esme_addr_ton},
                            u8<B>{"esme_addr_npi", &B::esme_addr_npi},
                            c_string<B>{"esme_addr", &B::esme_addr, 65, cs::esme_rinvdstadr},
                            tlvs<B>{&B::tlvs},
                        });
}

// The field list of a PDU type, as a constant: walking it costs nothing at run time.
template <class Pdu>
inline constexpr auto field_list = fields(static_cast<const Pdu*>(nullptr));

}  // namespace smsdrv::smpp::layout
