// The driver against a misbehaving SMSC, end to end over loopback: dms-stub loads the real
// module, smsc-sim injects one fault mode per test. Every test counts the esp-responses per
// request id (exactly one each) and checks the window the SMSC observed; the figures printed
// (FIGURE ...) are the ones docs/reliability.md quotes.
#include <csignal>
#include <numeric>
#include <thread>

#include "fault_fixture.hpp"
#include "hex.hpp"

using namespace smsdrv::test;

namespace {

const std::vector<std::pair<std::string, std::string>> fast_link = {
    {"x-smpp-submit-max-rate", "1000"},
    {"x-smpp-submit-window-size", "10"},
    {"reconnection-timeout", "10"},
};

std::vector<std::pair<std::string, std::string>> with(
    std::vector<std::pair<std::string, std::string>> base,
    const std::vector<std::pair<std::string, std::string>>& more) {
  for (const auto& [k, v] : more) {
    auto it = std::find_if(base.begin(), base.end(), [&](const auto& kv) { return kv.first == k; });
    if (it != base.end())
      it->second = v;
    else
      base.emplace_back(k, v);
  }
  return base;
}

// Times from each connection-closed at the SMSC to the next bind there, in ms.
std::vector<double> reconnect_times(const smsc& s) {
  std::vector<double> out;
  const auto closed = s.all("connection-closed");
  const auto binds = s.all("bind");
  for (const auto& c : closed) {
    for (const auto& b : binds) {
      if (b.at > c.at) {
        out.push_back(ms_between(c.at, b.at));
        break;
      }
    }
  }
  return out;
}

double max_of(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}
double min_of(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}

}  // namespace

TEST_CASE("drop after N PDUs: in flight fail as outcome unknown, or are resubmitted", "[fault]") {
  SECTION("x-smpp-in-flight-on-disconnect = fail") {
    fault_world w;
    auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--drop-after", "25"});
    w.start(channel_cfg(s.port, fast_link));
    w.send_many("r", 100);
    REQUIRE(w.all_answered());
    REQUIRE(w.finish() == 0);
    auto outcome = w.check_exactly_one_each();
    CHECK(outcome["OK"] + outcome["SMSDRV_E_OUTCOME_UNKNOWN"] == 100);
    CHECK(outcome["SMSDRV_E_OUTCOME_UNKNOWN"] > 0);
    // Nothing reported sent that the SMSC did not take; an unknown outcome may have been taken.
    CHECK(s.accepted() >= outcome["OK"]);
    CHECK(s.accepted() <= outcome["OK"] + outcome["SMSDRV_E_OUTCOME_UNKNOWN"]);
    CHECK(s.max_window <= 10);
    const auto reconnects = reconnect_times(s);
    CHECK(reconnects.size() >= 3);
    CHECK(min_of(reconnects) >= 700);  // back-off 1 s minus at most 25% jitter
    figure(
        "drop-after 25, fail: {} OK, {} outcome unknown, {} accepted at the SMSC, "
        "{} connections, reconnect {:.0f}-{:.0f} ms",
        outcome["OK"], outcome["SMSDRV_E_OUTCOME_UNKNOWN"], s.accepted(), s.count("connect"),
        min_of(reconnects), max_of(reconnects));
  }
  SECTION("x-smpp-in-flight-on-disconnect = resubmit") {
    fault_world w;
    auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--drop-after", "25"});
    w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-in-flight-on-disconnect", "resubmit"}})));
    w.send_many("r", 100);
    REQUIRE(w.all_answered());
    REQUIRE(w.finish() == 0);
    auto outcome = w.check_exactly_one_each();
    CHECK(outcome["OK"] == 100);
    CHECK(s.accepted() >= 100);
    CHECK(s.max_window <= 10);
    CHECK(w.sum_user_data("_smsRetries") > 0);
    figure(
        "drop-after 25, resubmit: 100 OK, {} resubmissions, {} accepted at the SMSC "
        "(duplicates: {})",
        w.sum_user_data("_smsRetries"), s.accepted(), s.accepted() - 100);
  }
}

TEST_CASE("delayed responses that overtake each other: the window is used, never exceeded",
          "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--delay-ms", "20-80", "--seed", "4"});
  w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-submit-max-rate", "100000"}})));
  const auto t0 = steady::now();
  w.send_many("r", 300);
  REQUIRE(w.all_answered());
  const double seconds = ms_between(t0, steady::now()) / 1000;
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 300);
  CHECK(s.max_window == 10);
  figure("delay-ms 20-80, window 10: 300 OK in {:.2f} s, SMSC-observed window at most {}", seconds,
         s.max_window);
}

