// One SMPP channel over several binds to its SMSC (x-smpp-sessions, docs/scaling.md): a
// channel_runner (socket, timer, channel_core) per bind and, in front of them, the channel's
// queue. Everything a host sees stays the channel's: its requests, their one RESPONSE each, the
// inbound messages and delivery reports of every bind, its CHANNEL_STATE events (each naming the
// session and how many of them are bound).
//
//  - The queue is the channel's: a request waits here until a bound session has fewer than
//    x-smpp-submit-window-size requests open, and goes to the bound session with the fewest
//    (ties: the lowest index). While no session is bound, requests go to the sessions as they
//    are, spread the same way, so that each core's waiting time (x-smpp-response-max-waiting-
//    time while down) applies; as soon as one binds, the requests never written that wait in
//    sessions still down move to it.
//  - The rate is the channel's: one submit_gate (channel::session_shared) that every session
//    asks before each write, so x-smpp-submit-max-rate holds over all binds together. Receipts
//    and the reassembly of long inbound messages are shared the same way: a receipt or a part
//    may come back on any bind.
//  - A session that drops keeps what it wrote: its in-flight submissions follow
//    x-smpp-in-flight-on-disconnect like a channel of one bind; what it had not written moves
//    to the sessions still bound.
//  - Inbound ack ids carry the session's index (channel::session_ack_shift): ack() answers on
//    the bind the message came in on.
//  - With x-shared-limits-redis-url the gate also takes a token of the SMSC account's rate,
//    leased from Redis and shared by every host (io::shared_rate_limiter, docs/scaling.md);
//    while Redis cannot be reached the channel sends at its local share of that rate. Each
//    switch is one log line and one CHANNEL_STATE event ("shared-limit-fallback",
//    "shared-limit"), never one per message.
//  - With x-shared-limits-window, the gate first asks for a slot of the SMSC account's window,
//    claimed from the same Redis (io::shared_window): the submissions outstanding on every bind
//    of the channel are the slots in use; an answer, a timeout or a lost link frees one (the
//    events a session pushes say when to look). While Redis cannot be asked, the channel keeps
//    at most its local share of the window outstanding; each switch is one log line and one
//    CHANNEL_STATE event ("shared-window-fallback", "shared-window").
//  - With x-shared-limits-reassembly (the default with a Redis URL) the parts of long inbound
//    messages are kept in the same Redis (io::redis_parts_store), so that a message whose parts
//    reach different hosts is joined and delivered once; while Redis cannot be asked, they are
//    joined here. Each switch is one log line and one CHANNEL_STATE event
//    ("shared-reassembly-fallback", "shared-reassembly").
//  - A session whose bind is refused (an account with fewer binds than x-smpp-sessions) backs
//    off like any failed link: exponential, capped by reconnection-timeout.
//
// Runs on the runtime's I/O thread, except submit() and ack() (any thread).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "channel/channel_config.hpp"
#include "channel/prepared_request.hpp"
#include "channel/request_tracker.hpp"
#include "channel/session_shared.hpp"
#include "io/event_sink.hpp"
#include "io/tls_client.hpp"
#include "util/log_sink.hpp"

namespace smsdrv::io {

class channel_runner;
class shared_rate_limiter;
class shared_window;

class session_group {
 public:
  session_group(boost::asio::io_context& io, channel::channel_config config,
                std::shared_ptr<const tls_client> tls, log_sink& log, event_sink& events,
                void* sink_key);
  ~session_group();
  session_group(const session_group&) = delete;
  session_group& operator=(const session_group&) = delete;

  const std::string& name() const noexcept { return name_; }
  std::size_t sessions() const noexcept { return runners_.size(); }

  // Any thread.
  void start();
  void submit(channel::prepared_request& request);
  void ack(std::uint64_t ack_id, std::int32_t disposition);
  // x-failover-channel: on the I/O thread, takes at most `limit` requests never written that
  // kept their user data, from the sessions' queues (oldest first) and then the channel's, and
  // calls `done` with them (channel_core::take_unsent).
  void take_unsent(std::size_t limit,
                   std::function<void(std::vector<channel::unsent_request>&)> done);

