// SMPP v3.4 optional parameters (TLVs, §5.3): the wire form and the table of tags the spec
// defines. Unknown tags are kept and reported, never dropped (house style §3).
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace smsdrv::smpp {

// One TLV. value views bytes owned elsewhere: the decoded frame, or the caller's storage when
// encoding.
struct tlv {
  std::uint16_t tag = 0;
  std::string_view value;
  friend bool operator==(const tlv&, const tlv&) = default;
};

// Most PDUs carry a handful of TLVs: keep them inline, no allocation.
using tlv_list = boost::container::small_vector<tlv, 6>;

// How the spec types a TLV's value (§5.3.2), for describe() and for decoding well-known tags.
enum class tlv_kind : std::uint8_t { integer, c_string, octets, none };

// X(name, tag, kind, min_length, max_length): SMPP v3.4 §5.3.2, table 5-6 (spec order).
#define SMSDRV_SMPP_TLV_MAP(X)                             \
  X(dest_addr_subunit, 0x0005, integer, 1, 1)              \
  X(dest_network_type, 0x0006, integer, 1, 1)              \
  X(dest_bearer_type, 0x0007, integer, 1, 1)               \
  X(dest_telematics_id, 0x0008, integer, 2, 2)             \
  X(source_addr_subunit, 0x000D, integer, 1, 1)            \
  X(source_network_type, 0x000E, integer, 1, 1)            \
  X(source_bearer_type, 0x000F, integer, 1, 1)             \
  X(source_telematics_id, 0x0010, integer, 1, 1)           \
  X(qos_time_to_live, 0x0017, integer, 4, 4)               \
  X(payload_type, 0x0019, integer, 1, 1)                   \
  X(additional_status_info_text, 0x001D, c_string, 1, 256) \
  X(receipted_message_id, 0x001E, c_string, 1, 65)         \
  X(ms_msg_wait_facilities, 0x0030, integer, 1, 1)         \
  X(privacy_indicator, 0x0201, integer, 1, 1)              \
  X(source_subaddress, 0x0202, octets, 2, 23)              \
  X(dest_subaddress, 0x0203, octets, 2, 23)                \
  X(user_message_reference, 0x0204, integer, 2, 2)         \
  X(user_response_code, 0x0205, integer, 1, 1)             \
  X(source_port, 0x020A, integer, 2, 2)                    \
  X(destination_port, 0x020B, integer, 2, 2)               \
  X(sar_msg_ref_num, 0x020C, integer, 2, 2)                \
  X(language_indicator, 0x020D, integer, 1, 1)             \
  X(sar_total_segments, 0x020E, integer, 1, 1)             \
  X(sar_segment_seqnum, 0x020F, integer, 1, 1)             \
  X(sc_interface_version, 0x0210, integer, 1, 1)           \
  X(callback_num_pres_ind, 0x0302, integer, 1, 1)          \
  X(callback_num_atag, 0x0303, octets, 0, 65)              \
  X(number_of_messages, 0x0304, integer, 1, 1)             \
  X(callback_num, 0x0381, octets, 4, 19)                   \
  X(dpf_result, 0x0420, integer, 1, 1)                     \
  X(set_dpf, 0x0421, integer, 1, 1)                        \
  X(ms_availability_status, 0x0422, integer, 1, 1)         \
  X(network_error_code, 0x0423, octets, 3, 3)              \
  X(message_payload, 0x0424, octets, 0, 65535)             \
  X(delivery_failure_reason, 0x0425, integer, 1, 1)        \
  X(more_messages_to_send, 0x0426, integer, 1, 1)          \
  X(message_state, 0x0427, integer, 1, 1)                  \
  X(ussd_service_op, 0x0501, octets, 1, 1)                 \
  X(display_time, 0x1201, integer, 1, 1)                   \
  X(sms_signal, 0x1203, integer, 2, 2)                     \
  X(ms_validity, 0x1204, integer, 1, 1)                    \
  X(alert_on_message_delivery, 0x130C, none, 0, 0)         \
  X(its_reply_type, 0x1380, integer, 1, 1)                 \
  X(its_session_info, 0x1383, octets, 2, 2)

namespace tlv_tag {
#define SMSDRV_SMPP_TLV_CONST_(name, tag, kind, min, max) inline constexpr std::uint16_t name = tag;
SMSDRV_SMPP_TLV_MAP(SMSDRV_SMPP_TLV_CONST_)
#undef SMSDRV_SMPP_TLV_CONST_
}  // namespace tlv_tag

struct tlv_info {
  std::uint16_t tag;
  std::string_view name;
  tlv_kind kind;
  std::uint16_t min_length;
  std::uint16_t max_length;
};

// The spec's row for a tag, or nullptr for a tag the spec does not define (vendor-specific
// tags 0x1400-0x3FFF, or reserved).
const tlv_info* find_tlv_info(std::uint16_t tag) noexcept;

// The one check of a TLV's length against table 5-6, used to decode, to encode and to read TLV
// specs: the tag's row when `length` is outside its min_length..max_length, nullptr when it is
// within them or the tag is not one the spec defines (vendor-specific tags have no limits but
// the 16-bit length).
const tlv_info* tlv_length_violation(std::uint16_t tag, std::size_t length) noexcept;

// First TLV with the tag, if any.
inline const tlv* find_tlv(const tlv_list& tlvs, std::uint16_t tag) noexcept {
  for (const tlv& t : tlvs)
    if (t.tag == tag) return &t;
  return nullptr;
}

// Big-endian unsigned value of an integer TLV of 1, 2 or 4 octets; nullopt for another size.
std::optional<std::uint32_t> tlv_integer(const tlv& t) noexcept;

// A C-string TLV's text without its terminating NUL (tolerates a missing NUL).
std::string_view tlv_c_string(const tlv& t) noexcept;

}  // namespace smsdrv::smpp
