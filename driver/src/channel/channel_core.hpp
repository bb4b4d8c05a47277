// One channel's logic, sans I/O: the SMPP session plus what operators rely on around it.
//
//  - Requests (prepared_request) queue in order, bounded; they go out within the submit window
//    and the rate limit; each gets exactly one RESPONSE event (success with message ids, or a
//    failure naming the SMPP status, the timeout, the lost link, the shutdown). The queue, the
//    window's slots, the rate, pauses, resends, the shutdown's drain and the one RESPONSE are the
//    request tracker's (request_tracker.hpp); this class adds what is SMPP's: segments as
//    submit_sm tagged for the session, SMPP statuses, the error policy's rules.
//  - Inbound deliver_sm / data_sm become INBOUND events, receipts DELIVERY_REPORT events; all
//    wait for the host's ack before the deliver_sm_resp is written (spec §7). Long messages are
//    reassembled first. The inbound side is channel/inbound_gate.
//  - The link: connect -> bind -> bound; on failure back off (exponential, jittered, capped by
//    reconnection-timeout; straight to the cap when the SMSC refuses our credentials) and
//    reconnect. CHANNEL_STATE events tell the host. What to connect, when, and when to probe or
//    leave an SMSC is link_supervisor's decision (one_link: one SMSC at a time); this class
//    carries out its actions and tells it what happened.
//  - Refusals follow the error policy (x-smpp-error-policy): fail, retry the segment, or pause
//    the channel's submissions and resubmit. Submissions lost with the link fail as "outcome
//    unknown" or are resubmitted after the reconnect (x-smpp-in-flight-on-disconnect).
//  - Failover: when the primary SMSC cannot be reached the secondary is used at once; while on
//    the secondary the primary is probed on a connection of its own (smsc_probe) and the channel
//    moves back, after the responses in flight, as soon as a probe binds.
//  - Back-pressure: while x-smpp-inbound-max-unacked messages (or -bytes) wait for the host's
//    ack, wants_input() is false and the shell stops reading (TCP back-pressure on the SMSC),
//    except while a response is due (submit_sm_resp, enquire_link_resp, ...): the link stays
//    alive and submissions flow (inbound_gate holds or defers what is read meanwhile).
//  - Repeated log lines are collapsed (util/log_limiter); a failure that ends many requests at
//    once (a lost link, shutdown) writes one line naming them all. The summary of lines held
//    back is written at the first tick after its interval (it sets no deadline of its own: a
//    log line is no reason to wake the channel), and at the end.
//
// The I/O shell (io/channel_runner) owns the socket and the timer and calls in:
//   connect_due(now) -> endpoint to connect to, when it is time;
//   on_connected / on_connect_failed / on_bytes / on_closed / on_tick;
//   probe_due(now) -> the primary to probe on a second connection driving probe(), then
//   on_probe_finished(now);
//   then writes output(), closes the transport if close_requested(), moves events() to the
//   host, reads while wants_input(), and sleeps until next_deadline().
// Everything runs on one thread; nothing here blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "channel/channel_config.hpp"
#include "channel/channel_event.hpp"
#include "channel/inbound.hpp"
#include "channel/inbound_gate.hpp"
#include "channel/link_supervisor.hpp"
#include "channel/prepared_request.hpp"
#include "channel/receipt_correlator.hpp"
#include "channel/redelivery_tracker.hpp"
#include "channel/request_tracker.hpp"
#include "channel/session_shared.hpp"
#include "channel/smsc_probe.hpp"
#include "channel/unsent_request.hpp"
#include "smpp/delivery_receipt.hpp"
#include "smpp/session.hpp"
#include "text/reassembler.hpp"
#include "util/id_ranges.hpp"
#include "util/log_limiter.hpp"
#include "util/log_sink.hpp"

