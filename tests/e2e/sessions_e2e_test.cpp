// A channel of several binds (x-smpp-sessions, docs/scaling.md) against smsc-sim enforcing an
// account's limits over every bind of its system_id (--account-limit): requests spread over the
// binds, one response each, the channel's rate over all of them, inbound messages and the parts
// of a long one arriving on different binds, a bind lost, binds beyond the account's limit.
#include "account_fixture.hpp"

using namespace smsdrv::test;

namespace {

struct stack {
  smsc_process smsc;
  dms_host dms;

  stack(std::vector<std::string> sim_flags, const std::string& extra, int bound_wanted)
      : smsc([&] {
          std::vector<std::string> argv{SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0",
                                        "--account", "e2e:e2e-pw"};
          argv.insert(argv.end(), sim_flags.begin(), sim_flags.end());
          return argv;
        }()),
        dms(account_section(smsc.port, extra)) {
    REQUIRE(until([&](const json_line& j) {
      return j.str("event") == "channel-state" &&
             j.str("attributes", "sessionsBound") == std::to_string(bound_wanted);
    }));
  }

  bool read(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return read_all_until({{smsc.proc.get(), &smsc.events}, {dms.proc.get(), &dms.out}}, done,
                          timeout);
  }
  // The first line of dms-stub that satisfies pred, waiting up to `timeout` for it.
  std::optional<json_line> until(const std::function<bool(const json_line&)>& pred,
                                 std::chrono::milliseconds timeout = 20s) {
    read([&] { return dms.has(pred); }, timeout);
    return dms.first(pred);
  }
  // Reads until `n` distinct requests have a response, then for `settle` more.
  std::map<std::string, int> responses(std::size_t n, std::chrono::milliseconds settle = 300ms) {
    read([&] { return dms.responses().size() >= n; }, 60s);
    read([] { return false; }, settle);
    return dms.responses();
  }
  std::size_t submits_seen(std::size_t n) {
    read([&] { return smsc.count("submit_sm") >= n; }, 30s);
    return smsc.count("submit_sm");
  }
};

std::string options(int sessions, int rate, const std::string& more = {}) {
  return "x-smpp-sessions = " + std::to_string(sessions) +
         "\nx-smpp-submit-max-rate = " + std::to_string(rate) + "\n" + more;
}

}  // namespace

TEST_CASE("three binds: requests spread over them, one response each, the channel's rate") {
  // The channel sends 150/s over 3 binds. The simulator reads the 3 sockets in its own order
  // and time, so it counts a sliding second a little differently from the channel's clock on a
  // busy machine: the account allows 180/s, and the busiest second it saw is checked against
  // 150 + 10 %. (Three binds each at 150/s would show 450.)
  stack s({"--account-limit", "e2e:binds=3,rate=180"}, options(3, 150), 3);
  std::set<std::string> binds_seen;
  for (const auto& j : s.dms.out)
    if (is_state(j, "bound")) binds_seen.insert(j.str("attributes", "session"));
  CHECK(binds_seen == std::set<std::string>{"1", "2", "3"});
  const int n = 300;
  s.dms.send_many("m", n);
  const auto r = s.responses(n);
  CHECK(r.size() == n);
  for (const auto& [id, count] : r)
    CHECK(count == 1);
  CHECK(s.dms.ok_responses() == n);
  const std::size_t seen = s.submits_seen(n);
  if (seen != n)
    for (const auto& e : s.smsc.events)
      if (e.str("event") == "submit_sm" && e.str("status") != "ESME_ROK") WARN(e.text);
  REQUIRE(seen == n);
  std::map<std::string, int> per_conn;
  for (const auto& e : s.smsc.events)
    if (e.str("event") == "submit_sm") ++per_conn[e.str("conn")];
  CHECK(submits_with_status(s.smsc.events, "ESME_ROK") == n);  // never ESME_RTHROTTLED
  CHECK(per_conn.size() == 3);
  for (const auto& [conn, count] : per_conn)
    CHECK(count >= n / 10);
  // x-smpp-submit-max-rate holds over all binds together (the simulator's clock).
  CHECK(busiest_second(s.smsc.events) <= 165);
  // The channel's metrics over all binds, and each bind's.
  CHECK(s.dms.metric("smsdrv_submit_sm_sent_total") == n);
  CHECK(s.dms.metric("smsdrv_link_up") == 1);
  CHECK(s.dms.metric("smsdrv_binds_total") == 3);
  // Each bind's submit_sm as the simulator counted them per connection (in whichever order
  // the binds connected).
  std::multiset<double> per_session, per_connection;
  for (int i = 1; i <= 3; ++i) {
    CAPTURE(i);
    CHECK(s.dms.metric("smsdrv_session_link_up", i) == 1);
    CHECK(s.dms.metric("smsdrv_session_binds_total", i) == 1);
    CHECK(s.dms.metric("smsdrv_session_submit_sm_in_flight", i) == 0);
    per_session.insert(s.dms.metric("smsdrv_session_submit_sm_sent_total", i));
  }
  for (const auto& [conn, count] : per_conn)
    per_connection.insert(count);
  CHECK(per_session == per_connection);
  CHECK(s.dms.metric("smsdrv_session_link_up", 4) == -1);
  CHECK(s.dms.finish() == 0);
}

