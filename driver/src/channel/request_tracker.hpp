// The request side of a channel, for any transport (SMPP, HTTP, MM7), sans I/O: what happens to
// a request between send() and its RESPONSE event (docs/reliability.md).
//
//  - Requests queue in order. Beyond settings::queue_limit a request is refused at once
//    (SMSDRV_E_QUEUE_FULL); the ABI counts first, so this is the tracker's own bound.
//  - pump() writes parts (an SMPP segment, an HTTP exchange) while the transport has room
//    (Transport::can_write: its window, its link), no pause holds and the rate (submit_gate)
//    allows: parts to write again first (they are older), then the rest of the request part-way
//    out, then the queue's head. A request in flight has a slot; a part's tag is
//    tag_of(slot, part) and stays the same when it is written again.
//  - The transport reports each written part's outcome: accepted(), failed(), or resend() (it is
//    written again at `due`: a refusal for now, a link lost with resubmission chosen), or
//    unwrite() (it never left: the request goes back to the queue's head as never sent).
//  - Exactly one RESPONSE per request, and the tracker is the only place that makes it: success
//    when every part is accepted (or at the first, answers_at_first_part()); a failure at the
//    first part that fails (the rest is not sent); outcomes that come after the answer change
//    nothing.
//  - pause_until(): no part is written before then (x-smpp-error-policy pauses, HTTP 429/503).
//    Writes are numbered in the order they are made; a refusal of a part written before the
//    latest pause began was answered by that pause (pause_answered()).
//  - expire(): while the transport cannot send (link down), what waits unsent longer than the
//    transport's waiting time fails as SMSDRV_E_CHANNEL_DOWN.
//  - take_unsent() (x-failover-channel), take_queued()/put_back() (several binds of a channel):
//    requests of which nothing was written leave the tracker without a RESPONSE.
//  - take_resends()/adopt_resends() (several binds): a request all of whose parts were written
//    and lost with the link, each waiting to be written again, moves with its parts' records to
//    another tracker, where it waits to be written again as it did here; no RESPONSE on the way.
//  - shutdown(): queued requests and parts waiting to be written again fail at once as
//    SMSDRV_E_SHUT_DOWN (never sent); requests in flight are waited for; end_drain() (the
//    transport calls it at the drain deadline, or not when its aborted exchanges report back)
//    answers what is still unanswered as SMSDRV_E_OUTCOME_UNKNOWN.
//  - A failure that ends many requests at once (begin_batch()/end_batch(): a lost link, the
//    shutdown) logs one line per status naming them all.
//
// The texts of failures the tracker decides are the transport's (Transport::unsent_text): each
// names its own gateway and options. Request is prepared_request (SMPP) or
// http_prepared_request (HTTP): it has request_id, accepted, kept, and part_count(r) and
// answers_at_first_part(r) are found for it. Time is a parameter; one thread; nothing blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channel/channel_event.hpp"
#include "channel/channel_metrics.hpp"
#include "channel/submit_gate.hpp"
#include "channel/unsent_request.hpp"
#include "util/id_ranges.hpp"
#include "util/log_sink.hpp"