namespace smsdrv::channel {

using time_point = std::chrono::steady_clock::time_point;
using wall_time = std::chrono::system_clock::time_point;

class channel_core final : private smpp::session_handler, private inbound_port {
 public:
  // `shared`: what the channel's sessions share (x-smpp-sessions); nullptr: a channel of one
  // session, which owns its own. It outlives the core.
  channel_core(channel_config config, log_sink& log, time_point now,
               session_shared* shared = nullptr);
  channel_core(const channel_core&) = delete;
  channel_core& operator=(const channel_core&) = delete;
  ~channel_core() override;

  const channel_config& config() const noexcept { return config_; }
  const std::string& name() const noexcept { return config_.name; }
  bool bound() const noexcept { return session_.bound(); }
  // Submissions written and not yet answered (nor timed out, nor lost with the link).
  std::size_t outstanding() const noexcept { return session_.outstanding(); }

  // ---- link (called by the shell) ----
  // The SMSC to connect to when a connection attempt is due; nullopt otherwise.
  std::optional<smsc_endpoint> connect_due(time_point now);
  void on_connect_failed(std::string_view reason, time_point now);
  void on_connected(time_point now);
  void on_bytes(std::string_view data, time_point now, wall_time wall);
  void on_closed(std::string_view reason, time_point now);
  void on_tick(time_point now, wall_time wall);
  time_point next_deadline() const noexcept;
  // Bytes to write; the shell removes what it wrote.
  std::string& output() noexcept { return session_.output(); }
  // The shell reads from the transport only while this holds: false while the host holds
  // x-smpp-inbound-max-unacked messages (or bytes) unacknowledged and no response is due.
  bool wants_input() const noexcept;
  // The shell must close the transport (then call on_closed). Returns the reason once.
  std::optional<std::string> take_close_request();

  // ---- failover: probing the primary while on the secondary (called by the shell) ----
  // The primary SMSC, when a probe is due: the shell connects to it and drives probe().
  std::optional<smsc_endpoint> probe_due(time_point now);
  smsc_probe& probe() noexcept { return probe_; }
  // The probe finished (probe().finished()): move back to the primary if it bound.
  void on_probe_finished(time_point now);

  // ---- requests and acknowledgements (called on the channel's thread) ----
  // Takes a request accepted by send(). Never fails: problems become its RESPONSE event.
  void enqueue(prepared_request&& request, time_point now);
  // x-failover-channel: takes out of the queue, oldest first, at most `limit` requests that were
  // accepted with their user data kept (prepared_request::kept) and of which nothing was
  // written, and appends them to `out`. They get no RESPONSE here: the caller hands each to the
  // other channel, which answers it. Nothing while shutting down (the queue is answered then).
  void take_unsent(std::size_t limit, std::vector<unsent_request>& out);
  // The host took the event with this ack_id: answer its deliver_sm (disposition SMSDRV_OK
  // accepts it; anything else asks the SMSC to deliver it again). False for an unknown id.
  bool ack(std::uint64_t ack_id, std::int32_t disposition);
  // Stop: queued requests fail now as SMSDRV_E_SHUT_DOWN (never sent); nothing more is taken
  // from the queue. Requests in flight get until `deadline` for their responses; those still
  // unanswered then end as SMSDRV_E_OUTCOME_UNKNOWN at once, and the channel unbinds and
  // closes. finished() turns true when the link is closed.
  void shutdown(time_point now, time_point deadline);
  bool finished() const noexcept { return phase_ == phase::stopped; }

