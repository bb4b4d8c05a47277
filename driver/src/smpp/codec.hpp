// SMPP v3.4 PDU codec: framing, decode, encode and describe for every PDU of pdu.hpp.
//
// Contracts:
//  - Pure: no allocation beyond the caller's output string (and submit_multi's vectors), no
//    I/O, no state. Thread-safe.
//  - decode() views the frame's bytes: the decoded PDU is valid while the frame is.
//  - A failure never half-writes: encode() leaves `out` as it was; decode() leaves the header
//    fields of `out` set (so the caller can answer with the right sequence_number) and the
//    body in an unspecified but valid state.
//  - Every failure carries the command_status the peer should be answered with (the field's
//    status for a field that breaks its limit, ESME_RINVCMDLEN for a short or long PDU,
//    ESME_RINVCMDID for an unknown command_id), the spec name of the field and a reason.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "smpp/command_status.hpp"
#include "smpp/pdu.hpp"

namespace smsdrv::smpp {

struct codec_status {
  std::uint32_t command_status = command_status::esme_rok;
  std::string_view field;   // spec name of the field at fault; "" for the header
  std::string_view reason;  // static text, e.g. "longer than the field allows"
  std::size_t value_size = 0;
  std::size_t limit = 0;

  bool ok() const noexcept { return command_status == command_status::esme_rok; }
  // "destination_addr: 25 octets, at most 20 allowed (ESME_RINVDSTADR ...)".
  std::string message() const;
};

struct pdu_header {
  std::uint32_t command_length = 0;
  std::uint32_t command_id = 0;  // raw: may be a value outside the table
  std::uint32_t command_status = 0;
  std::uint32_t sequence_number = 0;
};

enum class frame_state : std::uint8_t {
  need_more,   // not an error: wait for more bytes
  ready,       // a whole PDU of `length` bytes starts the buffer
  bad_length,  // command_length below 16 or above the limit: framing is lost
};

struct frame_check {
  frame_state state = frame_state::need_more;
  std::uint32_t length = 0;  // command_length, once 4 bytes are there
};

// Looks at the start of a byte stream: is a whole PDU there?
frame_check check_frame(std::string_view buffer,
                        std::uint32_t max_command_length = default_max_command_length) noexcept;

// Header of a frame of at least header_size bytes.
pdu_header read_header(std::string_view frame) noexcept;

// Decodes one whole frame (exactly command_length bytes, as check_frame() found).
codec_status decode(std::string_view frame, pdu& out);

// Appends the encoded PDU (header included) to out.
codec_status encode(const pdu& p, std::string& out);

// Encodes one body type without building a pdu variant (the hot path: submit_sm, *_resp).
template <class Body>
codec_status encode(const Body& body, std::uint32_t sequence_number, std::string& out,
                    std::uint32_t command_status = command_status::esme_rok);

// How describe() shows one field: as it is, replaced by a text (a masked value), or not at all.
struct shown_field {
  enum class how : std::uint8_t { as_is, replaced, left_out };
  how action = how::as_is;
  std::string text;  // for replaced: shown quoted instead of the value
};

struct describe_options {
  // Called with (field name, value) for every string and octet-string field and TLV value
  // (TLVs by their spec name, e.g. "message_payload", or "0x1131" when unknown); says how to
  // show it. Empty: values are shown as they are. Used to mask personal data in traces. Secret
  // fields (password) are never shown in any case.
  std::function<shown_field(std::string_view field, std::string_view value)> filter;
  // Octet strings longer than this are shown truncated.
  std::size_t max_octets = 80;
};

// One line naming the command, status, sequence number and every field and TLV by its spec
// name: `submit_sm seq=7 status=ESME_ROK service_type="" source_addr_ton=1 ...`.
std::string describe(const pdu& p, const describe_options& options = {});

}  // namespace smsdrv::smpp
