// The inbound side of one SMPP session, sans I/O: what the SMSC delivers (deliver_sm, data_sm)
// becomes host events, and each PDU is answered only once the host has decided (spec §7).
//
//  - Messages become INBOUND events (spec §5 attributes); delivery receipts and the recipient's
//    acknowledgements (esm_class message types, SMPP v3.4 §5.2.12) DELIVERY_REPORT events of
//    their kind, correlated to the request by the channel's receipt_correlator. Every event that
//    answers a PDU carries an ack_id; ack() writes the deliver_sm_resp / data_sm_resp with the
//    host's disposition (ESME_ROK, or ESME_RX_T_APPN so that the SMSC delivers it again).
//  - Long messages are reassembled first (the channel's text::reassembler, shared by its binds):
//    a part is answered ESME_ROK as soon as it is held; the part that completes the message
//    waits for the host's decision, which confirms or reopens the message.
//  - With a remote store (remote_parts: Redis, shared by every host of the account) the parts
//    go there instead: a part is answered ESME_ROK only once the store confirmed it holds it;
//    the one host whose part completes the message delivers it (and its host's decision
//    confirms or reopens it there). When the store cannot be asked, the part is joined here,
//    in the local reassembler, as without a store: no part is acknowledged that is not stored
//    somewhere. Parts out to the store count against x-smpp-inbound-max-unacked.
//  - Messages the SMSC delivers again are recognised (redelivery_tracker) and say so in the
//    event's text.
//  - Back-pressure: while x-smpp-inbound-max-unacked events (or -bytes) wait for the host,
//    accepting() is false. A deliver_sm read meanwhile waits unanswered in a small backlog
//    (backlog_max_bytes) and is taken, in order, when the host acknowledges; beyond it it is
//    answered ESME_RX_T_APPN, so the SMSC keeps it and delivers it again later.
//
// The channel calls in on its thread with the time of the call; the gate answers PDUs through
// its inbound_port and appends events to the channel's event vector. Nothing here blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "channel/channel_config.hpp"
#include "channel/channel_event.hpp"
#include "channel/inbound.hpp"
#include "channel/receipt_correlator.hpp"
#include "channel/redelivery_tracker.hpp"
#include "channel/remote_parts.hpp"
#include "smpp/delivery_receipt.hpp"
#include "smpp/pdu.hpp"
#include "text/reassembler.hpp"
#include "util/log_limiter.hpp"
#include "util/log_sink.hpp"

namespace smsdrv::channel {

// What the gate needs of the session it serves.
class inbound_port {
 public:
  virtual ~inbound_port() = default;
  // The connection PDUs are read on now (smpp::session::connection_id()).
  virtual std::uint64_t connection() const noexcept = 0;
  // Writes the deliver_sm_resp (data_sm_resp when `data_sm`) for `sequence_number` of
  // `connection` with `command_status`; false when that connection is gone.
  virtual bool respond(std::uint64_t connection, std::uint32_t sequence_number, bool data_sm,
                       std::uint32_t command_status) = 0;
};

class inbound_gate {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using wall_time = std::chrono::system_clock::time_point;

  // Everything referred to outlives the gate. `log_name`: the name the session logs under;
  // `limiter`: the session's log limiter (its summaries are the session's to write).
  inbound_gate(const channel_config& config, log_sink& log, log_limiter& limiter,
               const std::string& log_name, receipt_correlator& receipts,
               text::reassembler& reassembler, inbound_port& port,
               std::vector<channel_event>& events, remote_parts* remote = nullptr);
  inbound_gate(const inbound_gate&) = delete;
  inbound_gate& operator=(const inbound_gate&) = delete;

  // A PDU read from the SMSC, answered now (held, refused) or once the host decides.
  void on_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm& message, time_point now,
                     wall_time wall);
  void on_data_sm(std::uint32_t sequence_number, const smpp::data_sm& message, time_point now,
                  wall_time wall);

