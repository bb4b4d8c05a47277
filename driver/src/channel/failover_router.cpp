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
// to its own secondary SMSC at once), "bind-failed" (followed by "down" or "failover") and a
// "down" with secondaryPending (a lost primary link tried again, the channel's own secondary
// next) leave the gateway as it was; "returning" and "shut-down" too.
enum class report : std::uint8_t { none, up, down };
report report_of(const channel_event& e) {
  if (e.type != SMSDRV_EVENT_CHANNEL_STATE) return report::none;
  const std::string_view s = state_of(e);
  if (e.status == SMSDRV_OK && (s == "bound" || s == "ready")) return report::up;
  if (e.status == SMSDRV_E_CHANNEL_DOWN && s == "down") {
    // A lost primary link with the channel's own secondary SMSC still to try is not yet down.
    for (const auto& [k, v] : e.attrs)
      if (k == attr::secondary_pending && v == "true") return report::none;
    return report::down;
  }
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

void failover_router::set_channel(const std::string& name, channel_key key) {
  std::lock_guard lock(mutex_);
  channels_.insert_or_assign(name, key);
  for (auto& r : routes_)
    if (r->target == name) r->warned_missing = false;
}

void failover_router::drop_channel(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = channels_.find(name); it != channels_.end()) channels_.erase(it);
}

bool failover_router::target_known(std::string_view target) const {
  std::lock_guard lock(mutex_);
  return channels_.find(target) != channels_.end();
}

failover_router::channel_key failover_router::key_locked(std::string_view name) const {
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second;
}

const std::string& failover_router::in_use_locked(const route& r) const {
  return r.supervisor.active() == 1 && key_locked(r.target) != nullptr ? r.target : r.channel;
}

void failover_router::hold_locked(channel_key key) {
  ++undelivered_[key];
}

void failover_router::release_locked(channel_key key) {
  auto it = undelivered_.find(key);
  if (it == undelivered_.end()) return;
  if (--it->second == 0) undelivered_.erase(it);
}

void failover_router::delivered(const std::vector<origin_events>& list) {
  if (list.empty()) return;
  std::lock_guard lock(mutex_);
  for (const origin_events& o : list) {
    if (o.origin != nullptr) release_locked(o.origin);
    if (o.carrier != nullptr) release_locked(o.carrier);
  }
}

void failover_router::hold(channel_key key) {
  std::lock_guard lock(mutex_);
  hold_locked(key);
}

void failover_router::release(channel_key key) {
  std::lock_guard lock(mutex_);
  release_locked(key);
}

bool failover_router::holds(channel_key key) const {
  std::lock_guard lock(mutex_);
  return undelivered_.contains(key);
}

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
                                time_point now, probe_address probe) {
  std::lock_guard lock(mutex_);
  remove_locked(channel);
  auto r = std::make_unique<route>(
      route{channel, target,
            link_supervisor({{channel, /*reports_itself=*/true, probes_itself},
                             {target, /*reports_itself=*/true, /*probes_itself=*/true}},
                            route_settings(probe_interval)),
            probes_itself, std::move(probe)});
  r->supervisor.start(now);
  r->supervisor.take_actions();
  routes_.push_back(std::move(r));
  routes_count_.store(routes_.size(), std::memory_order_release);
  if (!probes_itself) probed_routes_.fetch_add(1, std::memory_order_acq_rel);
}

void failover_router::tick(time_point now, std::vector<probe_due>& probe) {
  if (!probes()) return;
  std::lock_guard lock(mutex_);
  for (auto& r : routes_) {
    r->supervisor.on_tick(now);
    for (const link_action& a : r->supervisor.take_actions())
      if (a.what == link_action::kind::probe && a.gateway == 0)
        probe.push_back({&r->channel, r->probe});
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

failover_router::channel_key failover_router::carrier(std::string_view channel) const {
  std::lock_guard lock(mutex_);
  for (const auto& r : routes_)
    if (r->channel == channel) return r->supervisor.active() == 0 ? nullptr : key_locked(r->target);
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
  const channel_key origin = key_locked(r.channel);
  for (const link_action& a : r.supervisor.take_actions()) {
    if (a.what != link_action::kind::switch_to) continue;  // the channels run their own links
    const bool target_missing = key_locked(r.target) == nullptr;
    channel_event s;
    s.type = SMSDRV_EVENT_CHANNEL_STATE;
    s.status = SMSDRV_OK;
    if (a.gateway == 1 && target_missing) {
      // Refused: nothing to hand the requests to. Said once per switch (the supervisor switches
      // again only after the own gateway was back or the target went down).
      if (r.warned_missing) continue;
      r.warned_missing = true;
      s.text = fmt::format(
          "the channel's own gateway is down, and x-failover-channel = {} names no configured "
          "channel: new requests wait in this channel's queue until its gateway is back; "
          "configure [{}] or correct x-failover-channel of [{}]",
          r.target, r.target, r.channel);
      switches.push_back({nullptr, &r.channel, std::move(s), /*warning=*/true});
      continue;
    }
    if (a.gateway == 1) {
      s.text = fmt::format(
          "the channel's own gateway is down: new requests, and those waiting unsent in its "
          "queue, go through {} (x-failover-channel) until it is back",
          r.target);
      s.attrs.emplace_back(attr::state, "failover-channel");
    } else if (gateway == 0) {
      if (target_missing && r.warned_missing) {
        // It never went through the target: nothing to announce, the next switch warns again.
        r.warned_missing = false;
        continue;
      }
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
    r.warned_missing = false;
    s.attrs.emplace_back(attr::gateway_in_use, a.gateway == 0 ? r.channel : r.target);
    if (origin == nullptr) continue;  // the channel is no longer configured
    hold_locked(origin);
    channel_key carrier = nullptr;
    if (a.gateway == 1) {
      carrier = key_locked(r.target);  // configured: target_missing is false here
      hold_locked(carrier);
    }
    switches.push_back({origin, &r.channel, std::move(s), /*warning=*/false, carrier});
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
          const std::string* origin_name = it->second;
          handed_.erase(it);
          handed_count_.fetch_sub(1, std::memory_order_acq_rel);
          // The origin removed meanwhile: the carrier answers as itself (one outcome still).
          if (const channel_key origin = key_locked(*origin_name)) {
            e.attrs.emplace_back(attr::carried_by, std::string(channel));
            hold_locked(origin);
            handed_back.push_back({origin, origin_name, std::move(e)});
            continue;
          }
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
        e.attrs.emplace_back(attr::gateway_in_use, in_use_locked(*r));
      }
      if (r->target == channel) feed(*r, 1, e, now, switches);
    }
  }
}

}  // namespace smsdrv::channel
