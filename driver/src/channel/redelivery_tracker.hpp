// Recognises an inbound message that the SMSC delivers again. The SMSC redelivers every
// deliver_sm it has no ESME_ROK answer for (spec §7), so a message the host already has comes
// back when our deliver_sm_resp was never written (the link broke while the host held the
// message) or may not have arrived (the link broke soon after it was written). The inbound
// attribute set is fixed by the driver guide, so the finding travels in the event's text (the
// `note` of dms-stub's interaction).
//
// Messages are remembered by a fingerprint of what the SMSC stores and resends unchanged
// (addresses, esm_class, data_coding, the user data and the TLVs that identify a message), never
// by sequence_number, which changes at every delivery. A message that repeats one the host has
// taken and whose acknowledgement reached the SMSC is a new message (a handset may send the same
// text twice) and gets no note.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "smpp/pdu.hpp"

namespace smsdrv::channel {

class redelivery_tracker {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using wall_time = std::chrono::system_clock::time_point;
  using fingerprint = std::uint64_t;

  struct options {
    std::size_t capacity = 65536;            // messages remembered
    std::chrono::seconds horizon{3600};      // and for how long
    std::chrono::milliseconds doubt{90000};  // an acknowledgement written this long before its
                                             // connection broke may not have arrived
  };

  explicit redelivery_tracker(options o);

  // Of a single deliver_sm / data_sm: its addresses, esm_class, data_coding, user data and the
  // TLVs user_message_reference and sar_* (the handset's own reference when the SMSC passes it).
  static fingerprint of(const smpp::sm_body& fields, std::string_view payload);
  // Of a message reassembled from parts: addresses, concatenation reference and count, text.
  static fingerprint of_reassembled(std::string_view source, std::string_view destination,
                                    std::uint16_t reference, std::uint8_t total,
                                    std::string_view text);

  // A message given to the host on `connection`. Returns the remark when it repeats one the
  // host may already have ("" otherwise) and the id to report its acknowledgement with.
  std::string delivered(fingerprint fp, std::uint64_t connection, time_point now, wall_time wall,
                        std::uint64_t& id);
  // The host acknowledged message `id`: taken (or refused), and whether our deliver_sm_resp
  // could be written.
  void acknowledged(std::uint64_t id, bool taken, bool response_written, time_point now);
  // `connection` closed. Messages still with the host can no longer be acknowledged; unless
  // the session ended with an unbind, acknowledgements written shortly before may be lost.
  void connection_closed(std::uint64_t connection, bool orderly, time_point now);

  std::size_t size() const noexcept { return index_.size(); }

 private:
  enum class state : std::uint8_t {
    with_host,        // not yet acknowledged by the host
    unanswerable,     // the host has it; its connection closed before we could answer
    answered,         // the host took it and deliver_sm_resp was written
    answer_doubtful,  // ... and the connection broke within `doubt` after that
    refused,          // the host refused it: it does not have it
  };
  struct entry {
    std::uint64_t id = 0;  // 0: free
    fingerprint fp = 0;
    std::uint64_t connection = 0;
    time_point received{};
    wall_time received_wall{};
    time_point answered_at{};
    std::chrono::milliseconds broke_after{0};
    state st = state::with_host;
  };

  entry* find(std::uint64_t id) noexcept;

  options options_;
  std::vector<entry> ring_;  // grows to capacity; entry id n lives at (n - 1) % capacity
  std::unordered_map<fingerprint, std::uint64_t> index_;  // latest entry id of a fingerprint
  std::uint64_t next_id_ = 1;
};

}  // namespace smsdrv::channel