  // The host took the event with this ack_id: answer its PDU(s) (disposition SMSDRV_OK accepts;
  // anything else asks the SMSC to deliver it again), then take the backlog while there is
  // room. False for an unknown id.
  bool ack(std::uint64_t ack_id, std::int32_t disposition, time_point now, wall_time wall);

  // The connection ended (`orderly`: with an unbind). Events of it the host holds stay pending
  // (they count against the caps, and the host's decision still confirms or reopens a long
  // message); what the backlog held unanswered is dropped: the SMSC delivers it again.
  void connection_closed(std::uint64_t connection, bool orderly, time_point now);

  // Long messages whose deadline passed are delivered partial or dropped (reassembly options).
  void expire(time_point now, wall_time wall);
  // Shutdown: every incomplete message is delivered partial or dropped now.
  void drain(time_point now, wall_time wall);
  // When expire() has work; nullopt when nothing is held.
  std::optional<time_point> next_deadline() const noexcept;

  // Below the caps of unacknowledged events: the channel reads from the SMSC.
  bool accepting() const noexcept {
    return pending_.size() + storing_ < config_.inbound_max_unacked &&
           pending_bytes_ < config_.inbound_max_unacked_bytes;
  }
  // The host holds events of `connection` it has not answered yet.
  bool holds_unacked(std::uint64_t connection) const noexcept;
  std::size_t pending_acks() const noexcept { return pending_.size(); }
  std::size_t pending_ack_bytes() const noexcept { return pending_bytes_; }
  std::size_t backlog() const noexcept { return backlog_.size(); }
  // Parts sent to the remote store and not answered yet; messages with parts there whose
  // deadline this gate keeps.
  std::size_t storing() const noexcept { return storing_; }
  std::size_t remote_open() const noexcept { return remote_open_.size(); }

  static constexpr std::size_t backlog_max_bytes = 256 * 1024;

 private:
  struct pending_ack {
    std::uint64_t connection = 0;
    std::vector<std::uint32_t> sequence_numbers;  // one per PDU (several when reassembled)
    bool data_sm = false;
    std::uint64_t tracked = 0;  // redelivery_tracker id (0: not tracked)
    // A reassembled message: the host's decision confirms or reopens it in the reassembler.
    std::optional<text::message_ref> reassembled = std::nullopt;
    // Completed in the remote store: the host's decision confirms it or reopens it without
    // part `remote_seqnum` there.
    std::optional<remote_message_key> remote = std::nullopt;
    std::uint8_t remote_seqnum = 0;
    std::size_t bytes = 0;  // counted against x-smpp-inbound-max-unacked-bytes
  };
  // A part sent to the remote store, owned until its answer.
  struct owned_part {
    std::uint64_t connection = 0;
    std::uint32_t sequence_number = 0;
    bool data_sm = false;
    inbound_message header;  // addresses, TON/NPI, data_coding, sequence number; no text
    text::concat_info concat;
    stored_part data;
  };
  // A message with parts in the remote store: at `deadline` this gate takes what is held.
  struct remote_message {
    remote_message_key key;
    inbound_message header;
    time_point deadline;
  };
  // A PDU read while the host's share was full, kept encoded and unanswered.
  struct held_message {
    std::uint64_t connection = 0;
    std::string wire;
  };

