// The simulated SMSC as a state machine (house style §2): bytes, commands and time go in; bytes
// to write per connection, JSON events and the next deadline come out. No sockets, no clocks:
// the Asio shell (server.cpp) and the tests drive it.
//
// Contracts:
//  - The core reads no clock: every call takes `now` (steady time), and the calendar and CPU
//    clocks come from the time_source it is built with (sim_clock.hpp). Nothing happens between
//    calls. The owner calls on_tick(now) at (or
//    after) next_deadline().
//  - A connection is a `link`, created by open_link() and destroyed by on_closed(). Output for
//    any link may appear during any call; after each call the owner runs flush_links(), which
//    calls link_owner::flush() for every link that has output or asks to be closed.
//  - on_bytes() decodes in place from the caller's buffer and returns how many octets it used;
//    the caller keeps the rest (an incomplete PDU) and passes it again with more.
//  - take_output() hands the link's pending output to the transport (swap, no copy); those
//    responses count as answered from then on (the `window` of submit_sm events).
//  - Events go to the event_sink as complete JSON lines (docs/smsc-sim.md lists them).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "command.hpp"
#include "config.hpp"
#include "fault.hpp"
#include "message_id.hpp"
#include "message_store.hpp"
#include "sim_clock.hpp"
#include "smpp/codec.hpp"
#include "smpp/pdu.hpp"

namespace smsdrv::sim {

class event_sink {
 public:
  virtual ~event_sink() = default;
  virtual void emit(std::string_view json_line) = 0;  // one line, '\n' included
  virtual void flush() {}
};

// The transport side of a link (the Asio connection).
class link_owner {
 public:
  // Start writing link::output(), or close when it is empty and close_requested().
  virtual void flush() = 0;

 protected:
  ~link_owner() = default;
};

enum class bind_kind : std::uint8_t { none, transmitter, receiver, transceiver };

struct sim_counters {
  std::uint64_t connections = 0;
  std::uint64_t binds = 0;
  std::uint64_t binds_refused = 0;
  std::uint64_t binds_over_limit = 0;  // refused by --account-limit binds=N (also in binds_refused)
  std::uint64_t pdus_in = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t submissions = 0;  // submit_sm, data_sm, submit_multi received
  std::uint64_t submissions_ok = 0;
  std::uint64_t submissions_failed = 0;  // answered with an error status or generic_nack
  std::uint64_t submissions_unanswered = 0;
  std::uint64_t submissions_throttled = 0;  // ESME_RTHROTTLED by --account-limit rate=R
  // The most submissions of one system_id whose responses a delay fault held at once, over
  // every bind of it: what an account-wide window allows outstanding.
  std::uint64_t submissions_outstanding_peak = 0;
  std::uint64_t deliver_sm_sent = 0;
  std::uint64_t deliver_sm_acked = 0;
  std::uint64_t deliver_sm_rejected = 0;
  std::uint64_t redeliveries = 0;
  std::uint64_t receipts = 0;  // receipts queued
  std::uint64_t mo = 0;        // MO messages queued
  std::uint64_t generic_nacks_sent = 0;
  std::uint64_t faults_applied = 0;
};

class smsc;

class link {
 public:
  std::uint64_t id() const noexcept { return id_; }
  std::string& output() noexcept { return out_; }
  // Close once output() is written (responses still delayed or dripping by a fault go first).
  bool close_requested() const noexcept {
    return close_requested_ && delayed_.empty() && dripping_.empty();
  }
  bind_kind bound() const noexcept { return bound_; }
  const std::string& system_id() const noexcept { return system_id_; }
  void set_owner(link_owner* owner) noexcept { owner_ = owner; }

 private:
  friend class smsc;

  struct delayed_response {
    time_point due;
    std::uint64_t order;
    std::string bytes;
    bool submission;
  };
  struct delivery_in_flight {
    std::uint32_t sequence_number;
    time_point sent_at;
    std::uint64_t delivery;  // index into smsc::deliveries_
  };
  bool can_submit() const noexcept {
    return bound_ == bind_kind::transmitter || bound_ == bind_kind::transceiver;
  }
  bool can_receive() const noexcept {
    return bound_ == bind_kind::receiver || bound_ == bind_kind::transceiver;
  }

