// link_supervisor with fake time: which gateway carries, and the actions it asks for.
#include "channel/link_supervisor.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::channel;
using namespace std::chrono_literals;
using kind = link_action::kind;
using time_point = link_supervisor::time_point;

namespace {

supervisor_settings settings(bool switch_on_loss = false) {
  supervisor_settings s;
  s.probe_interval = 30s;
  s.backoff_initial = 1s;
  s.backoff_cap = 60s;
  s.seed = 7;
  s.switch_on_loss = switch_on_loss;
  return s;
}

std::vector<link_action> acts(std::initializer_list<link_action> a) {
  return a;
}

}  // namespace

TEST_CASE("link_supervisor: primary unreachable -> the secondary at once; probe; return") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"primary:2775"}, {"secondary:2775"}}, settings());
  s.start(now);
  CHECK(s.take_actions() == acts({{kind::connect, 0}}));
  CHECK(s.active() == 0);
  CHECK(s.state(0) == gateway_state::connecting);

  // The primary cannot be reached: the secondary carries, connected at once.
  s.on_down(0, now);
  CHECK(s.take_actions() == acts({{kind::switch_to, 1}, {kind::connect, 1}}));
  CHECK(s.active() == 1);
  CHECK(s.state(0) == gateway_state::probing);
  CHECK(s.next_deadline() == time_point::max());  // no probe before the secondary is up

  now += 100ms;
  s.on_up(1, now);
  CHECK(s.take_actions().empty());
  CHECK(s.next_deadline() == now + 30s);

  // Not yet time to probe.
  s.on_tick(now + 29s);
  CHECK(s.take_actions().empty());
  now += 30s;
  s.on_tick(now);
  CHECK(s.take_actions() == acts({{kind::probe, 0}}));
  CHECK(s.next_deadline() == time_point::max());  // waiting for the probe

  // The probe fails: the next one an interval later, the secondary still carries.
  s.on_probe_result(0, false, now);
  CHECK(s.take_actions().empty());
  CHECK(s.active() == 1);
  CHECK(s.next_deadline() == now + 30s);

  now += 30s;
  s.on_tick(now);
  CHECK(s.take_actions() == acts({{kind::probe, 0}}));
  s.on_probe_result(0, true, now);
  CHECK(s.take_actions() == acts({{kind::switch_to, 0}, {kind::close, 1}, {kind::connect, 0}}));
  CHECK(s.active() == 0);
  CHECK(s.state(1) == gateway_state::idle);
  CHECK(s.state(0) == gateway_state::connecting);
  s.on_up(0, now + 10ms);
  CHECK(s.take_actions().empty());
  CHECK(s.state(0) == gateway_state::up);
  CHECK(s.next_deadline() == time_point::max());
}

TEST_CASE("link_supervisor: a link lost after it was up is tried again after the back-off") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"primary"}, {"secondary"}}, settings());
  s.start(now);
  s.take_actions();
  s.on_up(0, now);
  now += 5s;
  s.on_down(0, now);
  // No move to the secondary: the primary again, after a back-off of at most 1 s.
  CHECK(s.take_actions().empty());
  CHECK(s.active() == 0);
  CHECK(s.state(0) == gateway_state::backing_off);
  CHECK(s.last_delay() <= 1s);
  CHECK(s.last_delay() >= 750ms);
  CHECK(s.next_deadline() == now + s.last_delay());
  s.on_tick(now + s.last_delay() - 1ms);
  CHECK(s.take_actions().empty());
  s.on_tick(now + s.last_delay());
  CHECK(s.take_actions() == acts({{kind::connect, 0}}));
}

TEST_CASE("link_supervisor: every gateway down -> back off from the primary, growing, capped") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"primary"}, {"secondary"}}, settings());
  s.start(now);
  s.take_actions();
  std::chrono::milliseconds previous{0};
  for (int round = 0; round < 10; ++round) {
    s.on_down(0, now);
    CHECK(s.take_actions() == acts({{kind::switch_to, 1}, {kind::connect, 1}}));
    s.on_down(1, now);
    CHECK(s.take_actions() == acts({{kind::switch_to, 0}}));
    CHECK(s.active() == 0);
    CHECK(s.state(0) == gateway_state::backing_off);
    CHECK(s.last_delay() <= 60s);
    if (round < 4) CHECK(s.last_delay() > previous);  // doubles, less up to 25 % jitter
    previous = s.last_delay();
    now = s.next_deadline();
    s.on_tick(now);
    CHECK(s.take_actions() == acts({{kind::connect, 0}}));
  }
  CHECK(previous >= 45s);  // at the cap, less the jitter
  // Refused credentials: straight to the cap.
  s.on_up(0, now);
  s.on_down(0, now, /*credentials_refused=*/true);
  CHECK(s.take_actions().empty());
  CHECK(s.last_delay() >= 45s);
}

