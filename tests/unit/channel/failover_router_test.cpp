// failover_router with fake time: which channel carries, the switch events, and the RESPONSE of
// a request handed over going back to its channel exactly once.
#include "channel/failover_router.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace std::chrono_literals;

namespace {

using time_point = failover_router::time_point;

channel_event state_event(std::string_view state, std::int32_t status) {
  channel_event e;
  e.type = SMSDRV_EVENT_CHANNEL_STATE;
  e.status = status;
  e.attrs.emplace_back(attr::state, std::string(state));
  return e;
}

channel_event response(std::uint64_t id) {
  channel_event e;
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = id;
  return e;
}

std::string attr_of(const channel_event& e, std::string_view key) {
  for (const auto& [k, v] : e.attrs)
    if (k == key) return v;
  return "<absent>";
}

struct world {
  failover_router router;
  time_point now{std::chrono::hours(3)};
  std::vector<failover_router::origin_events> switches, handed_back;

  // Events of `channel` as they go to the host (what the router left in them).
  std::vector<channel_event> pass(const std::string& channel, std::vector<channel_event> events) {
    router.observe(channel, events, now, switches, handed_back);
    return events;
  }
  std::string carrier(const std::string& channel) const {
    const std::string* c = router.carrier(channel);
    return c ? *c : channel;
  }
};

}  // namespace