TEST_CASE("throttling above a rate: pause and resubmit; every retry counted", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--throttle", "50"});
  w.start(
      channel_cfg(s.port, {{"x-smpp-submit-max-rate", "200"},
                           {"x-smpp-submit-window-size", "10"},
                           {"x-smpp-error-policy", "ESME_RTHROTTLED: pause 500ms-4s retry 20"}}));
  const auto t0 = steady::now();
  w.send_many("r", 150);
  REQUIRE(w.all_answered(60s));
  const double seconds = ms_between(t0, steady::now()) / 1000;
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 150);
  const std::size_t throttled = s.submit_status["ESME_RTHROTTLED"];
  CHECK(throttled > 0);
  CHECK(s.accepted() == 150);
  // Every ESME_RTHROTTLED was answered by exactly one resubmission, reported on the response.
  CHECK(w.sum_user_data("_smsRetries") == throttled);
  figure(
      "throttle 50/s at the SMSC, driver at 200/s: 150 OK in {:.2f} s ({:.1f}/s), {} throttled "
      "and resubmitted",
      seconds, 150 / seconds, throttled);
}

TEST_CASE("throttling every 10th submission: pauses stay short, every request succeeds",
          "[fault]") {
  // An SMSC that works through its input one PDU at a time (1 ms each) and refuses every 10th
  // submission ESME_RTHROTTLED. Window 20 at 1000/s keeps the window full, so the first
  // submission after each pause is a 10th one; nine are accepted between two refusals, so the
  // pause must stay at its first length, 10 ms (docs/reliability.md, "The error policy").
  fault_world w;
  auto& s = w.add_smsc(
      {"--account", "e2e:e2e-pw", "--fail-every", "10:ESME_RTHROTTLED", "--pace-ms", "1"});
  w.start(channel_cfg(s.port,
                      {{"x-smpp-submit-max-rate", "1000"}, {"x-smpp-submit-window-size", "20"}}));
  REQUIRE(w.wait_state("bound"));
  const auto t0 = steady::now();
  w.send_many("r", 500);
  // ~55 pauses of 10 ms: about a second. Pauses that double would reach 30 s.
  REQUIRE(w.all_answered(20s));
  const double seconds = ms_between(t0, steady::now()) / 1000;
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 500);
  const std::size_t throttled = s.submit_status["ESME_RTHROTTLED"];
  CHECK(throttled >= 55);
  CHECK(s.accepted() == 500);
  CHECK(w.sum_user_data("_smsRetries") == throttled);
  CHECK(s.max_window <= 20);
  const std::string log = w.dms->stderr_text();
  CHECK(log.find("no submissions for 10 ms (pause 1 in a row") != std::string::npos);
  CHECK(log.find("(pause 2 in a row") == std::string::npos);
  figure(
      "every 10th submission ESME_RTHROTTLED, SMSC answering one PDU per ms, window 20, driver "
      "at 1000/s: 500 OK in {:.2f} s ({:.1f}/s), {} throttled and resubmitted",
      seconds, 500 / seconds, throttled);
}

TEST_CASE("generic_nack: a temporary status is retried, a permanent one named", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--nack-every", "7"});
  w.start(channel_cfg(s.port, fast_link));
  w.send_many("r", 70);
  REQUIRE(w.all_answered());
  const std::size_t nacks = s.submit_status["ESME_RSYSERR"];
  CHECK(nacks >= 10);
  CHECK(w.sum_user_data("_smsRetries") == nacks);
  s.command(R"({"cmd":"fault","clear":true,"nack-every":"1:ESME_RINVCMDLEN"})");
  REQUIRE(w.pump([&] { return s.count("fault-set") >= 1; }));
  w.send("permanent");
  REQUIRE(w.all_answered());
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 70);
  const json_line& p = w.responses["permanent"].at(0);
  CHECK(p.str("error", "name") == "SMSDRV_E_SMSC_REJECTED");
  CHECK(p.str("userData", "_smsErrorName") == "ESME_RINVCMDLEN");
  CHECK(p.str("error", "text").find("(generic_nack)") != std::string::npos);
  figure("nack-every 7 (ESME_RSYSERR): 70 OK, {} generic_nack retried after 1 s", nacks);
}