  std::uint64_t id_ = 0;
  std::string peer_;
  link_owner* owner_ = nullptr;
  bind_kind bound_ = bind_kind::none;
  std::string system_id_;
  std::string out_;
  bool dirty_ = false;
  bool close_requested_ = false;
  std::string close_reason_;
  std::uint32_t unbind_sequence_ = 0;  // our unbind awaiting unbind_resp
  time_point unbind_deadline_ = time_point::max();
  std::uint32_t last_sequence_ = 0;       // of PDUs we originate
  std::uint32_t last_peer_sequence_ = 0;  // highest seen from the client
  std::uint64_t pdus_received_ = 0;
  std::uint64_t submissions_received_ = 0;  // `window` = received - answered
  std::uint64_t submissions_answered_ = 0;  // responses handed to the transport
  std::uint32_t responses_in_output_ = 0;   // submission responses in out_
  one_shot_triggers triggers_;              // counted in pdus_received_
  // Fault unbind-with-responses: responses still to hold back, and those held.
  std::uint64_t responses_to_hold_ = 0;
  std::string held_responses_;
  std::uint32_t held_count_ = 0;
  // Fault drip-ms: octets waiting to go out one at a time, the next not before drip_due_.
  std::string dripping_;
  time_point drip_due_{};
  std::vector<delayed_response> delayed_;  // min-heap on (due, order)
  std::size_t delayed_submissions_ = 0;    // of those, responses to submissions
  time_point paced_until_{};               // fault pace-ms: when the latest response is due
  std::vector<delivery_in_flight> in_flight_;
};

class smsc {
 public:
  // Starts at time.now(); `time` outlives the core.
  smsc(sim_config config, event_sink& events, const time_source& time);
  ~smsc();
  smsc(const smsc&) = delete;
  smsc& operator=(const smsc&) = delete;

  link& open_link(std::string_view peer, time_point now);
  std::size_t on_bytes(link& l, std::string_view data, time_point now);
  // Empty `into` when nothing is due (fault drip-ms holds the rest for a later tick).
  void take_output(link& l, std::string& into);
  // The link's transport is closed; `l` is destroyed. Its unacknowledged deliver_sm are queued
  // again for the next receiver-capable bind.
  void on_closed(link& l, time_point now);
  void on_tick(time_point now);
  time_point next_deadline() const noexcept;
  // One JSON-line command from stdin (docs/smsc-sim.md).
  void on_command(std::string_view line, time_point now);
  void flush_links();

  // The shell listens: prints the `listening` event (always the first line) and queues the
  // --mo messages.
  void listening(std::string_view host, std::uint16_t port, time_point now);
  // An `exit` command was given.
  bool stop_requested() const noexcept { return stop_requested_; }
  const sim_counters& counters() const noexcept { return counters_; }
  const sim_config& config() const noexcept { return config_; }
  const time_source& time() const noexcept { return time_; }
  std::size_t pending_deliveries() const noexcept;

 private:
  struct delivery {
    std::string system_id;   // "" : any receiver-capable bind
    std::uint64_t conn = 0;  // a part of a spread MO: this connection's while it is bound
    std::string frame;       // encoded deliver_sm; sequence_number patched when sent
    std::string receipted_message_id;
    bool receipt = false;
    std::uint32_t attempts = 0;
  };
  struct scheduled_receipt {
    time_point due;
    std::uint64_t counter;
    friend bool operator>(const scheduled_receipt& a, const scheduled_receipt& b) noexcept {
      return a.due > b.due;
    }
  };
  struct throttle_window {
    std::vector<time_point> accepted;  // ring of the last `rate` acceptances
    std::size_t next = 0;
    std::size_t filled = 0;
  };
  struct admission {
    enum kind_t : std::uint8_t { answer, nack, no_answer, wrong_response } kind = answer;
    std::uint32_t status = 0;
  };

