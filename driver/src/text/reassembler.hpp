// Reassembly of concatenated inbound messages (UDH 8-bit, UDH 16-bit, SAR), pure: no clock, no
// I/O. Parts arrive in any order and possibly twice; each carries an opaque token with which
// the caller acknowledges its deliver_sm. Memory is capped; an old incomplete message is
// delivered flagged partial, or dropped, at its deadline.
//
// Acknowledgement contract (spec §7), per add() result:
//   held       the part is stored: acknowledge its PDU now.
//   duplicate  the part is already stored, or belonged to a message completed within the
//              timeout (a redelivery): acknowledge now, nothing was stored.
//   completed  `completed` holds the whole message: give it to the host, then acknowledge
//              this PDU. `tokens` lists every part, for callers that defer acknowledgements.
//   refused    the byte cap or the open-message cap is reached: answer this PDU with a
//              temporary error (e.g. ESME_RX_T_APPN) so that the SMSC retries it later.
//   not_concatenated  the concatenation values are void (TS 23.040 §9.2.3.24.1): deliver the
//              PDU as a message of its own.
//   awaiting_host  the part that completed a message was delivered again while the host has
//              not yet taken or refused that message: answer this PDU with the host's decision.
//
// A completed message keeps its parts until the caller says what the host did with it:
// confirm() (taken: the parts are freed, a redelivered part is a duplicate from then on) or
// reopen() (refused: the message is open again without its completing part, which the SMSC
// delivers again when that PDU is answered with a temporary error). So a refusal by the host
// never loses a message whose other parts were already acknowledged.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/data_coding.hpp"
#include "text/decode.hpp"
#include "text/options.hpp"
#include "text/udh.hpp"

namespace smsdrv::text {

struct reassembly_options {
  // From the first part's arrival to delivery as partial (or drop); also how long a completed
  // message is remembered to recognise redelivered parts.
  std::chrono::steady_clock::duration timeout = std::chrono::minutes(5);
  bool deliver_partial = true;        // at the deadline: true deliver partial, false drop
  std::size_t max_bytes = 16u << 20;  // all held parts plus bookkeeping (estimated)
  std::size_t max_messages = 10000;   // incomplete messages open at once
  decode_options decoding;            // how parts are decoded on completion
};

// One received part. Views are copied by add() before it returns.
struct inbound_part {
  std::string_view source_addr;
  std::string_view destination_addr;
  concat_info concat;  // from the UDH (decoded_message::udh.concat) or the SAR TLVs
  std::uint8_t data_coding = 0;
  national_language locking_shift = national_language::none;
  national_language single_shift = national_language::none;
  std::string_view user_data;  // octets after the UDH
  std::uint64_t token = 0;
};

// The part of a PDU decoded with decode(): UDH concatenation and languages, user data.
inbound_part make_part(const decoded_message& decoded, std::string_view short_message,
                       std::string_view source_addr, std::string_view destination_addr,
                       std::uint64_t token) noexcept;

enum class add_result : std::uint8_t {
  held,
  duplicate,
  completed,
  refused,
  not_concatenated,
  awaiting_host,
};

std::string_view add_result_name(add_result r) noexcept;

enum class message_state : std::uint8_t {
  complete,  // every part
  partial,   // deadline reached, deliver_partial: the parts held, in order
  dropped,   // deadline reached, not deliver_partial: no text; tokens and missing for the log
};

// Names a completed message for confirm() / reopen() (and for matching an awaiting_host part).
struct message_ref {
  std::string source_addr;
  std::string destination_addr;
  concat_method method = concat_method::none;
  std::uint16_t reference = 0;
  std::uint8_t total = 0;
  friend bool operator==(const message_ref&, const message_ref&) = default;
};

struct reassembled_message {
  message_state state = message_state::complete;
  std::string source_addr;
  std::string destination_addr;
  concat_method method = concat_method::none;
  std::uint16_t reference = 0;
  std::uint8_t total = 0;
  std::uint8_t data_coding = 0;    // of the lowest-numbered part held (_smsInbDataEnc)
  data_coding_info coding;         // of that part
  bool mixed_data_coding = false;  // parts differ in data_coding or national language
  // UTF-8, parts in order. Consecutive parts with the same data_coding and languages are
  // decoded as one run, so an escape or surrogate pair split by the sender still decodes.
  std::string text;
  std::size_t replacements = 0;       // U+FFFD written while decoding
  std::vector<std::uint8_t> missing;  // seqnums not received (partial, dropped)
  std::vector<std::uint64_t> tokens;  // tokens of the parts held, by seqnum

  message_ref ref() const { return {source_addr, destination_addr, method, reference, total}; }
};

// The message an awaiting_host part belongs to.
message_ref ref_of(const inbound_part& part);

// Not thread-safe; a moved-from reassembler may only be destroyed or assigned to.
class reassembler {
 public:
  using clock = std::chrono::steady_clock;

  explicit reassembler(const reassembly_options& options = {});
  ~reassembler();
  reassembler(reassembler&&) noexcept;
  reassembler& operator=(reassembler&&) noexcept;
  reassembler(const reassembler&) = delete;
  reassembler& operator=(const reassembler&) = delete;

  // Offers one part (see the contract above). `completed` is written only for
  // add_result::completed; a part with total 1 completes at once.
  add_result add(const inbound_part& part, clock::time_point now, reassembled_message& completed);

  // The host took the completed message: its parts are freed. No effect for an unknown one.
  void confirm(const message_ref& message);
  // The host refused it: open again without its completing part, deadline renewed. False when
  // the message is not known (any more) as completed and awaiting the host.
  bool reopen(const message_ref& message, clock::time_point now);

  // Appends every message whose deadline is at or before `now` (partial or dropped, per the
  // options) to `out` and forgets it; returns how many were appended.
  std::size_t expire(clock::time_point now, std::vector<reassembled_message>& out);

  // Shutdown: appends every incomplete message as expire() would, and forgets everything.
  std::size_t drain(std::vector<reassembled_message>& out);

  // Earliest time expire() has work, or nullopt when nothing is held.
  std::optional<clock::time_point> next_deadline() const noexcept;

  std::size_t open_messages() const noexcept;  // incomplete messages
  std::size_t bytes_held() const noexcept;     // estimate counted against max_bytes

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace smsdrv::text
