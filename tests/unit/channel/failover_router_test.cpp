// failover_router with fake time: which channel carries, the switch events, and the RESPONSE of
// a request handed over going back to its channel exactly once.
#include "channel/failover_router.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <memory>

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
  // The channels configured, each under a key of its own (the driver's channel entry).
  std::map<std::string, std::unique_ptr<std::string>> keys;

  world() {
    for (const char* name : {"channel-smpp", "channel-http", "channel-a"})
      configure(name);
  }
  failover_router::channel_key configure(const std::string& name) {
    keys[name] = std::make_unique<std::string>(name);
    router.set_channel(name, keys[name].get());
    return keys[name].get();
  }
  static std::string name_of(failover_router::channel_key key) {
    return *static_cast<const std::string*>(key);
  }

  // Events of `channel` as they go to the host (what the router left in them).
  std::vector<channel_event> pass(const std::string& channel, std::vector<channel_event> events) {
    router.observe(channel, events, now, switches, handed_back);
    return events;
  }
  std::string carrier(const std::string& channel) const {
    const failover_router::channel_key c = router.carrier(channel);
    return c ? name_of(c) : channel;
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

  // An SMPP channel moving to its own secondary SMSC is not down, nor one that lost its primary
  // link with its own secondary still to try.
  w.pass("channel-smpp", {state_event("failover", SMSDRV_E_CHANNEL_DOWN)});
  w.pass("channel-smpp", {state_event("bind-failed", SMSDRV_E_CHANNEL_DOWN)});
  channel_event pending = state_event("down", SMSDRV_E_CHANNEL_DOWN);
  pending.attrs.emplace_back(attr::secondary_pending, "true");
  w.pass("channel-smpp", {pending});
  CHECK(w.carrier("channel-smpp") == "channel-smpp");
  CHECK(w.switches.empty());

  // Down: the HTTP channel carries at once; one switch event of channel-smpp.
  passed = w.pass("channel-smpp", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(attr_of(passed[0], attr::gateway_in_use) == "channel-http");
  CHECK(w.carrier("channel-smpp") == "channel-http");
  REQUIRE(w.switches.size() == 1);
  CHECK(w.name_of(w.switches[0].origin) == "channel-smpp");
  // The switch names the channel that takes the queued requests; both are held until delivered.
  REQUIRE(w.switches[0].carrier != nullptr);
  CHECK(w.name_of(w.switches[0].carrier) == "channel-http");
  CHECK(w.router.holds(w.keys["channel-smpp"].get()));
  CHECK(w.router.holds(w.keys["channel-http"].get()));
  w.router.hold(w.switches[0].carrier);  // the move of the queued requests outlives the push
  w.router.delivered(w.switches);
  CHECK_FALSE(w.router.holds(w.keys["channel-smpp"].get()));
  CHECK(w.router.holds(w.keys["channel-http"].get()));
  w.router.release(w.switches[0].carrier);
  CHECK_FALSE(w.router.holds(w.keys["channel-http"].get()));
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
  CHECK(w.name_of(w.handed_back[0].origin) == "channel-smpp");
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
  w.router.add_route("channel-http", "channel-smpp", /*probes_itself=*/false, 10s, w.now,
                     {"gateway.example", 8080, 2s});
  w.pass("channel-smpp", {state_event("bound", SMSDRV_OK)});
  w.pass("channel-http", {state_event("ready", SMSDRV_OK)});
  std::vector<failover_router::probe_due> probe;
  w.router.tick(w.now + 1h, probe);
  CHECK(probe.empty());  // its own gateway carries: nothing to probe

  w.pass("channel-http", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(w.carrier("channel-http") == "channel-smpp");
  w.switches.clear();
  w.router.tick(w.now + 9s, probe);
  CHECK(probe.empty());
  w.router.tick(w.now + 10s, probe);
  REQUIRE(probe.size() == 1);
  CHECK(*probe[0].channel == "channel-http");
  CHECK(probe[0].address.host == "gateway.example");
  CHECK(probe[0].address.port == 8080);
  CHECK(probe[0].address.timeout == 2s);
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
  CHECK(w.switches[0].carrier == nullptr);  // back: nothing moves
  CHECK(attr_of(w.switches[0].event, attr::gateway_in_use) == "channel-http");
}

TEST_CASE("failover_router: a target that is not configured is refused with a warning once") {
  world w;
  w.router.add_route("channel-a", "channel-missing", /*probes_itself=*/true, 30s, w.now);
  CHECK_FALSE(w.router.target_known("channel-missing"));
  CHECK(w.router.target_known("channel-a"));

  // Down: no channel to hand over to; the channel keeps its requests; one warning.
  auto passed = w.pass("channel-a", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(w.carrier("channel-a") == "channel-a");
  CHECK(attr_of(passed[0], attr::gateway_in_use) == "channel-a");
  REQUIRE(w.switches.size() == 1);
  CHECK(w.switches[0].warning);
  CHECK(w.switches[0].origin == nullptr);
  CHECK(*w.switches[0].name == "channel-a");
  const std::string& text = w.switches[0].event.text;
  CHECK(text.find("x-failover-channel = channel-missing") != std::string::npos);
  CHECK(text.find("names no configured channel") != std::string::npos);
  CHECK(text.find("[channel-a]") != std::string::npos);
  w.switches.clear();
  // Still down: no second warning for the same switch.
  w.pass("channel-a", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  CHECK(w.switches.empty());
  // Back: nothing was handed over, nothing to announce.
  w.pass("channel-a", {state_event("bound", SMSDRV_OK)});
  CHECK(w.switches.empty());
  // Down again: a new switch, a new warning.
  w.pass("channel-a", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  REQUIRE(w.switches.size() == 1);
  CHECK(w.switches[0].warning);
  w.switches.clear();

  // Configured later (a later section of the same file): it carries from now on.
  w.configure("channel-missing");
  CHECK(w.router.target_known("channel-missing"));
  CHECK(w.carrier("channel-a") == "channel-missing");
}

TEST_CASE("failover_router: a handed-over request of a removed channel stays the carrier's") {
  world w;
  w.router.add_route("channel-smpp", "channel-http", /*probes_itself=*/true, 30s, w.now);
  w.pass("channel-smpp", {state_event("down", SMSDRV_E_CHANNEL_DOWN)});
  w.router.delivered(w.switches);
  w.switches.clear();
  w.router.remember(5, "channel-smpp");
  w.router.remember(6, "channel-smpp");
  // Replaced: the new instance answers; removed: the carrier answers as itself.
  const auto renewed = w.configure("channel-smpp");
  auto passed = w.pass("channel-http", {response(5)});
  CHECK(passed.empty());
  REQUIRE(w.handed_back.size() == 1);
  CHECK(w.handed_back[0].origin == renewed);
  CHECK(w.router.holds(renewed));
  w.router.delivered(w.handed_back);
  CHECK_FALSE(w.router.holds(renewed));
  w.handed_back.clear();
  w.router.remove_route("channel-smpp");
  w.router.drop_channel("channel-smpp");
  CHECK_FALSE(w.router.empty());  // request 6 is still out
  passed = w.pass("channel-http", {response(6)});
  REQUIRE(passed.size() == 1);
  CHECK(passed[0].request_id == 6);
  CHECK(w.handed_back.empty());
  CHECK(w.router.handed_over() == 0);
  CHECK(w.router.empty());
}