namespace smsdrv::channel {

// How one part of a request in flight has fared.
struct part_state {
  std::uint64_t written_as = 0;      // number of its latest write (request_tracker::writes())
  std::uint64_t refused_as = 0;      // written_as of its latest refusal
  std::uint32_t last_refusal = 0;    // the transport's code of its last refusal (0: lost)
  std::uint8_t refusals = 0;         // resubmissions after refusals, in all
  std::uint8_t refusals_in_row = 0;  // of those, the ones counted against a `retry N` rule
  std::uint8_t lost = 0;             // resubmissions after a lost link
  bool accepted = false;             // the gateway accepted it
  bool awaiting = false;             // written, its outcome not reported yet
};

// A request whose parts were all written and lost with the link, each waiting to be written
// again, on its way from one bind of a channel to another (x-smpp-sessions with
// x-smpp-in-flight-on-disconnect = resubmit): the records of its parts and its resubmissions go
// with it, so that its limits and its _smsRetries go on counting on the other bind.
template <class Request>
struct written_request {
  Request request;
  std::vector<part_state> part;
  std::uint32_t resubmitted = 0;
};

// Why the tracker answers a request itself; the transport words it (Transport::unsent_text).
enum class unsent_reason : std::uint8_t {
  enqueued_after_shutdown,  // send() after shutdown()
  shutdown_queued,          // queued when the shutdown began
  shutdown_resend,          // waiting to be written again when the shutdown began
  expired_queued,           // waited unsent while the link was down
  expired_part_way,         // some parts written, the rest waited while the link was down
  expired_resend,           // waiting to be written again while the link was down
  drain_deadline,           // written and unanswered at the drain deadline
};

// Transport: the core that carries the parts (channel_core, http_channel_core), a compile-time
// parameter so that the compiler can inline its calls into the tracker's (the definitions are in
// request_tracker_impl.hpp, included by the transport's .cpp, which instantiates the tracker for
// itself: template class request_tracker<R, T>;). The tracker calls these members of it, which
// may be private if it befriends the tracker:
//   bool can_write(time_point now)
//     Room for one more part now: the link can carry it and the window has a place.
//   void write_part(std::size_t slot, std::uint16_t part, bool retried, time_point now)
//     Write part `part` of the request in `slot`; `retried`: it was written before. The outcome
//     may be reported at once (a part that cannot be encoded: failed()).
//   std::string unsent_text(unsent_reason why, const Request& r, const in_flight* f,
//                           std::uint16_t part)
//     The text of a failure the tracker decides (see unsent_reason); `part`: the part waiting
//     to be written again (shutdown_resend, expired_resend), else 0.
//   void log(log_level level, std::string line, std::uint64_t request_id)
//     A line of the tracker's; `request_id`: the request it names (0: none).
//   void log_summary(log_level level, std::string line)
//     The line that sums up a batch of failures, written as it is.
//   bool logging(log_level level) const
//   void recycle(Request& r)
//     The request is done with (answered, or taken out): its buffers may be reused.
template <class Request, class Transport>
class request_tracker {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  // A request in flight: written in part or whole, not yet done with.
  struct in_flight {
    Request request;
    std::uint16_t parts = 0;
    std::uint16_t sent = 0;         // parts written at least once
    std::uint16_t outcomes = 0;     // parts accepted, failed, or given up
    std::uint16_t waiting = 0;      // parts waiting to be written again
    std::uint32_t resubmitted = 0;  // resends scheduled for its parts
    std::vector<std::string> message_ids;
    std::vector<part_state> part;
    bool answered = false;   // the RESPONSE event went out
    bool abandoned = false;  // remaining parts will not be sent (a part failed, shutdown)
    bool in_use = false;
    bool drained = false;  // answered at the drain deadline; outcomes still counted

    // Back to unused; the vectors keep their capacity for the slot's next request.
    void reset();
  };

  struct settings {
    std::size_t queue_limit = static_cast<std::size_t>(-1);
    // An accepted part without a message id is named in the response
    // (attr::message_id_missing); false when the gateway is not asked for one.
    bool message_ids_expected = true;
  };

  request_tracker(settings s, Transport& t, submit_gate& rate, channel_metrics& metrics,
                  std::vector<channel_event>& events);
  request_tracker(const request_tracker&) = delete;
  request_tracker& operator=(const request_tracker&) = delete;

  // Parts are tagged slot << 8 | part (at most 255 parts).
  static constexpr std::uint64_t tag_of(std::size_t slot, std::size_t part) {
    return (static_cast<std::uint64_t>(slot) << 8) | part;
  }
  static constexpr std::size_t slot_of(std::uint64_t tag) {
    return static_cast<std::size_t>(tag >> 8);
  }
  static constexpr std::uint16_t part_of(std::uint64_t tag) {
    return static_cast<std::uint16_t>(tag & 0xFF);
  }