  // Events produced since the last call; the caller moves them out and clears the vector.
  std::vector<channel_event>& events() noexcept { return events_; }
  // Emptied frame buffers of finished requests, for composing new ones into (the shell hands
  // them back to send()); the caller moves them out and clears the vector. At most
  // config().window are kept, none larger than recycled_frames_max octets.
  static constexpr std::size_t recycled_frames_max = 1024;
  std::vector<frame_list>& spent_frames() noexcept { return spent_frames_; }
  // Emptied attribute lists the shell gives back (io::event_sink::reclaim); RESPONSE events are
  // built into them rather than into new ones.
  std::vector<attributes>& spare_attributes() noexcept { return tracker_.spare_attributes(); }
  // Requests accepted and never written (not one segment), oldest first, moved to the end of
  // `out`: another session of the channel sends them (x-smpp-sessions).
  void take_queued(std::deque<prepared_request>& out) { tracker_.take_queued(out); }
  // Requests another session did not send, queued ahead of what this core holds (they are
  // older); sent from the next call on (or failed by a shutdown that follows).
  void put_back(std::deque<prepared_request>& requests) { tracker_.put_back(requests); }
  // x-smpp-in-flight-on-disconnect = resubmit: the requests whose every segment was written and
  // lost with this session's link, each waiting to be written again, moved to the end of `out`
  // (another session sends them); adopt_resends() takes such requests in and writes them as the
  // window allows, before anything queued. Their resubmission counts go with them.
  void take_resends(std::vector<written_request<prepared_request>>& out) {
    tracker_.take_resends(out);
  }
  void adopt_resends(std::vector<written_request<prepared_request>>& in, time_point now) {
    now_ = now;
    tracker_.adopt_resends(in, now);
  }
  // Requests accepted and not yet answered (queued or in flight).
  std::size_t open_requests() const noexcept { return tracker_.open_requests(); }
  // Inbound events the host has not acknowledged yet (also those whose connection is gone), and
  // their size as counted against x-smpp-inbound-max-unacked-bytes.
  std::size_t pending_acks() const noexcept { return inbound_.pending_acks(); }
  std::size_t pending_ack_bytes() const noexcept { return inbound_.pending_ack_bytes(); }
  // deliver_sm read while the host's share was full, waiting unanswered to be taken.
  std::size_t backlog() const noexcept { return inbound_.backlog(); }
  // Segments submitted again: after a refusal the error policy retries, or after a lost link.
  std::uint64_t resubmissions() const noexcept { return tracker_.resubmissions(); }
  // The SMSC in use: 0 the primary, 1 the failover SMSC.
  std::size_t smsc_index() const noexcept { return endpoint_index_; }

 private:
  enum class phase : std::uint8_t { waiting, connecting, connected, closing, stopped };

  // The tracker calls the transport's members below (request_tracker.hpp).
  using tracker_t = request_tracker<prepared_request, channel_core>;
  friend tracker_t;

  // session_handler
  void on_bound(std::string_view smsc_system_id) override;
  void on_bind_failed(std::uint32_t command_status) override;
  void on_response(std::uint64_t tag, const smpp::pdu& response) override;
  void on_response_timeout(std::uint64_t tag) override;
  void on_request_lost(std::uint64_t tag) override;
  void on_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm& message) override;
  void on_data_sm(std::uint32_t sequence_number, const smpp::data_sm& message) override;
  void on_alert_notification(const smpp::alert_notification& alert) override;
  void on_unbound(bool by_peer) override;
  void on_link_failed(std::string_view reason) override;
  void on_log(log_level level, std::string_view message) override;
  void on_trace(bool outgoing, const smpp::pdu& p) override;

  // inbound_port
  std::uint64_t connection() const noexcept override { return session_.connection_id(); }
  bool respond(std::uint64_t connection, std::uint32_t sequence_number, bool data_sm,
               std::uint32_t command_status) override;

  // The tracker's transport: a part is a segment, written as a submit_sm tagged
  // tracker_t::tag_of(slot, segment); `retried` marks a resubmission (x-smpp-error-policy,
  // in-flight policy).
  bool can_write(time_point now);
  void write_part(std::size_t slot, std::uint16_t segment, bool retried, time_point now);
  std::string unsent_text(unsent_reason why, const prepared_request& r,
                          const tracker_t::in_flight* f, std::uint16_t segment);
  void log_summary(log_level level, std::string line);
  void recycle(prepared_request& r);