TEST_CASE("link_supervisor: gateways that report themselves (failover to another channel)") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"channel-a", true, true}, {"channel-b", true, true}},
                    settings(/*switch_on_loss=*/true));
  s.start(now);
  // Nothing to connect: each channel runs its own link.
  CHECK(s.take_actions().empty());
  CHECK(s.active() == 0);
  s.on_up(1, now);
  CHECK(s.take_actions().empty());
  s.on_up(0, now);
  CHECK(s.take_actions().empty());

  // The primary's link is lost under load: the other channel carries at once.
  now += 1s;
  s.on_down(0, now);
  CHECK(s.take_actions() == acts({{kind::switch_to, 1}}));
  CHECK(s.state(0) == gateway_state::probing);
  CHECK(s.next_deadline() == time_point::max());  // the primary probes itself (reconnects)
  // Its reconnects fail: still on the failover.
  s.on_down(0, now + 2s);
  CHECK(s.take_actions().empty());
  CHECK(s.active() == 1);
  // It is back: it carries again; nothing to close (the other channel stays as it is).
  s.on_up(0, now + 5s);
  CHECK(s.take_actions() == acts({{kind::switch_to, 0}}));
  CHECK(s.active() == 0);
  CHECK(s.state(1) == gateway_state::up);

  SECTION("both down: the primary keeps the requests (it queues them); the first up carries") {
    s.on_down(1, now + 6s);
    CHECK(s.take_actions().empty());
    s.on_down(0, now + 7s);
    CHECK(s.take_actions().empty());  // the failover is known down: stay
    CHECK(s.active() == 0);
    CHECK(s.state(0) == gateway_state::backing_off);
    s.on_up(1, now + 8s);
    CHECK(s.take_actions() == acts({{kind::switch_to, 1}}));
    s.on_up(0, now + 9s);
    CHECK(s.take_actions() == acts({{kind::switch_to, 0}}));
  }
  SECTION("the failover goes down while it carries: back to the primary, which queues") {
    s.on_down(0, now + 6s);
    CHECK(s.take_actions() == acts({{kind::switch_to, 1}}));
    s.on_down(1, now + 7s);
    CHECK(s.take_actions() == acts({{kind::switch_to, 0}}));
    CHECK(s.active() == 0);
  }
}

TEST_CASE("link_supervisor: a secondary that fails before it is up -> the primary after back-off") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"a"}, {"b"}, {"c"}}, settings());
  s.start(now);
  s.take_actions();
  s.on_down(0, now);
  CHECK(s.take_actions() == acts({{kind::switch_to, 1}, {kind::connect, 1}}));
  s.on_down(1, now);
  // In order: the third gateway next.
  CHECK(s.take_actions() == acts({{kind::switch_to, 2}, {kind::connect, 2}}));
  s.on_up(2, now);
  CHECK(s.next_deadline() == now + 30s);
  // Lost after it was up: the primary, after the back-off.
  s.on_down(2, now + 1s);
  CHECK(s.take_actions() == acts({{kind::switch_to, 0}}));
  CHECK(s.state(0) == gateway_state::backing_off);
  CHECK(s.state(2) == gateway_state::idle);
}

TEST_CASE("link_supervisor: a primary that reports itself but is probed (an HTTP channel)") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"channel-web", true, false}, {"channel-smpp", true, true}},
                    settings(/*switch_on_loss=*/true));
  s.start(now);
  CHECK(s.take_actions().empty());
  s.on_up(1, now);
  s.on_down(0, now);
  CHECK(s.take_actions() == acts({{kind::switch_to, 1}}));
  // Nothing else tries it while the other channel carries: the supervisor probes it.
  CHECK(s.next_deadline() == now + 30s);
  now += 30s;
  s.on_tick(now);
  CHECK(s.take_actions() == acts({{kind::probe, 0}}));
  s.on_probe_result(0, false, now);
  CHECK(s.active() == 1);
  CHECK(s.next_deadline() == now + 30s);
  now += 30s;
  s.on_tick(now);
  CHECK(s.take_actions() == acts({{kind::probe, 0}}));
  s.on_probe_result(0, true, now);
  // Back to it; nothing to connect or close (each channel runs its own link).
  CHECK(s.take_actions() == acts({{kind::switch_to, 0}}));
  CHECK(s.state(0) == gateway_state::connecting);
  // It fails again at once (its first request cannot reach it): the failover again.
  s.on_down(0, now + 1s);
  CHECK(s.take_actions() == acts({{kind::switch_to, 1}}));
  CHECK(s.next_deadline() == now + 1s + 30s);
}