  // PDU handling (smsc.cpp, smsc_submit.cpp).
  void handle_frame(link& l, std::string_view frame, time_point now);
  void handle_malformed(link& l, std::string_view frame, const smpp::codec_status& st,
                        time_point now);
  // Fires the one-shot injections due at the link's current PDU count.
  void inject_after(link& l, std::size_t output_before, std::uint32_t seq);
  // `output_before`: the size of the link's output before the PDU that fired it was answered.
  void inject(link& l, one_shot what, std::size_t output_before, std::uint32_t seq);
  void respond_by_id(link& l, smpp::command_id id, std::uint32_t seq, std::uint32_t status,
                     time_point now, bool submission = false);
  void handle(link& l, const smpp::bind_transmitter& b, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::bind_receiver& b, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::bind_transceiver& b, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::submit_sm& m, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::data_sm& m, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::submit_multi& m, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::query_sm& q, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::cancel_sm& c, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::replace_sm& r, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::enquire_link&, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::unbind&, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::unbind_resp&, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::deliver_sm_resp&, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::generic_nack&, const smpp::pdu& p, time_point now);
  void handle(link& l, const smpp::enquire_link_resp&, const smpp::pdu& p, time_point now);
  template <class Other>
  void handle(link& l, const Other&, const smpp::pdu& p, time_point now);

  void bind(link& l, bind_kind kind, const smpp::bind_body& b, const smpp::pdu& p, time_point now);
  admission admit_submission(link& l, std::uint32_t seq, time_point now);
  // The `answer` of a submission event: the response sent (own: the submission's own).
  std::string_view answer_name(const admission& a, smpp::command_id own) const noexcept;
  template <class Resp>
  void answer_submission(link& l, const admission& a, const Resp& resp, std::uint32_t seq,
                         time_point now);
  // A submit_sm or data_sm the admission let through: refused ESME_RINVDSTADR without a
  // destination (a.status set), else stored. Returns the message id, empty when not stored.
  template <class Pdu>
  std::string_view accept_single(link& l, const Pdu& m, std::string_view text, admission& a,
                                 time_point now);
  // Whether the sliding second of `system_id` in `windows` has room for one more of `rate`;
  // records it when it has.
  static bool window_admits(std::unordered_map<std::string, throttle_window>& windows,
                            const std::string& system_id, std::size_t rate, time_point now);
  // Binds of `system_id` open now (a bind in progress on `except` not counted).
  std::uint32_t binds_of(std::string_view system_id, const link& except) const noexcept;
  // What the simulator keeps of an accepted submission (views into the PDU being handled).
  struct sm_address {
    std::uint8_t ton = 0;
    std::uint8_t npi = 0;
    std::string_view address;
  };
  struct accepted_message {
    std::string_view service_type;
    sm_address source;
    sm_address destination;
    std::uint8_t esm_class = 0;
    std::uint8_t registered_delivery = 0;
    std::uint8_t data_coding = 0;
    std::string_view text;  // short_message or message_payload
  };
  // The fields of submit_sm, data_sm or submit_multi, to `destination`.
  template <class Pdu>
  static accepted_message accepted(const Pdu& m, sm_address destination, std::string_view text);
  // Stores an accepted message and schedules its receipt. Returns the message id.
  std::string_view accept_message(link& l, const accepted_message& m, time_point now);
  void schedule_receipt(const message_record& r);
  message_record* find_message(std::string_view message_id) noexcept;

  template <class Body>
  void respond(link& l, const Body& body, std::uint32_t sequence_number, std::uint32_t status,
               time_point now, bool submission = false);
  void append_output(link& l, std::string_view bytes);
  void mark_dirty(link& l);
  // Abrupt: responses still delayed by a fault are dropped; otherwise they are sent first.
  void request_close(link& l, std::string_view reason, bool abrupt);
  std::uint32_t next_sequence(link& l) noexcept;
  milliseconds response_delay();
  void arm_triggers(link& l, std::uint64_t base);
  void fault_applied(link& l, std::string_view fault, std::uint32_t sequence_number);
  // Fault unbind-with-responses: the held responses go out behind an unbind of ours.
  void unbind_ahead_of_held(link& l, time_point now);
  // The SMSC unbinds the link (command, fault); closes on unbind_resp or the timeout.
  void send_unbind(link& l, time_point now);

