#include "channel/link_supervisor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace smsdrv::channel {

std::string_view gateway_state_name(gateway_state s) noexcept {
  switch (s) {
    case gateway_state::idle:
      return "idle";
    case gateway_state::connecting:
      return "connecting";
    case gateway_state::up:
      return "up";
    case gateway_state::backing_off:
      return "backing off";
    case gateway_state::probing:
      return "probing";
    case gateway_state::draining:
      return "draining";
  }
  return "?";
}

std::string describe(const link_action& a) {
  switch (a.what) {
    case link_action::kind::connect:
      return fmt::format("connect {}", a.gateway);
    case link_action::kind::close:
      return fmt::format("close {}", a.gateway);
    case link_action::kind::probe:
      return fmt::format("probe {}", a.gateway);
    case link_action::kind::switch_to:
      return fmt::format("switch to {}", a.gateway);
    case link_action::kind::drain:
      return fmt::format("drain {}", a.gateway);
  }
  return "?";
}

link_supervisor::link_supervisor(std::vector<gateway_spec> gateways, supervisor_settings settings)
    : settings_(settings), backoff_(settings.backoff_initial, settings.backoff_cap, settings.seed) {
  gateways_.reserve(gateways.size());
  for (gateway_spec& g : gateways)
    gateways_.push_back(gateway{std::move(g)});
}

void link_supervisor::start(time_point) {
  if (gateways_.empty()) return;
  active_ = 0;
  // A gateway that runs its own link is trying to come up: unknown yet, so usable.
  for (gateway& g : gateways_)
    g.state = g.spec.reports_itself ? gateway_state::connecting : gateway_state::idle;
  connect(0);
}

void link_supervisor::connect(std::size_t g) {
  gateways_[g].state = gateway_state::connecting;
  gateways_[g].was_up = false;
  if (driven(g)) actions_.push_back({link_action::kind::connect, g});
}

void link_supervisor::switch_to(std::size_t g, time_point now) {
  if (g == active_) return;
  active_ = g;
  actions_.push_back({link_action::kind::switch_to, g});
  // Away from the primary: it is probed while the other gateway carries (a primary that runs its
  // own link probes itself, by reconnecting).
  if (g != 0) {
    if (gateways_[0].state != gateway_state::up) gateways_[0].state = gateway_state::probing;
    probe_at_ = probed(0) && gateways_[g].state == gateway_state::up
                    ? now + settings_.probe_interval
                    : time_point::max();
  } else {
    probe_at_ = time_point::max();
  }
}

void link_supervisor::back_off(time_point now, bool at_cap) {
  last_delay_ = at_cap ? backoff_.at_cap() : backoff_.next();
  retry_at_ = now + last_delay_;
  gateways_[0].state = gateway_state::backing_off;
}

void link_supervisor::on_up(std::size_t g, time_point now) {
  if (g >= gateways_.size()) return;
  gateway& gw = gateways_[g];
  gw.state = gateway_state::up;
  gw.was_up = true;
  // A gateway took us: the next back-off starts small again.
  backoff_.reset();
  if (g == 0) {
    retry_at_ = time_point::max();
    if (active_ != 0) {
      // The primary is back (it reported itself up): it carries again.
      const std::size_t left = active_;
      switch_to(0, now);
      if (driven(left)) {
        gateways_[left].state = gateway_state::idle;
        actions_.push_back({link_action::kind::close, left});
      }
    }
    return;
  }
  if (g == active_) {
    // A failover carries: probe the primary from now on.
    if (probed(0)) probe_at_ = now + settings_.probe_interval;
    return;
  }
  // A standby came up while the active gateway carries nothing: it carries.
  const gateway_state a = gateways_[active_].state;
  if (a != gateway_state::up && a != gateway_state::connecting) {
    const std::size_t left = active_;
    switch_to(g, now);
    if (left != 0 && driven(left)) gateways_[left].state = gateway_state::idle;
    if (probed(0)) probe_at_ = now + settings_.probe_interval;
  }
}