TEST_CASE("link_supervisor: one link: the carrier drains before the primary is connected") {
  time_point now{std::chrono::hours(10)};
  supervisor_settings cfg = settings();
  cfg.one_link = true;
  cfg.drain_limit = 5s;
  link_supervisor s({{"primary"}, {"secondary"}}, cfg);
  s.start(now);
  s.take_actions();
  s.on_down(0, now);
  CHECK(s.take_actions() == acts({{kind::switch_to, 1}, {kind::connect, 1}}));
  s.on_up(1, now);
  now += 30s;
  s.on_tick(now);
  CHECK(s.take_actions() == acts({{kind::probe, 0}}));
  s.on_probe_result(0, true, now);
  // New submissions are for the primary; the secondary keeps its link until it is drained.
  CHECK(s.take_actions() == acts({{kind::switch_to, 0}, {kind::drain, 1}}));
  CHECK(s.active() == 0);
  CHECK(s.state(1) == gateway_state::draining);
  CHECK(s.state(0) == gateway_state::idle);
  CHECK(s.next_deadline() == now + 5s);

  SECTION("drained: closed at once; the primary connected once the link is down") {
    now += 1s;
    s.on_drained(1, now);
    CHECK(s.take_actions() == acts({{kind::close, 1}}));
    CHECK(s.next_deadline() == time_point::max());
    s.on_drained(1, now);  // asked once
    s.on_tick(now + 10s);
    CHECK(s.take_actions().empty());
    s.on_down(1, now);
    CHECK(s.take_actions() == acts({{kind::connect, 0}}));
    CHECK(s.state(1) == gateway_state::idle);
    CHECK(s.state(0) == gateway_state::connecting);
    s.on_up(0, now);
    CHECK(s.take_actions().empty());
    CHECK(s.next_deadline() == time_point::max());
  }
  SECTION("not drained within the limit: closed all the same") {
    s.on_tick(now + 5s - 1ms);
    CHECK(s.take_actions().empty());
    s.on_tick(now + 5s);
    CHECK(s.take_actions() == acts({{kind::close, 1}}));
    s.on_drained(1, now + 5s);
    CHECK(s.take_actions().empty());
    s.on_down(1, now + 5s);
    CHECK(s.take_actions() == acts({{kind::connect, 0}}));
  }
  SECTION("the carrier's link drops while it drains: the primary at once, no back-off") {
    s.on_down(1, now + 1s);
    CHECK(s.take_actions() == acts({{kind::connect, 0}}));
    CHECK(s.active() == 0);
    CHECK(s.next_deadline() == time_point::max());
  }
}

TEST_CASE("link_supervisor: without one link, a probe that succeeds closes the carrier at once") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"primary"}, {"secondary"}}, settings());
  s.start(now);
  s.take_actions();
  s.on_down(0, now);
  s.on_up(1, now);
  s.take_actions();
  s.on_tick(now + 30s);
  CHECK(s.take_actions() == acts({{kind::probe, 0}}));
  s.on_probe_result(0, true, now + 30s);
  CHECK(s.take_actions() == acts({{kind::switch_to, 0}, {kind::close, 1}, {kind::connect, 0}}));
}

TEST_CASE("link_supervisor: a failover that comes up resets the back-off") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"primary"}, {"secondary"}}, settings());
  s.start(now);
  s.take_actions();
  for (int round = 0; round < 6; ++round) {
    s.on_down(0, now);
    s.on_down(1, now);
    now = s.next_deadline();
    s.on_tick(now);
  }
  s.take_actions();
  // Both fail again: the back-off has grown well past its start.
  s.on_down(0, now);
  s.on_up(1, now);
  s.take_actions();
  // The secondary carried, then was lost: the primary after a back-off that starts again.
  s.on_down(1, now + 1s);
  CHECK(s.take_actions() == acts({{kind::switch_to, 0}}));
  CHECK(s.last_delay() <= 1s);
}

TEST_CASE("link_supervisor: credentials refused by the last gateway: the back-off at its cap") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"primary"}, {"secondary"}}, settings());
  s.start(now);
  s.take_actions();
  // The primary refuses the bind: that is no reason to wait; the secondary at once.
  s.on_down(0, now, /*credentials_refused=*/true);
  CHECK(s.take_actions() == acts({{kind::switch_to, 1}, {kind::connect, 1}}));
  // The secondary refuses it too: not hammered, the primary at the cap.
  s.on_down(1, now, /*credentials_refused=*/true);
  CHECK(s.take_actions() == acts({{kind::switch_to, 0}}));
  CHECK(s.last_delay() >= 45s);
  CHECK(s.next_deadline() == now + s.last_delay());
}

TEST_CASE("link_supervisor: one gateway (an HTTP channel): back off, try again, reset when up") {
  time_point now{std::chrono::hours(10)};
  link_supervisor s({{"https://api.example.com:443"}}, settings());
  s.start(now);
  CHECK(s.take_actions() == acts({{kind::connect, 0}}));
  // Never reached: back off; each failed try waits longer; no probe, no switch.
  std::chrono::milliseconds previous{0};
  for (int round = 0; round < 4; ++round) {
    s.on_down(0, now);
    CHECK(s.take_actions().empty());
    CHECK(s.state(0) == gateway_state::backing_off);
    CHECK(s.last_delay() > previous);
    previous = s.last_delay();
    now = s.next_deadline();
    s.on_tick(now);
    CHECK(s.take_actions() == acts({{kind::connect, 0}}));
    CHECK(s.next_deadline() == time_point::max());  // until the try's result
  }
  s.on_up(0, now);
  CHECK(s.take_actions().empty());
  s.on_down(0, now + 1s);
  CHECK(s.last_delay() <= 1s);
}
