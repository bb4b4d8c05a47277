#include "channel/failover_router.hpp"

#include <fmt/format.h>

namespace smsdrv::channel {
namespace {

std::string_view state_of(const channel_event& e) {
  for (const auto& [k, v] : e.attrs)
    if (k == attr::state) return v;
  return {};
}

// What a channel's CHANNEL_STATE event says about its gateway. "failover" (an SMPP channel moving
// to its own secondary SMSC at once) and "bind-failed" (followed by "down" or "failover") leave
// the gateway as it was; "returning" and "shut-down" too.
enum class report : std::uint8_t { none, up, down };
report report_of(const channel_event& e) {
  if (e.type != SMSDRV_EVENT_CHANNEL_STATE) return report::none;
  const std::string_view s = state_of(e);
  if (e.status == SMSDRV_OK && (s == "bound" || s == "ready")) return report::up;
  if (e.status == SMSDRV_E_CHANNEL_DOWN && s == "down") return report::down;
  return report::none;
}

supervisor_settings route_settings(std::chrono::milliseconds probe_interval) {
  supervisor_settings s;
  // Each channel runs its own link and back-off: the supervisor chooses, at once.
  s.switch_on_loss = true;
  s.probe_interval = probe_interval;
  return s;
}

}  // namespace

void failover_router::remove_route(std::string_view channel) {
  std::lock_guard lock(mutex_);
  remove_locked(channel);
}

void failover_router::remove_locked(std::string_view channel) {
  // Requests it handed over stay answered as its own (their origin name is kept).
  for (auto it = routes_.begin(); it != routes_.end(); ++it) {
    if ((*it)->channel != channel) continue;
    if (!(*it)->supervisor_probes_itself) probed_routes_.fetch_sub(1, std::memory_order_acq_rel);
    retired_.push_back(std::move(*it));
    routes_.erase(it);
    routes_count_.store(routes_.size(), std::memory_order_release);
    return;
  }
}

void failover_router::add_route(const std::string& channel, const std::string& target,
                                bool probes_itself, std::chrono::milliseconds probe_interval,
                                time_point now) {
  std::lock_guard lock(mutex_);
  remove_locked(channel);
  auto r = std::make_unique<route>(
      route{channel, target,
            link_supervisor({{channel, /*reports_itself=*/true, probes_itself},
                             {target, /*reports_itself=*/true, /*probes_itself=*/true}},
                            route_settings(probe_interval)),
            probes_itself});
  r->supervisor.start(now);
  r->supervisor.take_actions();
  routes_.push_back(std::move(r));
  routes_count_.store(routes_.size(), std::memory_order_release);
  if (!probes_itself) probed_routes_.fetch_add(1, std::memory_order_acq_rel);
}

void failover_router::tick(time_point now, std::vector<const std::string*>& probe) {
  if (!probes()) return;
  std::lock_guard lock(mutex_);
  for (auto& r : routes_) {
    r->supervisor.on_tick(now);
    for (const link_action& a : r->supervisor.take_actions())
      if (a.what == link_action::kind::probe && a.gateway == 0) probe.push_back(&r->channel);
  }
}

void failover_router::on_probe_result(std::string_view channel, bool ok, time_point now,
                                      std::vector<origin_events>& switches) {
  std::lock_guard lock(mutex_);
  for (auto& r : routes_) {
    if (r->channel != channel) continue;
    r->supervisor.on_probe_result(0, ok, now);
    take_switches(*r, 0, switches);
  }
}

const std::string* failover_router::carrier(std::string_view channel) const {
  std::lock_guard lock(mutex_);
  for (const auto& r : routes_)
    if (r->channel == channel) return r->supervisor.active() == 0 ? nullptr : &r->target;
  return nullptr;
}

void failover_router::remember(std::uint64_t request_id, const std::string& origin) {
  std::lock_guard lock(mutex_);
  for (const auto& r : routes_) {
    if (r->channel != origin) continue;
    if (handed_.emplace(request_id, &r->channel).second)
      handed_count_.fetch_add(1, std::memory_order_acq_rel);
    return;
  }
}

std::size_t failover_router::handed_over() const {
  return handed_count_.load(std::memory_order_acquire);
}

void failover_router::feed(route& r, std::size_t gateway, const channel_event& e, time_point now,
                           std::vector<origin_events>& switches) {
  const report what = report_of(e);
  if (what == report::none) return;
  if (what == report::up)
    r.supervisor.on_up(gateway, now);
  else
    r.supervisor.on_down(gateway, now);
  take_switches(r, gateway, switches);
}

void failover_router::take_switches(route& r, std::size_t gateway,
                                    std::vector<origin_events>& switches) {
  for (const link_action& a : r.supervisor.take_actions()) {
    if (a.what != link_action::kind::switch_to) continue;  // the channels run their own links
    channel_event s;
    s.type = SMSDRV_EVENT_CHANNEL_STATE;
    s.status = SMSDRV_OK;
    if (a.gateway == 1) {
      s.text = fmt::format(
          "the channel's own gateway is down: new requests go through {} (x-failover-channel) "
          "until it is back",
          r.target);
      s.attrs.emplace_back(attr::state, "failover-channel");
    } else if (gateway == 0) {
      s.text = fmt::format(
          "the channel's own gateway is back: new requests go through it again, no longer "
          "through {}",
          r.target);
      s.attrs.emplace_back(attr::state, "own-gateway");
    } else {
      s.text = fmt::format(
          "{} (x-failover-channel) is down too: new requests wait for the channel's own gateway",
          r.target);
      s.attrs.emplace_back(attr::state, "own-gateway");
    }
    s.attrs.emplace_back(attr::gateway_in_use, a.gateway == 0 ? r.channel : r.target);
    switches.push_back({&r.channel, std::move(s)});
  }
}

void failover_router::observe(std::string_view channel, std::vector<channel_event>& events,
                              time_point now, std::vector<origin_events>& switches,
                              std::vector<origin_events>& handed_back) {
  if (empty()) return;
  std::lock_guard lock(mutex_);
  if (handed_count_.load(std::memory_order_acquire) > 0) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      channel_event& e = events[i];
      if (e.type == SMSDRV_EVENT_RESPONSE) {
        if (auto it = handed_.find(e.request_id); it != handed_.end()) {
          e.attrs.emplace_back(attr::carried_by, std::string(channel));
          handed_back.push_back({it->second, std::move(e)});
          handed_.erase(it);
          handed_count_.fetch_sub(1, std::memory_order_acq_rel);
          continue;
        }
      }
      if (kept != i) events[kept] = std::move(e);
      ++kept;
    }
    events.resize(kept);
  }
  for (channel_event& e : events) {
    if (e.type != SMSDRV_EVENT_CHANNEL_STATE) continue;
    for (auto& r : routes_) {
      if (r->channel == channel) {
        feed(*r, 0, e, now, switches);
        e.attrs.emplace_back(attr::gateway_in_use,
                             r->supervisor.active() == 0 ? r->channel : r->target);
      }
      if (r->target == channel) feed(*r, 1, e, now, switches);
    }
  }
}

}  // namespace smsdrv::channel
