// Which of a channel's gateways carries its new submissions, sans I/O.
//
// A channel has its gateways in order: the primary first, then its failovers (another SMSC of
// the same channel, or another channel of either kind: x-failover-channel). Each gateway is in
// one state: idle, connecting, up, backing off (down, waiting to try again), probing (the
// primary while another gateway carries: tried now and then, to return to it) or draining.
// Its users: channel_core (the SMSCs of an SMPP channel, one_link), http_channel_core (its one
// gateway, which has no link to hold: "connect" is the turn of one request to try it) and
// failover_router (x-failover-channel: channels that report themselves).
//
// The supervisor decides; it calls nothing. Its inputs are what happened (up, down, a probe's
// result, the time); its outputs are actions the shell carries out, taken with take_actions():
//   connect G   open G's link (a gateway the supervisor drives);
//   close G     close G's link (the supervisor left it);
//   probe G     try G on a connection of its own (the primary, while another gateway carries);
//   switch to G new submissions go to G from now on;
//   drain G     nothing new goes to G, which stays open until what it carries is answered
//               (settings.one_link: the gateways take turns on one link).
// Time is a parameter: tests drive it with fake time.
//
// Policy:
//  - At start the primary is active (and connected, when the supervisor drives it).
//  - The active gateway fails before it was up (cannot be reached, refuses the bind): the next
//    gateway not known to be down becomes active at once. A gateway that was up and is lost is
//    tried again after the back-off, from the primary (a link lost under load is no reason to
//    move), unless settings.switch_on_loss: then the next gateway carries at once as well.
//  - No gateway left: the primary is active again and tried after the back-off (exponential,
//    jittered, capped; straight to the cap when it refused our credentials). A gateway that
//    comes up resets the back-off.
//  - While another gateway carries and is up, the primary is probed every probe_interval; a
//    probe that succeeds, or the primary reporting itself up, switches back to it.
//  - A gateway that runs its own link (reports_itself: a channel, which connects and backs off on
//    its own) gets no connect or close actions, and no probe actions when it also probes itself
//    (an SMPP channel reconnects; an HTTP channel only tries its gateway with a request, so it
//    is probed); what it reports moves its state.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flow/backoff.hpp"

namespace smsdrv::channel {

// draining: up, carrying nothing new, closed once what it carries is answered (one_link).
enum class gateway_state : std::uint8_t { idle, connecting, up, backing_off, probing, draining };
std::string_view gateway_state_name(gateway_state s) noexcept;

struct link_action {
  enum class kind : std::uint8_t { connect, close, probe, switch_to, drain };
  kind what = kind::connect;
  std::size_t gateway = 0;
  friend bool operator==(const link_action&, const link_action&) = default;
};
std::string describe(const link_action& a);

struct gateway_spec {
  std::string label;  // for logs and events: "smsc.example.net:2775", "channel-backup"
  // Runs its own link (a channel): no connect or close actions for it; it reports up and down.
  bool reports_itself = false;
  // Tries itself again while down (an SMPP channel reconnects): no probe actions for it either.
  bool probes_itself = false;
};

struct supervisor_settings {
  std::chrono::milliseconds probe_interval{std::chrono::seconds(60)};
  std::chrono::milliseconds backoff_initial{std::chrono::seconds(1)};
  std::chrono::milliseconds backoff_cap{std::chrono::seconds(60)};
  std::uint64_t seed = 1;
  bool switch_on_loss = false;
  // The gateways take turns on one link (see above), and how long a drain may take.
  bool one_link = false;
  std::chrono::milliseconds drain_limit{std::chrono::seconds(30)};
};

class link_supervisor {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  link_supervisor(std::vector<gateway_spec> gateways, supervisor_settings settings);

  // The primary becomes active; connect 0 when the supervisor drives it.
  void start(time_point now);

  // G's link is up (bound; for a gateway that reports itself: it said so).
  void on_up(std::size_t g, time_point now);
  // G's link failed or closed; `credentials_refused`: retrying soon cannot help.
  void on_down(std::size_t g, time_point now, bool credentials_refused = false);
  // The probe of G (probe G) ended: it bound, or it did not.
  void on_probe_result(std::size_t g, bool ok, time_point now);
  // What drain G asked for is done (G's responses are in): close G.
  void on_drained(std::size_t g, time_point now);
  // Time passed: connections, probes and drain limits that are due.
  void on_tick(time_point now);
  // When on_tick has something to do (time_point::max(): nothing).
  time_point next_deadline() const noexcept;

  std::size_t active() const noexcept { return active_; }
  std::size_t size() const noexcept { return gateways_.size(); }
  gateway_state state(std::size_t g) const noexcept { return gateways_[g].state; }
  const std::string& label(std::size_t g) const noexcept { return gateways_[g].spec.label; }
  // The delay of the latest back-off (for the channel's "down" event).
  std::chrono::milliseconds last_delay() const noexcept { return last_delay_; }
  // The time the latest back-off ends.
  time_point retry_at() const noexcept { return retry_at_; }

  // Actions since the last call, in order; the caller carries them out.
  std::vector<link_action> take_actions();

 private:
  struct gateway {
    gateway_spec spec;
    gateway_state state = gateway_state::idle;
    bool was_up = false;  // up since its latest connect
  };

  void switch_to(std::size_t g, time_point now);
  void connect(std::size_t g);
  void back_off(time_point now, bool at_cap);
  void leave(std::size_t g);  // close the draining gateway
  bool driven(std::size_t g) const noexcept { return !gateways_[g].spec.reports_itself; }
  bool probed(std::size_t g) const noexcept { return !gateways_[g].spec.probes_itself; }

  std::vector<gateway> gateways_;
  supervisor_settings settings_;
  flow::backoff backoff_;
  std::size_t active_ = 0;
  time_point retry_at_ = time_point::max();  // the primary is tried again then
  time_point probe_at_ = time_point::max();  // the primary is probed then
  // one_link: the gateway draining, closed at leave_at_ at the latest (max: close asked for).
  std::size_t draining_ = 0;
  time_point leave_at_ = time_point::max();
  std::chrono::milliseconds last_delay_{0};
  std::vector<link_action> actions_;
};

}  // namespace smsdrv::channel