  void set_time(time_point now, wall_time wall) noexcept {
    now_ = now;
    wall_now_ = wall;
  }
  std::uint64_t new_ack(pending_ack a);
  // Logs the change when the cap of unacknowledged inbound events is reached or left.
  void note_pressure();
  // The host's share is full: keeps the message in backlog_ (unanswered) or, when that is full
  // too, answers it ESME_RX_T_APPN. False when the message is to be taken now.
  template <class Body>
  bool held_back(std::uint32_t sequence_number, const Body& message);
  // Takes what backlog_ holds, in order, while the host's share has room.
  void take_backlog();
  void take_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm& message);
  void take_data_sm(std::uint32_t sequence_number, const smpp::data_sm& message);
  void handle_incoming(std::uint32_t sequence_number, const smpp::sm_body& fields, bool data_sm);
  // The remark an inbound message carries (a reserved message type, a malformed header), also
  // logged; "" when there is none. Reads the header from decoded_.
  std::string remark(smpp::deliver_sm_type type, const smpp::sm_body& fields,
                     std::string_view payload);
  void emit_receipt(smpp::deliver_sm_type type, const smpp::sm_body& fields,
                    const inbound_message& m, bool data_sm);
  // SME delivery / user acknowledgements and conversation aborts (SMPP v3.4 §5.2.12) become
  // DELIVERY_REPORT events of their kind, correlated by receipted_message_id when it is ours.
  void emit_acknowledgement(smpp::deliver_sm_type type, const smpp::sm_body& fields,
                            const inbound_message& m, bool data_sm);
  // One part of a long message; false when its concatenation values are void (a message of
  // its own).
  bool take_part(const text::concat_info& concat, const smpp::sm_body& fields,
                 std::string_view payload, std::uint32_t sequence_number, bool data_sm);
  // A part in the local reassembler (`connection`: the one it came in on).
  void local_part(const text::inbound_part& part, const inbound_message& header,
                  std::uint64_t connection, std::uint32_t sequence_number, bool data_sm);
  // A part to the remote store; its answer comes to stored().
  void remote_part(const text::inbound_part& part, const inbound_message& header,
                   std::uint32_t sequence_number, bool data_sm);
  void stored(const owned_part& p, remote_reply& reply);
  // What the store's take() found at a deadline.
  void taken(const remote_message& m, remote_reply& reply);
  // The message of the parts a store answered with (complete, or partial / dropped when
  // `complete` is false), joined and decoded as the local reassembler does; false when none
  // could be read.
  bool assemble(const remote_message_key& key, const std::vector<std::string>& parts, bool complete,
                text::reassembled_message& out);
  void deliver_reassembled(text::reassembled_message& m, const inbound_message& header,
                           pending_ack ack);
  void emit_inbound(const inbound_message& m, pending_ack ack, std::string note,
                    redelivery_tracker::fingerprint fp);
  void answer(std::uint32_t sequence_number, bool data_sm, std::uint32_t status);

  bool logging(log_level level) const noexcept { return log_.enabled(level); }
  void log(log_level level, std::string message);
  template <class MakeLine>
  void log_keyed(log_level level, std::string_view key, MakeLine&& make) {
    if (!logging(level)) return;
    if (level <= log_level::warn && !limiter_.admit_keyed(level, key, now_, 0, make)) return;
    log_.write(level, log_name_, make());
  }

  const channel_config& config_;
  log_sink& log_;
  log_limiter& limiter_;
  const std::string& log_name_;
  receipt_correlator& receipts_;
  text::reassembler& reassembler_;
  inbound_port& port_;
  std::vector<channel_event>& events_;

  redelivery_tracker redeliveries_;
  text::decoded_message decoded_;  // reused decode buffer
  remote_parts* remote_;           // nullptr: long messages are joined here only
  std::unordered_map<std::string, remote_message> remote_open_;      // by remote_key_suffix()
  std::deque<std::pair<time_point, std::string>> remote_deadlines_;  // oldest first
  std::size_t storing_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for the store's answers

  std::unordered_map<std::uint64_t, pending_ack> pending_;
  std::uint64_t next_ack_id_;
  std::size_t pending_bytes_ = 0;
  std::deque<held_message> backlog_;
  std::size_t backlog_bytes_ = 0;
  smpp::pdu backlog_pdu_;                 // decode target, reused
  std::optional<time_point> full_since_;  // the cap was reached then
  std::uint64_t deferred_ = 0;            // answered ESME_RX_T_APPN since then

  time_point now_{};  // time of the call being handled
  wall_time wall_now_{};
};

}  // namespace smsdrv::channel
