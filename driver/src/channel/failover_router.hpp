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
// Threads: every member may be called from any thread (one mutex); empty() and probes() are
// lock-free. The router keeps what it needs of the channels (their names and the keys the
// driver gave for them, the address a probe connects to) under its own mutex: its callers on the
// I/O thread never look a channel up in the driver's channel map, which the host thread changes.
//
// Keys: `channel_key` is the driver's opaque handle of a configured channel instance. The
// router hands a key out (carrier(), origin_events) only while the channel is configured under
// that key, and holds() tells the driver which keys an event on its way still refers to, so that
// a replaced or removed instance is freed only after the last of them has been pushed.
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

// Where a probe of a channel's own gateway connects (its gateway, or the proxy before it).
struct gateway_probe_address {
  std::string host;
  std::uint16_t port = 0;
  std::chrono::milliseconds timeout{1000};
};

class failover_router {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using channel_key = const void*;

  using probe_address = gateway_probe_address;

  // The channel `name` is configured now under `key` (a new channel, or a new instance of one):
  // routes naming it, as their channel or as their target, use this instance from now on.
  void set_channel(const std::string& name, channel_key key);
  // The channel is no longer configured (removed): a route to it finds no channel any more.
  void drop_channel(std::string_view name);

  // `channel` fails over to `target` (both section names: "channel-a"), replacing a route the
  // channel had. Configuration time. The target need not be configured yet (a later section of
  // the same file may be it): target_known() tells.
  // `probes_itself`: the channel tries its gateway again on its own (SMPP reconnects); else it
  // is probed at `probe` every probe_interval while the target carries (tick()).
  void add_route(const std::string& channel, const std::string& target, bool probes_itself,
                 std::chrono::milliseconds probe_interval, time_point now,
                 probe_address probe = {});
  // The channel has no route any more (reconfigured without x-failover-channel, or removed).
  void remove_route(std::string_view channel);
  // Whether a channel of that name is configured (set_channel and no drop_channel since).
  bool target_known(std::string_view target) const;
  // No route and no request handed over: nothing to look at on the hot paths.
  bool empty() const noexcept {
    return routes_count_.load(std::memory_order_acquire) == 0 &&
           handed_count_.load(std::memory_order_acquire) == 0;
  }

  // The channel that carries a new submission to `channel` now: nullptr for the channel itself
  // (no route, its own gateway carries, or the target is not configured), else the key of the
  // other channel (host thread: keys change only there).
  channel_key carrier(std::string_view channel) const;

  // A request of `origin` handed to the other channel: its RESPONSE is the origin's.
  void remember(std::uint64_t request_id, const std::string& origin);

  // Events of `channel` on their way to the host. Its CHANNEL_STATE events move the routes it
  // belongs to (and, for a channel with a route, say which gateway is in use); a switch adds a
  // CHANNEL_STATE event of the switching channel to `switches`. RESPONSE events of requests
  // another channel handed over move from `events` to `handed_back` (with the origin's key),
  // unless the origin is no longer configured: then they stay the carrier's (still one each).
  // Every entry of `switches` and `handed_back` with a key must be given back to delivered()
  // once pushed (or dropped): until then holds() counts it.
  struct origin_events {
    channel_key origin = nullptr;       // nullptr: `warning` only, no event to push
    const std::string* name = nullptr;  // the origin's section name (stable)
    channel_event event;
    // A switch that found no such channel: event.text is for the log (WARN), not for the host.
    bool warning = false;
    // A switch to the target: its key, held like `origin` until delivered(). The requests still
    // waiting in the origin's queue, never sent, go through it (driver_instance::move_unsent).
    channel_key carrier = nullptr;
  };
  void observe(std::string_view channel, std::vector<channel_event>& events, time_point now,
               std::vector<origin_events>& switches, std::vector<origin_events>& handed_back);
  void delivered(const std::vector<origin_events>& list);
  // One more hold of a key the caller holds already (from origin_events, not delivered() yet),
  // for work that outlives the push (moving queued requests); release() ends it.
  void hold(channel_key key);
  void release(channel_key key);

  // Time passed: the channels whose gateway is to be probed now (on_probe_result follows).
  struct probe_due {
    const std::string* channel = nullptr;  // stable
    probe_address address;
  };
  void tick(time_point now, std::vector<probe_due>& probe);
  // The probe of `channel`'s gateway ended; a switch back adds its event to `switches`.
  void on_probe_result(std::string_view channel, bool ok, time_point now,
                       std::vector<origin_events>& switches);
  // Some route has a channel that is probed (tick() has work).
  bool probes() const noexcept { return probed_routes_.load(std::memory_order_acquire) > 0; }

  // The requests handed to another channel and not answered yet.
  std::size_t handed_over() const;
  // An event given out by observe() or on_probe_result() for `key` is not delivered() yet.
  bool holds(channel_key key) const;

 private:
  struct route {
    std::string channel;
    std::string target;
    link_supervisor supervisor;
    bool supervisor_probes_itself = true;
    probe_address probe;
    bool warned_missing = false;  // the last switch to the target found no such channel
  };
  void remove_locked(std::string_view channel);
  channel_key key_locked(std::string_view name) const;
  void feed(route& r, std::size_t gateway, const channel_event& e, time_point now,
            std::vector<origin_events>& switches);
  // Turns the supervisor's switches into CHANNEL_STATE events; `cause` the gateway that moved.
  void take_switches(route& r, std::size_t cause, std::vector<origin_events>& switches);
  // The gateway that carries the route's requests: its target only when that is configured.
  const std::string& in_use_locked(const route& r) const;
  void hold_locked(channel_key key);
  void release_locked(channel_key key);

  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<route>> routes_;  // few: one per channel with x-failover-channel
  // Routes replaced or removed: kept, as handed-over requests name their channel through them.
  std::vector<std::unique_ptr<route>> retired_;
  std::atomic<std::size_t> routes_count_{0};
  std::atomic<std::size_t> probed_routes_{0};
  // The configured channels: name -> key of the instance in use.
  std::unordered_map<std::string, channel_key, name_hash, std::equal_to<>> channels_;
  std::unordered_map<std::uint64_t, const std::string*> handed_;  // request id -> origin
  std::atomic<std::size_t> handed_count_{0};
  std::unordered_map<channel_key, std::size_t> undelivered_;  // key -> events given out
};

}  // namespace smsdrv::channel