TEST_CASE("binds beyond the account's limit are refused, said so, and retried with back-off") {
  stack s({"--account-limit", "e2e:binds=2"}, options(3, 1000), 2);
  auto refused = s.until([](const json_line& j) { return is_state(j, "session-bind-failed"); });
  REQUIRE(refused);
  CHECK(refused->str("attributes", "_smsErrorName") == "ESME_RBINDFAIL");
  CHECK(refused->str("text").find("x-smpp-sessions = 3") != std::string::npos);
  CHECK(refused->str("attributes", "sessionsBound") == "2");
  CHECK(refused->num("status") == 0);  // the channel still carries
  // The channel carries on two binds meanwhile.
  s.dms.send_many("m", 50);
  const auto r = s.responses(50, 2500ms);
  CHECK(r.size() == 50);
  CHECK(s.dms.ok_responses() == 50);
  // Back-off (1 s, 2 s, ... with jitter): a handful of refused binds in ~3 s, not a spin.
  std::size_t over = 0;
  for (const auto& e : s.smsc.events)
    over += e.str("event") == "bind" && e.str("status") != "ESME_ROK";
  CHECK(over >= 1);
  CHECK(over <= 4);
  CHECK(s.dms.finish() == 0);
  // Each bind's log lines name it.
  const std::string& log = s.dms.proc->stderr_text();
  for (const char* name : {"channel-sms1#1", "channel-sms1#2", "channel-sms1#3"})
    CHECK(log.find(name) != std::string::npos);
}

TEST_CASE("inbound messages on any bind, and a long one split over binds, reach the host once") {
  stack s({}, options(2, 1000), 2);
  for (int i = 0; i < 4; ++i) {
    std::string text;
    for (int k = 0; k < 35; ++k)
      text += static_cast<char>('a' + (i + k) % 26) + std::string("123456");  // 245: 2 parts
    s.smsc.proc->write_line(R"({"cmd":"mo","from":"491555000)" + std::to_string(i) +
                            R"(","to":"12345","text":")" + text +
                            R"(","split":"udh","spread":true})");
  }
  auto interactions = [&] {
    return s.dms.count([](const json_line& j) { return j.str("event") == "interaction"; });
  };
  REQUIRE(s.read([&] { return interactions() >= 4; }, 20s));
  for (const auto& j : s.dms.out)
    if (j.str("event") == "interaction") CHECK(j.str("attributes", "_smsText").size() == 245);
  // The parts came in on both binds, and every one was acknowledged exactly once.
  REQUIRE(s.read([&] { return s.smsc.count("deliver_sm_resp") >= 8; }, 10s));
  std::set<std::string> conns;
  for (const auto& e : s.smsc.events)
    if (e.str("event") == "deliver_sm") conns.insert(e.str("conn"));
  CHECK(conns.size() == 2);
  s.read([] { return false; }, 300ms);
  std::size_t acked = 0;
  for (const auto& e : s.smsc.events)
    acked += e.str("event") == "deliver_sm_resp" && e.str("outcome") == "acknowledged";
  CHECK(acked == 8);
  CHECK(s.smsc.count("deliver_sm_resp") == 8);
  CHECK(interactions() == 4);
  CHECK(s.dms.finish() == 0);
}