TEST_CASE("garbage: framing lost, the link is dropped and rebuilt; nothing answered twice",
          "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--garbage-after", "15"});
  w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-submit-window-size", "5"}})));
  w.send_many("r", 40);
  REQUIRE(w.all_answered());
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] + outcome["SMSDRV_E_OUTCOME_UNKNOWN"] == 40);
  CHECK(s.count("connect") >= 2);
  CHECK(w.wait_dms(
      [](const json_line& j) {
        return j.str("event") == "channel-state" &&
               j.str("attributes", "reason").find("framing lost: command_length 5") !=
                   std::string::npos;
      },
      0ms));
  figure("garbage-after 15: {} OK, {} outcome unknown over {} connections", outcome["OK"],
         outcome["SMSDRV_E_OUTCOME_UNKNOWN"], s.count("connect"));
}

TEST_CASE("close in the middle of a PDU: the partial frame is dropped with the link", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--close-mid-pdu-after", "10"});
  w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-in-flight-on-disconnect", "resubmit"}})));
  w.send_many("r", 30);
  REQUIRE(w.all_answered());
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 30);
  CHECK(s.count("connect") >= 2);
  figure("close-mid-pdu-after 10, resubmit: 30 OK over {} connections, {} resubmissions",
         s.count("connect"), w.sum_user_data("_smsRetries"));
}

TEST_CASE("refused binds: channel-state events; refused credentials are not hammered", "[fault]") {
  SECTION("wrong password: bind-failed, next attempt only at reconnection-timeout") {
    fault_world w;
    auto& s = w.add_smsc({"--account", "e2e:another"});
    w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-response-max-waiting-time", "1000"}})));
    auto failed = w.wait_state("bind-failed");
    REQUIRE(failed);
    CHECK(failed->line.str("attributes", "_smsErrorName") == "ESME_RINVPASWD");
    CHECK(failed->line.str("text").find("check x-smpp-system-id, password") != std::string::npos);
    auto down = w.wait_state("down");
    REQUIRE(down);
    const long retry = std::stol(down->line.str("attributes", "retryInMs"));
    CHECK(retry >= 7500);  // the cap (10 s) minus at most 25% jitter
    CHECK(retry <= 10000);
    w.send("while-refused");
    REQUIRE(w.all_answered(5s));
    CHECK(w.responses["while-refused"].at(0).str("error", "name") == "SMSDRV_E_CHANNEL_DOWN");
    w.pump([] { return false; }, 2s);
    CHECK(s.count("bind") == 1);  // no second attempt within 3 s
    REQUIRE(w.finish() == 0);
    w.check_exactly_one_each();
    figure("refused credentials: next bind attempt in {} ms (reconnection-timeout 10 s)", retry);
  }
  SECTION("ESME_RSYSERR: retried with back-off, bound once the SMSC accepts") {
    fault_world w;
    auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--refuse-binds", "ESME_RSYSERR"});
    w.start(channel_cfg(s.port, fast_link));
    REQUIRE(w.wait_state("bind-failed"));
    REQUIRE(w.pump([&] { return s.count("bind") >= 2; }, 5s));
    s.command(R"({"cmd":"fault","refuse-binds":"off"})");
    const auto off = steady::now();
    auto bound = w.wait_state("bound", 10s);
    REQUIRE(bound);
    const auto binds = s.all("bind");
    figure(
        "bind refused with ESME_RSYSERR: attempts {:.0f} ms apart, bound {:.0f} ms after the "
        "SMSC accepted again",
        ms_between(binds[0].at, binds[1].at), ms_between(off, bound->at));
    CHECK(ms_between(binds[0].at, binds[1].at) >= 700);
    REQUIRE(w.finish() == 0);
  }
}

TEST_CASE("enquire_link unanswered: the link is dropped and rebuilt", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--no-enquire-link-resp"});
  w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-enquire-link-timeout", "1"},
                                               {"x-smpp-receive-timeout", "5"},
                                               {"x-smpp-response-max-waiting-time", "1000"}})));
  auto bound = w.wait_state("bound");
  REQUIRE(bound);
  auto down = w.wait_state("down", 10s);
  REQUIRE(down);
  CHECK(down->line.str("attributes", "reason") == "enquire_link unanswered for 1.0 s");
  CHECK(s.count("enquire_link") >= 1);
  const double detected = ms_between(bound->at, down->at);
  CHECK(detected >= 1900);
  CHECK(detected <= 4000);
  const std::size_t index = w.out.size();
  auto again = w.wait_state("bound", 10s, index);
  REQUIRE(again);
  figure(
      "enquire_link unanswered (enquire-link-timeout 1 s, waiting time 1 s): link dropped "
      "{:.0f} ms after the last PDU, bound again {:.0f} ms later",
      detected, ms_between(down->at, again->at));
  REQUIRE(w.finish() == 0);
}