  // Deliveries: MO and receipts (smsc_deliver.cpp).
  std::uint64_t queue_delivery(delivery d, bool announce);
  void enqueue(std::uint64_t index, bool front);
  void pump_deliveries(time_point now);
  void send_delivery(link& l, std::uint64_t index, time_point now);
  void delivery_answered(link& l, std::uint32_t seq, std::uint32_t status, time_point now);
  void requeue_in_flight(link& l);
  std::string build_receipt(const message_record& r, std::string_view message_id,
                            receipt_outcome outcome, time_point now);
  void queue_receipt(message_record& r, time_point now);
  void expire_in_flight(time_point now);

  // Commands (smsc_command.cpp).
  void command_mo(const command& c, time_point now);
  void command_mo_burst(const command& c, time_point now);
  void command_dlr(const command& c, time_point now);
  void command_unbind(const command& c, time_point now);
  void command_close(const command& c, time_point now);
  void command_stats(const command& c, time_point now);
  void command_fault(const command& c, time_point now);
  void command_inject(const command& c, time_point now);
  void command_exit(const command& c, time_point now);
  void command_account_limit(const command& c, time_point now);
  // The deliveries of one MO message: one, or its parts with "split" (pinned to connections with
  // "spread"). Returns "" or what is wrong with the command.
  std::string make_mo(const command& c, std::uint64_t n, std::vector<delivery>& out);
  // Receiver-capable connections of system_id ("" : any) that can take deliveries now.
  std::vector<std::uint64_t> receivers(std::string_view system_id) const;
  void emit_stats(time_point now);
  void emit_error(std::string_view what);

  // Events.
  std::string& begin_event();
  void end_event();
  bool verbose() const noexcept { return !config_.quiet; }
  std::time_t wall_time(time_point now) const noexcept;

  sim_config config_;
  event_sink& events_;
  const time_source& time_;
  time_point start_;
  time_point now_;  // of the latest call (take_output has no time of its own)
  std::time_t wall_start_;
  std::map<std::uint64_t, std::unique_ptr<link>> links_;
  std::uint64_t next_link_id_ = 1;
  std::vector<std::uint64_t> dirty_;
  std::vector<std::uint64_t> flushing_;
  smpp::pdu scratch_;
  std::string event_;

  message_store store_;
  std::uint64_t next_counter_;
  std::uint64_t submission_count_ = 0;  // for fail-every / nack-every
  message_id_buffer id_buffer_;
  std::unordered_map<std::string, throttle_window> throttles_;        // fault throttle
  std::unordered_map<std::string, throttle_window> account_windows_;  // --account-limit rate
  std::priority_queue<scheduled_receipt, std::vector<scheduled_receipt>, std::greater<>>
      receipts_due_;

  // Deliveries by index; pending ones wait per system_id ("" = any) in FIFO order.
  std::unordered_map<std::uint64_t, delivery> deliveries_;
  std::uint64_t next_delivery_ = 1;
  std::map<std::string, std::deque<std::uint64_t>> pending_;
  const std::string empty_key_;  // pending_ key of deliveries for any receiver
  // Parts of spread MO messages waiting for the connection they are pinned to.
  std::map<std::uint64_t, std::deque<std::uint64_t>> pinned_;
  std::uint16_t concat_ref_ = 0;   // reference of the latest split MO message
  std::uint64_t spread_next_ = 0;  // rotates the first connection of spread parts
  std::deque<std::pair<time_point, std::uint64_t>> retry_;  // temporary errors wait here

  std::mt19937_64 rng_;
  std::uint64_t delay_order_ = 0;
  sim_counters counters_;
  time_point next_stats_ = time_point::max();
  time_point last_stats_;
  std::uint64_t last_stats_submissions_ = 0;
  double last_stats_cpu_ = 0;
  bool stop_requested_ = false;
};

}  // namespace smsdrv::sim
