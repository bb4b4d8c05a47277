// Long messages: an encoded text cut into the short_message octets of its submit_sm PDUs,
// with the concatenation the operator chose (x-smpp-use-msg-payload, the UDH / SAR method).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/encode.hpp"
#include "text/options.hpp"
#include "text/status.hpp"

namespace smsdrv::text {

struct segment_options {
  concat_method method = concat_method::udh8;  // udh8, udh16, sar or payload
  std::uint16_t reference = 0;     // one per message, from the caller; udh8 uses the low 8 bits
  std::size_t max_segments = 255;  // x-smpp-sar-max-segments, 2..255
};

// Octets of TP-UD per part (TS 23.040 §9.2.3.24) and message_payload's limit.
inline constexpr std::size_t max_user_data_octets = 140;
inline constexpr std::size_t max_payload_octets = 65535;  // SMPP v3.4 §5.3.2.32

// Units (septets, octets or UTF-16 units, by alphabet) one part carries after a UDH of
// `udh_octets` (0: none): gsm7 160/153/152, octets 140/134/133, UTF-16 70/67/66.
std::size_t part_capacity(encoding e, std::size_t udh_octets) noexcept;

struct segment {
  std::uint32_t offset = 0;  // into segmented_text::octets
  std::uint32_t size = 0;    // short_message length (sm_length), UDH included
};

struct segmented_text {
  encoding_result result;  // alphabet, data_coding, fallback: the same for every part
  // none: the text fits one PDU and is sent as is; udh8 / udh16 / sar: parts[i] is segment
  // i + 1 of parts.size(); payload: one part for message_payload (sm_length 0).
  concat_method method = concat_method::none;
  bool udhi = false;  // every part starts with a UDH: set esm_class UDHI (SMPP v3.4 §5.2.12, 0x40)
  std::uint16_t sar_msg_ref_num = 0;  // method sar: the TLV values for every part
  std::uint8_t sar_total_segments = 0;
  std::string octets;  // every part back to back
  std::vector<segment> parts;

  std::size_t size() const noexcept { return parts.size(); }
  std::string_view short_message(std::size_t i) const noexcept {
    return std::string_view(octets).substr(parts[i].offset, parts[i].size);
  }
  // sar_segment_seqnum of part i (method sar).
  std::uint8_t sar_segment_seqnum(std::size_t i) const noexcept {
    return static_cast<std::uint8_t>(i + 1);
  }
};

// Cuts `text` into parts (out's buffers are reused). A text that fits one part (after the
// national language IEs, if any) is one part without concatenation; otherwise every part has
// the concatenation IE (udh8: 153 septets / 134 octets / 67 units; udh16: 152 / 133 / 66) or,
// for sar, is sized as for udh8 because the SMSC adds that header on the air interface.
// A cut never separates an escape pair (GSM) or a surrogate pair (UTF-16).
// Errors: too_many_segments (needed, limit), too_long (payload above 65535 octets),
// invalid_option (max_segments outside 2..255, method none); `out` then has no parts.
status split(const encoded_text& text, const segment_options& options, segmented_text& out);

}  // namespace smsdrv::text