TEST_CASE("no submit responses: each request fails once with the timeout named", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--no-submit-resp"});
  w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-response-max-waiting-time", "1000"}})));
  const auto t0 = steady::now();
  w.send_many("r", 15);
  REQUIRE(w.all_answered());
  const double seconds = ms_between(t0, steady::now()) / 1000;
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["SMSDRV_E_TIMEOUT"] == 15);
  CHECK(w.responses["r1"].at(0).str("error", "text") ==
        "no submit_sm_resp within 1.0 s (x-smpp-response-max-waiting-time)");
  // The window held: the 11th submission went out only when the first ones had timed out (the
  // SMSC's `window` keeps counting what it never answered, so it is not the measure here).
  REQUIRE(s.submit_us.size() == 15);
  CHECK(s.submit_us[10] - s.submit_us[0] >= 990'000);
  CHECK(seconds >= 1.9);
  figure("no-submit-resp: 15 timeouts in {:.2f} s (window 10, waiting time 1 s)", seconds);
}

TEST_CASE("unknown sequence numbers and commands: logged, answered, the link stays up", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc(
      {"--account", "e2e:e2e-pw", "--unknown-seq-after", "3", "--unknown-command-after", "5"});
  w.start(channel_cfg(s.port, fast_link));
  w.send_many("r", 20);
  REQUIRE(w.all_answered());
  REQUIRE(w.pump([&] { return s.count("generic_nack") >= 1; }, 5s));
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 20);
  CHECK(s.count("bind") == 1);
  CHECK(s.count("connection-closed") <= 1);  // the one at the end
  CHECK(w.dms->stderr_text().find("matches no outstanding request") != std::string::npos);
}

TEST_CASE("failover: to the secondary while the primary is down, back when it recovers",
          "[fault]") {
  fault_world w;
  auto& primary = w.add_smsc({"--account", "e2e:e2e-pw"});
  auto& secondary = w.add_smsc({"--account", "e2e-b:pw-b", "--first-id", "1000000"});
  const int primary_port = primary.port;
  w.start(channel_cfg(primary_port, with_secondary({{"x-smpp-submit-max-rate", "50"},
                                                    {"x-smpp-submit-window-size", "10"},
                                                    {"reconnection-timeout", "10"},
                                                    {"x-smpp-failover-probe-interval", "1"},
                                                    {"x-smpp-in-flight-on-disconnect", "resubmit"}},
                                                   secondary.port)));
  auto bound = w.wait_state("bound");
  REQUIRE(bound);
  CHECK(bound->line.str("attributes", "smscRole") == "primary");

  // 100 requests at 50/s; the primary dies under load.
  w.send_many("a", 100);
  REQUIRE(w.pump([&] { return primary.submit_us.size() >= 40; }));
  const auto killed = steady::now();
  w.smscs[0]->proc->kill(SIGKILL);
  w.smscs[0]->proc->wait(5s);
  std::size_t index = w.out.size();
  auto over = w.wait_state("failover", 10s, index);
  REQUIRE(over);
  auto on_secondary = w.wait_state("bound", 10s, index);
  REQUIRE(on_secondary);
  CHECK(on_secondary->line.str("attributes", "smscRole") == "secondary");
  CHECK(on_secondary->line.str("attributes", "smsc") ==
        "127.0.0.1:" + std::to_string(secondary.port));
  const double failover_ms = ms_between(killed, on_secondary->at);
  REQUIRE(w.all_answered());
  CHECK(secondary.submit_us.size() > 0);

  // The primary comes back on its port: the probe finds it, the channel returns.
  w.smscs[0] =
      std::make_unique<smsc>(std::vector<std::string>{"--account", "e2e:e2e-pw"}, primary_port);
  const auto restarted = steady::now();
  index = w.out.size();
  auto returning = w.wait_state("returning", 10s, index);
  REQUIRE(returning);
  auto on_primary = w.wait_state("bound", 10s, index);
  REQUIRE(on_primary);
  CHECK(on_primary->line.str("attributes", "smscRole") == "primary");
  const double return_ms = ms_between(restarted, on_primary->at);
  // The probe's bind_transmitter, then the channel's. The channel's "bound" event can reach the
  // host before the restarted simulator's log line of that bind is read: wait for the line.
  CHECK(w.pump([&] { return w.smscs[0]->count("bind") >= 2; }));
  w.send_many("b", 20);
  REQUIRE(w.all_answered());
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 120);
  CHECK(w.smscs[0]->accepted() == 20);
  figure(
      "failover: primary killed under load, bound to the secondary {:.0f} ms later; primary "
      "restarted, back on it {:.0f} ms later (probe interval 1 s); 120 of 120 OK, {} "
      "resubmitted",
      failover_ms, return_ms, w.sum_user_data("_smsRetries"));
}