  // ---- requests ----
  // Takes a request accepted by send() and pumps. Never fails: problems become its RESPONSE.
  void enqueue(Request&& r, time_point now);
  // Writes what may be written now (see above).
  void pump(time_point now);
  // x-failover-channel: at most `limit` queued requests with their user data kept, oldest first,
  // into `out`, without a RESPONSE. Nothing while shutting down.
  void take_unsent(std::size_t limit, std::vector<unsent_request>& out);
  // Several binds: queued requests out (oldest first, to the end of `out`), or back in ahead of
  // what is queued (they are older).
  void take_queued(std::deque<Request>& out);
  void put_back(std::deque<Request>& requests);
  // Several binds: the requests all of whose parts wait to be written again after a lost link
  // (nothing of them accepted, failed or awaiting an answer) out, in the order their parts are
  // due, to the end of `out`; none while shutting down. adopt_resends() takes them in: each gets
  // a slot, its parts wait to be written again from `now` (before anything queued).
  void take_resends(std::vector<written_request<Request>>& out);
  void adopt_resends(std::vector<written_request<Request>>& in, time_point now);

  // ---- outcomes of written parts (the transport reports each once) ----
  // Whether `tag` names a part written and waiting for its outcome.
  bool awaiting(std::uint64_t tag) const noexcept;
  // Accepted, with the gateway's id for it ("" when it gave none). Answers the request when it is
  // complete.
  void accepted(std::size_t slot, std::uint16_t part, std::string_view message_id);
  // Failed for good: the request fails now (text prefixed "segment i of n: " for a request of
  // several parts), unless it was answered; the rest of it is not sent. `extra`: attributes of
  // the transport's (its error code and name), before the tracker's own.
  void failed(std::size_t slot, std::uint16_t part, std::int32_t status, std::string text,
              attributes extra = {});
  // Written again at `due` (pump() picks the due part refused least often, then the oldest).
  // `counted`: it counts as a resubmission in the response (attr::retries).
  void resend(std::size_t slot, std::uint16_t part, time_point due, bool counted = true);
  // The part never left (connection refused before the request was written): a request of
  // one part not resubmitted before goes back to the queue's head as never sent; any other waits
  // to be written again (not counted).
  void unwrite(std::size_t slot, std::uint16_t part, time_point now);

  // ---- pauses ----
  // A refusal of the part written as `refused_write` was answered by the latest pause: it was
  // written before that pause began.
  bool pause_answered(std::uint64_t refused_write) const noexcept {
    return refused_write <= pause_began_after_;
  }
  // No part is written before `until`; `refused_write` is the write whose refusal began it.
  void pause_until(time_point until, std::uint64_t refused_write);
  void end_pause() noexcept { paused_until_ = {}; }
  time_point paused_until() const noexcept { return paused_until_; }
  bool paused(time_point now) const noexcept { return now < paused_until_; }
  // The write whose refusal began the latest pause, and the highest write accepted.
  std::uint64_t pause_cause() const noexcept { return pause_cause_; }
  std::uint64_t latest_accepted() const noexcept { return latest_accepted_; }

  // ---- the link down ----
  // Fails what waited unsent until max(accepted, since) + wait <= now.
  void expire(time_point now, time_point since, std::chrono::nanoseconds wait);
  // When expire() next has work (time_point::max(): none).
  time_point next_expiry(time_point since, std::chrono::nanoseconds wait) const noexcept;

  // ---- shutdown ----
  void shutdown(time_point now, time_point deadline);
  // Answers every request written and unanswered as SMSDRV_E_OUTCOME_UNKNOWN.
  void end_drain();
  bool shutting_down() const noexcept { return shutting_down_; }
  bool drain_ended() const noexcept { return drain_ended_; }
  time_point drain_deadline() const noexcept { return drain_deadline_; }