  // I/O thread only.
  void begin_shutdown(std::chrono::steady_clock::time_point deadline,
                      std::function<void()> on_finished);
  void force_close(std::string_view reason);
  bool finished() const noexcept;
  // The gate may allow again: every session tries to send.
  void wake();
  // Pushes events of the channel's own (a change of the shared limit's mode) to the host.
  void push(std::vector<channel::channel_event>& events);
  std::size_t bound_sessions() const noexcept;

 private:
  // Each session's runner pushes its events here: annotated, then handed to the host's sink.
  class session_sink final : public event_sink {
   public:
    session_sink(session_group& group, std::size_t index) : group_(group), index_(index) {}
    void push(void* key, std::vector<channel::channel_event>& events) override;
    void reclaim(std::vector<channel::attributes>& out, std::size_t limit) override;

   private:
    session_group& group_;
    std::size_t index_;
  };

  void annotate(std::size_t index, std::vector<channel::channel_event>& events) const;
  void post_rebalance();
  // Moves queued requests to sessions (see the contract above) and drives the sessions changed.
  void rebalance();
  void move_lost_submissions(std::chrono::steady_clock::time_point now);
  void drain_inbox();
  // The shared limit switched to its local share (fallback) or back.
  void mode_changed(bool fallback, const std::string& reason);
  // The account's window switched to its local share or back (one line, one event).
  void window_mode_changed(bool fallback, const std::string& reason);
  // After an answer: slots go back, and sessions waiting for one try again (posted, once).
  void post_window_release();
  std::unique_ptr<channel::submit_gate> make_gate(const channel::channel_config& config);
  // x-shared-limits-reassembly: the parts of long inbound messages in Redis.
  std::unique_ptr<channel::remote_parts> make_remote_parts(const channel::channel_config& config);
  // Redis cannot keep the parts (they are joined on this host), or can again.
  void reassembly_mode_changed(bool unreachable, const std::string& reason);
  // A shared store (rate, window, parts) switched to this host alone or back: one log line
  // (WARN on a fallback) and one CHANNEL_STATE event in state `state`.
  void report_shared_mode(bool fallback, std::string text, std::string_view state,
                          const std::string& reason);

  boost::asio::io_context& io_;
  log_sink& log_;
  event_sink& events_;
  void* sink_key_;
  std::string name_;
  std::uint32_t window_;
  std::shared_ptr<channel::channel_metrics> metrics_;
  std::unique_ptr<shared_rate_limiter> limiter_;   // x-shared-limits-redis-url
  std::unique_ptr<shared_window> account_window_;  // x-shared-limits-window
  bool window_release_posted_ = false;
  channel::submit_gate* gate_ = nullptr;  // the gate in shared_
  channel::session_shared shared_;
  std::vector<std::unique_ptr<session_sink>> sinks_;
  std::vector<std::unique_ptr<channel_runner>> runners_;

  std::deque<channel::prepared_request> queue_;  // the channel's, on the I/O thread
  std::deque<channel::prepared_request> moved_;  // reused by rebalance()
  // reused by rebalance(): written and lost with a session's link, waiting to be written again
  std::vector<channel::written_request<channel::prepared_request>> lost_;
  std::vector<channel::written_request<channel::prepared_request>> one_;
  std::vector<bool> touched_;  // reused by rebalance()
  bool rebalance_posted_ = false;
  bool shutting_down_ = false;
  std::size_t running_ = 0;  // sessions not finished after begin_shutdown
  std::function<void()> on_finished_;

  std::mutex inbox_mutex_;
  std::vector<channel::prepared_request> inbox_;
  bool drain_posted_ = false;
  std::vector<channel::prepared_request> taken_;
};

}  // namespace smsdrv::io
