// Failover to another channel (x-failover-channel), of either gateway kind, sans I/O.
//
// A channel with x-failover-channel = channel-<other> has two gateways in order: its own link
// (its SMSC, or its HTTP gateway; with x-smpp-failover-* the channel's own secondary SMSC is part
// of that link) and the other channel. A link_supervisor over the two, each reporting itself,
// decides which one carries the channel's new submissions:
//  - the channel's own gateway is down (its CHANNEL_STATE "down": it cannot be reached, or its
//    link was lost and it is backing off) and the other channel is not known to be down: the
//    other channel carries, at once;
//  - its own gateway is probed meanwhile: an SMPP channel reconnects on its own back-off; an HTTP
//    channel tries its gateway only with a request, so the router asks for a probe (a TCP
//    connection to the gateway, or its proxy) every probe interval. Once it is up again
//    ("bound", "ready") or a probe connects, it carries again;
//  - the other channel goes down while it carries: the channel's own gateway again (its queue
//    holds the requests until it is back or their waiting time is over).
// A request keeps the gateway it was given: the other channel answers it, exactly once, and its
// RESPONSE goes to the host as the channel's own (with _smsCarriedBy naming the other channel).
// Every switch is a CHANNEL_STATE event of the channel ("failover-channel", "own-gateway") naming
// the gateway in use (gatewayInUse).
//
// Threads: every member may be called from any thread (one mutex); empty() is lock-free.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "channel/channel_event.hpp"
#include "channel/link_supervisor.hpp"

namespace smsdrv::channel {

class failover_router {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  // `channel` fails over to `target` (both section names: "channel-a"), replacing a route the
  // channel had. Configuration time.
  // `probes_itself`: the channel tries its gateway again on its own (SMPP reconnects); else it
  // is probed every probe_interval while the target carries (tick()).
  void add_route(const std::string& channel, const std::string& target, bool probes_itself,
                 std::chrono::milliseconds probe_interval, time_point now);
  // The channel has no route any more (reconfigured without x-failover-channel, or removed).
  void remove_route(std::string_view channel);
  // No route at all: nothing to look at on the hot paths.
  bool empty() const noexcept { return routes_count_.load(std::memory_order_acquire) == 0; }

  // The channel that carries a new submission to `channel` now: nullptr for the channel itself
  // (no route, or its own gateway carries), else the other channel's name.
  const std::string* carrier(std::string_view channel) const;

  // A request of `origin` handed to the other channel: its RESPONSE is the origin's.
  void remember(std::uint64_t request_id, const std::string& origin);

  // Events of `channel` on their way to the host. Its CHANNEL_STATE events move the routes it
  // belongs to (and, for a channel with a route, say which gateway is in use); a switch adds a
  // CHANNEL_STATE event of the switching channel to `switches`. RESPONSE events of requests
  // another channel handed over move from `events` to `handed_back` (with the origin's name).
  struct origin_events {
    const std::string* origin = nullptr;  // the name given to add_route (stable)
    channel_event event;
  };
  void observe(std::string_view channel, std::vector<channel_event>& events, time_point now,
               std::vector<origin_events>& switches, std::vector<origin_events>& handed_back);

  // Time passed: the channels whose gateway is to be probed now (on_probe_result follows).
  void tick(time_point now, std::vector<const std::string*>& probe);
  // The probe of `channel`'s gateway ended; a switch back adds its event to `switches`.
  void on_probe_result(std::string_view channel, bool ok, time_point now,
                       std::vector<origin_events>& switches);
  // Some route has a channel that is probed (tick() has work).
  bool probes() const noexcept { return probed_routes_.load(std::memory_order_acquire) > 0; }

  // The requests handed to another channel and not answered yet.
  std::size_t handed_over() const;

 private:
  struct route {
    std::string channel;
    std::string target;
    link_supervisor supervisor;
    bool supervisor_probes_itself = true;
  };
  void remove_locked(std::string_view channel);
  void feed(route& r, std::size_t gateway, const channel_event& e, time_point now,
            std::vector<origin_events>& switches);
  // Turns the supervisor's switches into CHANNEL_STATE events; `cause` the gateway that moved.
  void take_switches(route& r, std::size_t cause, std::vector<origin_events>& switches);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<route>> routes_;  // few: one per channel with x-failover-channel
  // Routes replaced or removed: kept, as handed-over requests name their channel through them.
  std::vector<std::unique_ptr<route>> retired_;
  std::atomic<std::size_t> routes_count_{0};
  std::atomic<std::size_t> probed_routes_{0};
  std::unordered_map<std::uint64_t, const std::string*> handed_;  // request id -> origin
  std::atomic<std::size_t> handed_count_{0};
};

}  // namespace smsdrv::channel