TEST_CASE("failover_router: the other channel carries while the own gateway is down") {
  world w;
  w.router.add_route("channel-smpp", "channel-http", /*probes_itself=*/true, 30s, w.now);
  CHECK_FALSE(w.router.probes());
  CHECK_FALSE(w.router.empty());
  CHECK(w.carrier("channel-smpp") == "channel-smpp");
  CHECK(w.carrier("channel-http") == "channel-http");  // no route of its own

  // Bound: nothing changes; the event says which gateway is in use.
  auto passed = w.pass("channel-smpp", {state_event("bound", SMSDRV_OK)});
  REQUIRE(passed.size() == 1);
  CHECK(attr_of(passed[0], attr::gateway_in_use) == "channel-smpp");
  CHECK(w.switches.empty());

  // An SMPP channel moving to its own secondary SMSC is not down.
  w.pass("channel-smpp", {state_event("failover", SMSDRV_E_CHANNEL_DOWN)});
  w.pass("channel-smpp", {state_event("bind-failed", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(w.carrier("channel-smpp") == "channel-smpp");
  CHECK(w.switches.empty());

  // Down: the HTTP channel carries at once; one switch event of channel-smpp.
  passed = w.pass("channel-smpp", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(attr_of(passed[0], attr::gateway_in_use) == "channel-http");
  CHECK(w.carrier("channel-smpp") == "channel-http");
  REQUIRE(w.switches.size() == 1);
  CHECK(*w.switches[0].origin == "channel-smpp");
  CHECK(attr_of(w.switches[0].event, attr::state) == "failover-channel");
  CHECK(attr_of(w.switches[0].event, attr::gateway_in_use) == "channel-http");
  CHECK(w.switches[0].event.status == SMSDRV_OK);
  w.switches.clear();

  // Requests handed over: their RESPONSE events leave channel-http's batch, once each.
  w.router.remember(41, "channel-smpp");
  w.router.remember(42, "channel-smpp");
  CHECK(w.router.handed_over() == 2);
  passed = w.pass("channel-http",
                  {response(7), response(41), state_event("ready", SMSDRV_OK), response(42)});
  REQUIRE(passed.size() == 2);
  CHECK(passed[0].request_id == 7);
  CHECK(passed[1].type == SMSDRV_EVENT_CHANNEL_STATE);
  REQUIRE(w.handed_back.size() == 2);
  CHECK(w.handed_back[0].event.request_id == 41);
  CHECK(w.handed_back[1].event.request_id == 42);
  CHECK(*w.handed_back[0].origin == "channel-smpp");
  CHECK(attr_of(w.handed_back[0].event, attr::carried_by) == "channel-http");
  CHECK(w.router.handed_over() == 0);
  // A second RESPONSE with the same id (there is none; if there were) stays the carrier's.
  w.handed_back.clear();
  passed = w.pass("channel-http", {response(41)});
  CHECK(passed.size() == 1);
  CHECK(w.handed_back.empty());

  // Still down (a reconnect failed): no new switch.
  w.pass("channel-smpp", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(w.switches.empty());
  CHECK(w.carrier("channel-smpp") == "channel-http");

  // Back: its own gateway carries again.
  w.now += 5s;
  passed = w.pass("channel-smpp", {state_event("bound", SMSDRV_OK)});
  CHECK(w.carrier("channel-smpp") == "channel-smpp");
  REQUIRE(w.switches.size() == 1);
  CHECK(attr_of(w.switches[0].event, attr::state) == "own-gateway");
  CHECK(attr_of(w.switches[0].event, attr::gateway_in_use) == "channel-smpp");
  CHECK(attr_of(passed[0], attr::gateway_in_use) == "channel-smpp");
}

TEST_CASE("failover_router: a failover channel known down is not used; the first up carries") {
  world w;
  w.router.add_route("channel-http", "channel-smpp", /*probes_itself=*/false, 30s, w.now);
  CHECK(w.router.probes());
  w.pass("channel-smpp", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  w.pass("channel-http", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(w.carrier("channel-http") == "channel-http");  // both down: its own queue waits
  CHECK(w.switches.empty());
  w.pass("channel-smpp", {state_event("bound", SMSDRV_OK)});
  CHECK(w.carrier("channel-http") == "channel-smpp");
  REQUIRE(w.switches.size() == 1);
  CHECK(attr_of(w.switches[0].event, attr::state) == "failover-channel");
  w.switches.clear();
  // The failover goes down while it carries: back to the own gateway (which queues).
  w.pass("channel-smpp", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(w.carrier("channel-http") == "channel-http");
  REQUIRE(w.switches.size() == 1);
  CHECK(attr_of(w.switches[0].event, attr::state) == "own-gateway");
  CHECK(w.switches[0].event.text.find("down too") != std::string::npos);
}

TEST_CASE("failover_router: no route, nothing moves") {
  world w;
  CHECK(w.router.empty());
  auto passed = w.pass("channel-a", {response(1), state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(passed.size() == 2);
  CHECK(w.carrier("channel-a") == "channel-a");
  w.router.remember(1, "channel-a");  // not a channel with a route: not remembered
  CHECK(w.router.handed_over() == 0);
}

TEST_CASE("failover_router: an HTTP channel's gateway is probed while the other channel carries") {
  world w;
  w.router.add_route("channel-http", "channel-smpp", /*probes_itself=*/false, 10s, w.now);
  w.pass("channel-smpp", {state_event("bound", SMSDRV_OK)});
  w.pass("channel-http", {state_event("ready", SMSDRV_OK)});
  std::vector<const std::string*> probe;
  w.router.tick(w.now + 1h, probe);
  CHECK(probe.empty());  // its own gateway carries: nothing to probe

  w.pass("channel-http", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(w.carrier("channel-http") == "channel-smpp");
  w.switches.clear();
  w.router.tick(w.now + 9s, probe);
  CHECK(probe.empty());
  w.router.tick(w.now + 10s, probe);
  REQUIRE(probe.size() == 1);
  CHECK(*probe[0] == "channel-http");
  probe.clear();
  // One probe at a time: none while its result is awaited.
  w.router.tick(w.now + 15s, probe);
  CHECK(probe.empty());
  w.router.on_probe_result("channel-http", false, w.now + 15s, w.switches);
  CHECK(w.switches.empty());
  CHECK(w.carrier("channel-http") == "channel-smpp");
  w.router.tick(w.now + 25s, probe);
  REQUIRE(probe.size() == 1);
  probe.clear();
  w.router.on_probe_result("channel-http", true, w.now + 25s, w.switches);
  CHECK(w.carrier("channel-http") == "channel-http");
  REQUIRE(w.switches.size() == 1);
  CHECK(attr_of(w.switches[0].event, attr::state) == "own-gateway");
  CHECK(attr_of(w.switches[0].event, attr::gateway_in_use) == "channel-http");
}