  // ---- failure batches (a lost link, the shutdown) ----
  void begin_batch();
  // Logs "<what>: N request(s) failed with <status> (requests ...)", one line per status.
  void end_batch(std::string_view what);

  // ---- state ----
  // When pump() has a part to write, pause and rate aside: time_point{} (now) when a request is
  // part-way out or queued, else the first resend's due time; max() when nothing waits.
  time_point work_at() const noexcept;
  // The first resend's due time (max(): none).
  time_point next_resend() const noexcept {
    return resend_.empty() ? time_point::max() : resend_.front().due;
  }
  std::size_t queued() const noexcept { return queue_.size(); }
  std::size_t resends_waiting() const noexcept { return resend_.size(); }
  std::size_t in_flight_requests() const noexcept { return in_flight_requests_; }
  std::size_t open_requests() const noexcept { return queue_.size() + in_flight_requests_; }
  std::uint64_t writes() const noexcept { return writes_; }
  std::uint64_t resubmissions() const noexcept { return resubmissions_; }
  in_flight& slot(std::size_t s) noexcept { return *slots_[s]; }
  const in_flight& slot(std::size_t s) const noexcept { return *slots_[s]; }
  // Emptied attribute lists given back; RESPONSE events are built into them.
  std::vector<attributes>& spare_attributes() noexcept { return spare_attrs_; }

 private:
  struct resend_entry {
    std::size_t slot = 0;
    std::uint16_t part = 0;
    time_point due{};
  };

  in_flight& at(std::size_t s) noexcept { return *slots_[s]; }
  const in_flight& at(std::size_t s) const noexcept { return *slots_[s]; }
  std::size_t allocate_slot();
  void write(std::size_t slot, std::uint16_t part, bool retried, time_point now);
  typename std::deque<resend_entry>::iterator pick_resend(time_point now);
  void drop_resends(std::size_t slot);
  void fail_unsent(std::size_t slot, std::int32_t status, std::string why);
  void release_if_done(std::size_t slot);
  void respond_ok(in_flight& f);
  void respond_failure(std::uint64_t request_id, std::int32_t status, std::string text,
                       attributes attrs = {});
  void respond_stopped(in_flight& f);
  std::string parts_sent_text(const in_flight& f) const;
  time_point expiry_of(time_point accepted, time_point since,
                       std::chrono::nanoseconds wait) const noexcept {
    return std::max(accepted, since) + std::chrono::duration_cast<time_point::duration>(wait);
  }

  settings settings_;
  Transport& transport_;
  submit_gate& rate_;
  channel_metrics& metrics_;
  std::vector<channel_event>& events_;

  std::deque<Request> queue_;                // accepted, no part written
  std::optional<std::size_t> sending_slot_;  // the request whose parts are going out
  // Each slot stays where it is: a transport may point into its request while it is written.
  std::vector<std::unique_ptr<in_flight>> slots_;
  std::vector<std::size_t> free_slots_;
  std::size_t in_flight_requests_ = 0;
  std::deque<resend_entry> resend_;  // by due time

  std::uint64_t writes_ = 0;
  std::uint64_t resubmissions_ = 0;
  time_point paused_until_{};
  std::uint64_t pause_began_after_ = 0;  // writes before the latest pause began
  std::uint64_t pause_cause_ = 0;
  std::uint64_t latest_accepted_ = 0;

  struct failure_batch {
    std::int32_t status;
    std::string first_text;
    id_ranges ids{16};
  };
  bool batching_ = false;
  std::vector<failure_batch> batches_;

  bool shutting_down_ = false;
  bool drain_ended_ = false;
  time_point drain_deadline_ = time_point::max();
  std::vector<attributes> spare_attrs_;
};

}  // namespace smsdrv::channel