TEST_CASE("failover with TLS: the probe of the primary speaks TLS like the channel", "[fault]") {
  // Both SMSCs speak TLS only: a probe over plain TCP would never see the primary bind again.
  const std::string certs = SMSDRV_TEST_CERTS;
  const std::vector<std::string> tls{"--tls-cert", certs + "/server.chain.pem", "--tls-key",
                                     certs + "/server.key"};
  auto with = [&](std::vector<std::string> flags) {
    flags.insert(flags.end(), tls.begin(), tls.end());
    return flags;
  };
  fault_world w;
  auto& primary = w.add_smsc(with({"--account", "e2e:e2e-pw"}));
  auto& secondary = w.add_smsc(with({"--account", "e2e:e2e-pw", "--first-id", "1000000"}));
  const int primary_port = primary.port;
  w.start(channel_cfg(primary_port, {{"x-smpp-tls-mode", "single"},
                                     {"x-smpp-tls-path-to-certificate", certs + "/trust.p12"},
                                     {"x-smpp-tls-certificate-file-password", "file-pw-1"},
                                     {"reconnection-timeout", "10"},
                                     {"x-smpp-failover-host", "127.0.0.1"},
                                     {"x-smpp-failover-port", std::to_string(secondary.port)},
                                     {"x-smpp-failover-probe-interval", "1"}}));
  REQUIRE(w.wait_state("bound"));
  w.smscs[0]->proc->kill(SIGKILL);
  w.smscs[0]->proc->wait(5s);
  std::size_t index = w.out.size();
  auto on_secondary = w.wait_state("bound", 10s, index);
  REQUIRE(on_secondary);
  CHECK(on_secondary->line.str("attributes", "smscRole") == "secondary");
  w.send_many("a", 5);
  REQUIRE(w.all_answered());

  w.smscs[0] = std::make_unique<smsc>(with({"--account", "e2e:e2e-pw"}), primary_port);
  index = w.out.size();
  REQUIRE(w.wait_state("returning", 10s, index));
  auto on_primary = w.wait_state("bound", 10s, index);
  REQUIRE(on_primary);
  CHECK(on_primary->line.str("attributes", "smscRole") == "primary");
  CHECK(w.smscs[0]->count("tls") >= 2);  // the probe's handshake, then the channel's
  w.send_many("b", 5);
  REQUIRE(w.all_answered());
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 10);
  CHECK(w.smscs[0]->accepted() == 5);
  (void)secondary;
}

TEST_CASE("a redelivered inbound message is marked as a possible duplicate", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw"});
  w.start(channel_cfg(s.port, fast_link));
  REQUIRE(w.wait_state("bound"));
  // Our deliver_sm_resp is the next PDU: the SMSC drops the link on it, unread.
  s.command(R"({"cmd":"fault","drop-after":1})");
  REQUIRE(w.pump([&] { return s.count("fault-set") >= 1; }));
  s.command(R"({"cmd":"mo","from":"4915550009","to":"12345","text":"only once please"})");
  auto first = w.wait_dms([](const json_line& j) { return j.str("event") == "interaction"; });
  REQUIRE(first);
  CHECK_FALSE(first->line.has("note"));
  REQUIRE(w.pump([&] { return s.count("connection-closed") >= 1; }));
  s.command(R"({"cmd":"fault","clear":true})");
  const std::size_t index = w.out.size();
  auto second =
      w.wait_dms([](const json_line& j) { return j.str("event") == "interaction"; }, 10s, index);
  REQUIRE(second);
  CHECK(second->line.str("attributes", "_smsText") == "only once please");
  CHECK(second->line.str("note").find("possible duplicate: same message as the one received at ") ==
        0);
  REQUIRE(w.finish() == 0);
}