void link_supervisor::on_down(std::size_t g, time_point now, bool credentials_refused) {
  if (g >= gateways_.size()) return;
  gateway& gw = gateways_[g];
  const bool was_up = std::exchange(gw.was_up, false);
  if (gw.state == gateway_state::draining) {
    // The link we were leaving is closed: the gateway that carries now takes it.
    gw.state = gateway_state::idle;
    leave_at_ = time_point::max();
    if (driven(active_) && gateways_[active_].state == gateway_state::idle) connect(active_);
    return;
  }
  if (g != active_) {
    if (g == 0)
      gw.state = gateway_state::probing;
    else
      gw.state = driven(g) ? gateway_state::idle : gateway_state::backing_off;
    return;
  }
  // A gateway that runs its own link is trying again on its own.
  gw.state = driven(g) ? gateway_state::idle : gateway_state::backing_off;
  if (!was_up || settings_.switch_on_loss) {
    for (std::size_t c = g + 1; c < gateways_.size(); ++c) {
      const gateway_state s = gateways_[c].state;
      if (s == gateway_state::backing_off || s == gateway_state::probing) continue;
      switch_to(c, now);
      if (driven(c) && s != gateway_state::up)
        connect(c);
      else if (s == gateway_state::up && probed(0))
        probe_at_ = now + settings_.probe_interval;
      return;
    }
  }
  // Nothing left to try at once: the primary, after the back-off.
  switch_to(0, now);
  if (driven(0))
    back_off(now, credentials_refused);
  else if (gateways_[0].state != gateway_state::up)
    gateways_[0].state = gateway_state::backing_off;
}

void link_supervisor::on_probe_result(std::size_t g, bool ok, time_point now) {
  if (g != 0 || active_ == 0 || gateways_.empty()) return;
  if (!ok) {
    gateways_[0].state = gateway_state::probing;
    probe_at_ = now + settings_.probe_interval;
    return;
  }
  // The primary takes binds again: new submissions go to it; the failover's link is closed
  // (the shell lets its answers come in first) and the primary's opened.
  const std::size_t left = active_;
  switch_to(0, now);
  backoff_.reset();
  if (settings_.one_link && driven(left) && gateways_[left].state == gateway_state::up) {
    // One link: the primary is connected once the carrier's link is drained and closed.
    gateways_[left].state = gateway_state::draining;
    gateways_[0].state = gateway_state::idle;
    draining_ = left;
    leave_at_ = now + settings_.drain_limit;
    actions_.push_back({link_action::kind::drain, left});
    return;
  }
  if (driven(left)) {
    gateways_[left].state = gateway_state::idle;
    actions_.push_back({link_action::kind::close, left});
  }
  connect(0);
}

void link_supervisor::leave(std::size_t g) {
  leave_at_ = time_point::max();
  actions_.push_back({link_action::kind::close, g});
}

void link_supervisor::on_drained(std::size_t g, time_point) {
  if (g >= gateways_.size() || gateways_[g].state != gateway_state::draining ||
      leave_at_ == time_point::max())
    return;
  leave(g);
}

void link_supervisor::on_tick(time_point now) {
  if (gateways_.empty()) return;
  if (now >= leave_at_) leave(draining_);  // drained or not: the drain limit is over
  if (driven(0) && active_ == 0 && gateways_[0].state == gateway_state::backing_off &&
      now >= retry_at_) {
    retry_at_ = time_point::max();
    connect(0);
    return;
  }
  if (probed(0) && active_ != 0 && gateways_[active_].state == gateway_state::up &&
      gateways_[0].state == gateway_state::probing && now >= probe_at_) {
    probe_at_ = time_point::max();  // until its result
    actions_.push_back({link_action::kind::probe, 0});
  }
}

link_supervisor::time_point link_supervisor::next_deadline() const noexcept {
  if (gateways_.empty()) return time_point::max();
  if (active_ == 0)
    return std::min(leave_at_, driven(0) && gateways_[0].state == gateway_state::backing_off
                                   ? retry_at_
                                   : time_point::max());
  return probed(0) && gateways_[active_].state == gateway_state::up &&
                 gateways_[0].state == gateway_state::probing
             ? probe_at_
             : time_point::max();
}

std::vector<link_action> link_supervisor::take_actions() {
  std::vector<link_action> out;
  out.swap(actions_);
  return out;
}

}  // namespace smsdrv::channel