TEST_CASE("a bind lost mid-run: its requests follow x-smpp-in-flight-on-disconnect, one outcome") {
  const std::string policy = GENERATE(std::string("resubmit"), std::string("fail"));
  CAPTURE(policy);
  stack s({}, options(2, 200, "x-smpp-in-flight-on-disconnect = " + policy + "\n"), 2);
  const int n = 200;
  s.dms.send_many("m", n);
  REQUIRE(s.submits_seen(40) >= 40);
  s.smsc.proc->write_line(R"({"cmd":"close","conn":1})");
  auto lost = s.until([](const json_line& j) { return is_state(j, "session-down"); });
  REQUIRE(lost);
  CHECK(lost->str("attributes", "sessionsBound") == "1");
  CHECK(lost->num("status") == 0);  // the channel still carries
  const auto r = s.responses(n, 1000ms);
  CHECK(r.size() == n);
  for (const auto& [id, count] : r)
    CHECK(count == 1);
  const std::size_t ok = s.dms.ok_responses();
  // Accepted by the simulator = answered OK: nothing lost, nothing sent twice that was answered.
  CHECK(submits_with_status(s.smsc.events, "ESME_ROK") >= ok);
  if (policy == "resubmit") {
    CHECK(ok == n);
  } else {
    // Only what was in flight on the lost bind fails (at most its window of 50), as outcome
    // unknown; the rest is sent on the other bind or after the reconnect.
    CHECK(ok + 50 >= n);
    CHECK(s.dms.count([](const json_line& j) {
      return j.str("event") == "esp-response" && j.str("ok") != "true";
    }) == n - ok);
  }
  CHECK(s.dms.finish() == 0);
}

TEST_CASE("a bind lost for good: what it had in flight goes out on the bind still bound") {
  // Responses take 300 ms, so each bind has submissions in flight when one is closed; the
  // account then allows one bind, so the lost one cannot come back. With resubmit, what it had
  // in flight is sent again on the other bind at once rather than waiting for its reconnect
  // (which never comes) until x-smpp-response-max-waiting-time fails it.
  stack s({"--delay-ms", "300", "--account-limit", "e2e:binds=2"},
          options(2, 100,
                  "x-smpp-in-flight-on-disconnect = resubmit\n"
                  "x-smpp-response-max-waiting-time = 20000\n"),
          2);
  const int n = 40;
  s.dms.send_many("m", n);
  REQUIRE(s.submits_seen(20) >= 20);
  s.smsc.proc->write_line(R"({"cmd":"account-limit","system_id":"e2e","binds":1})");
  s.smsc.proc->write_line(R"({"cmd":"close","conn":1})");
  const auto closed_at = std::chrono::steady_clock::now();
  REQUIRE(s.until([](const json_line& j) { return is_state(j, "session-down"); }));
  const auto r = s.responses(n);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - closed_at).count();
  CHECK(r.size() == n);
  for (const auto& [id, count] : r)
    CHECK(count == 1);
  CHECK(s.dms.ok_responses() == n);
  CHECK(seconds < 15);  // well before the waiting time (20 s) would have failed them
  // Some were in flight on the lost bind and answered after all: sent twice in total.
  CHECK(s.smsc.count("submit_sm") > static_cast<std::size_t>(n));
  CHECK(s.dms.proc->stderr_text().find("go out again on the sessions still bound") !=
        std::string::npos);
  CHECK(s.dms.finish() == 0);
}