  void pump(time_point now) { tracker_.pump(now); }
  bool resubmit_refused(std::size_t slot, std::uint16_t segment, std::uint32_t status);
  void start_pause(const flow::error_rule& rule, std::uint64_t refused_write);
  // The drain deadline passed: requests still waiting for an answer end as outcome unknown.
  void end_drain() { tracker_.end_drain(); }
  // Failures of many requests at once (a lost link, shutdown) are logged as one line each
  // status: begin, then the tracker collects, then end writes "<what>: N request(s) ...".
  void begin_failure_batch() { tracker_.begin_batch(); }
  void end_failure_batch(std::string_view what) { tracker_.end_batch(what); }
  void expire_queue(time_point now);
  void emit_state(std::string_view state, std::int32_t status, std::string text,
                  std::string reason = {});
  // The link failed or closed (not for the shutdown): tell link_, and the host what follows.
  void link_down(time_point now);
  // Carries out link_'s actions.
  void follow_link(time_point now);
  bool has_failover() const noexcept { return config_.endpoints.size() > 1; }
  void use_endpoint(std::size_t index);
  // link_ drains the secondary (a probe of the primary bound): nothing new is submitted.
  void begin_return();
  // link_ closes the secondary (drained, or the drain limit is over): unbind.
  void leave_secondary(time_point now);
  bool ready_to_leave() const noexcept;
  std::string smsc_label() const;
  std::string smsc_label(std::size_t index) const;
  // Lines at warn and error go through limiter_ (request_id: the request the line names).
  void log(log_level level, std::string message, std::uint64_t request_id = 0);
  // A line of a hot path (one per PDU of a flood), limited under `key` and made only when it
  // is written or kept as a summary's example.
  template <class MakeLine>
  void log_keyed(log_level level, std::string_view key, MakeLine&& make,
                 std::uint64_t request_id = 0) {
    if (!logging(level)) return;
    if (level <= log_level::warn && !limiter_.admit_keyed(level, key, now_, request_id, make))
      return;
    log_.write(level, name(), make());
  }
  void write_log_summaries(bool all);
  bool logging(log_level level) const noexcept { return log_.enabled(level); }

  channel_config config_;
  log_sink& log_;
  smpp::session session_;
  std::unique_ptr<session_shared> own_shared_;  // a channel of one session
  submit_gate& rate_;
  link_supervisor link_;  // which SMSC, when to connect, probe and leave (x-smpp-failover-*)
  receipt_correlator& receipts_;
  smsc_probe probe_;

  phase phase_ = phase::waiting;
  std::optional<std::size_t> connect_to_;  // link_ asked to connect this SMSC
  std::size_t endpoint_index_ = 0;         // the SMSC of the current (or next) connection
  bool credentials_refused_ = false;       // the current connection's bind was refused so
  bool bound_on_connection_ = false;       // the current connection reached the bound state
  bool orderly_close_ = false;             // the current connection ended with an unbind
  bool missing_id_logged_ = false;  // an ESME_ROK without a message id, said once per connection
  std::optional<std::string> close_request_;
  std::string last_down_reason_;
  time_point unbound_since_;  // requests waiting while unbound fail after the waiting time
  std::string log_name_;      // the channel's name, and the session's with several binds

  // Failover (endpoints_[1]): probing the primary, and moving back to it.
  bool probe_wanted_ = false;  // link_ asked for a probe; probe_due() hands it to the shell
  bool probing_ = false;       // the probe runs
  bool returning_ = false;     // the primary answered a probe: leaving the secondary

  // Error policy pauses (the tracker holds them: request_tracker::pause_until). Writes are
  // numbered in the order the SMSC reads them; a pause grows only while the SMSC accepts nothing
  // it read after the refusal that began the previous pause.
  std::uint32_t pauses_in_a_row_ = 0;
  std::uint32_t last_pause_status_ = 0;

  log_limiter limiter_;
  std::vector<log_limiter::summary> summaries_;  // reused

  bool shutting_down_ = false;
  time_point drain_deadline_ = time_point::max();
  time_point now_{};  // time of the call being handled (for the session events it drains)
  wall_time wall_now_{};
  std::vector<channel_event> events_;
  std::vector<frame_list> spent_frames_;
  // Inbound messages, receipts and their acknowledgements (after the members it refers to).
  inbound_gate inbound_;
  // Last: it answers into events_ and recycles into spent_frames_.
  tracker_t tracker_;
};

}  // namespace smsdrv::channel