namespace {

// Under ThreadSanitizer every process of the test runs several times slower and stalls at
// will: what it checks there is the threads, not the clock.
#if defined(__SANITIZE_THREAD__)
constexpr bool clock_checks = false;
#else
constexpr bool clock_checks = true;
#endif

// `seconds` of traffic at 100/s, checked as the SMSC observed it: never above the cap and (for an
// SMSC that throttles nothing, so resubmits nothing) each request once, in order.
void measure_rate(int seconds, std::vector<std::string> sim_flags, bool check_rate = true,
                  bool check_order = true) {
  check_rate = check_rate && clock_checks;
  fault_world w;
  sim_flags.insert(sim_flags.begin(), {"--account", "e2e:e2e-pw"});
  auto& s = w.add_smsc(sim_flags);
  w.start(channel_cfg(s.port,
                      {{"x-smpp-submit-max-rate", "100"}, {"x-smpp-submit-window-size", "20"}}));
  REQUIRE(w.wait_state("bound"));
  const int n = seconds * 100;
  for (int i = 1; i <= n + 1; ++i) {  // each text its request id, to see the order at the SMSC
    const std::string id = "r" + std::to_string(i);
    w.send(id, id);
    if (i % 50 == 0) w.pump([] { return true; });
  }
  REQUIRE(w.all_answered(std::chrono::seconds(2 * seconds + 20)));
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == static_cast<std::size_t>(n + 1));
  REQUIRE(s.submit_us.size() >= static_cast<std::size_t>(n + 1));
  if (check_order) {
    // Held back, not reordered: the SMSC gets each request once, in the order the host sent them
    // (the texts are ASCII letters and digits, the same octets in the GSM default alphabet).
    std::vector<std::string> at_smsc;
    for (const timed& e : s.all("submit_sm"))
      at_smsc.push_back(from_hex(e.line.str("short_message")));
    CHECK(at_smsc == w.sent);
  }
  std::vector<std::int64_t> t = s.submit_us;
  std::sort(t.begin(), t.end());
  const double span_s = static_cast<double>(t[static_cast<std::size_t>(n)] - t[0]) / 1e6;
  const double rate = n / span_s;
  std::size_t busiest = 0;
  for (std::size_t i = 0, first = 0; i < t.size(); ++i) {
    while (t[first] <= t[i] - 1'000'000)
      ++first;
    busiest = std::max(busiest, i - first + 1);
  }
  if (check_rate) {
    // The cap is the guarantee: never above it over the run, and in no second more than the cap
    // plus the window (submits the SMSC reads in one go after its own process was descheduled).
    CHECK(rate <= 102.0);
    CHECK(busiest <= 100 + 20);
    // How close to the cap it stays is a matter of the machine's load, so not asserted here: the
    // figure below is printed, and the accuracy target (within 1%) is the rate-limiter
    // benchmark's (smpp-bench driver --rate, docs/benchmarks.md).
  }
  // The window is the guarantee (x-smpp-submit-window-size 20): how much of it a run uses depends
  // on how fast the SMSC's answers come back, which a loaded machine decides.
  CHECK(s.max_window <= 20);
  figure(
      "rate 100/s over {} s: {} intervals in {:.3f} s at the SMSC = {:.2f}/s ({:+.2f}%); busiest "
      "sliding second at the SMSC {}; ESME_RTHROTTLED answers {}",
      seconds, n, span_s, rate, rate - 100, busiest, s.submit_status["ESME_RTHROTTLED"]);
}

}  // namespace

TEST_CASE("rate: never above the setting over 10 s as the SMSC sees it, in order, each once",
          "[fault]") {
  measure_rate(10, {});
}

// Not in ctest (hidden tag): a minute against an SMSC that throttles at exactly the configured
// rate, and at 2% above it, for docs/reliability.md: fault_test "[manual]"
TEST_CASE("rate over a minute against an SMSC throttling at the same rate", "[.][manual]") {
  measure_rate(60, {"--throttle", "100"}, false, false);
}

TEST_CASE("rate over a minute against an SMSC throttling 2% above it", "[.][manual]") {
  measure_rate(60, {"--throttle", "102"}, true, false);
}
