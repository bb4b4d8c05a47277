// Failover to another channel of the other kind (x-failover-channel), end to end over loopback:
// an SMPP channel (smsc-sim) and an HTTP gateway channel (tests/support/http_gateway.py), one
// the failover of the other. The primary is killed under load, the failover carries the new
// requests and those still waiting unsent in the primary's queue, the primary comes back on its
// port and carries again. Every request gets exactly one response, and the responses are counted
// against what reached each gateway and against each channel's metrics (dms-stub's endpoint).
#include <csignal>

#include "fault_fixture.hpp"
#include "http_get.hpp"

using namespace smsdrv::test;

namespace {

// The test HTTP gateway on a port of our choosing (so that it can come back on it), with every
// request it received counted.
struct http_peer {
  std::unique_ptr<subprocess> proc;
  int port = 0;
  std::size_t requests = 0;

  explicit http_peer(int listen_port = 0) {
    proc = std::make_unique<subprocess>(
        std::vector<std::string>{"python3", SMSDRV_HTTP_GATEWAY_SCRIPT, "--port",
                                 std::to_string(listen_port), "--success", "ACK"});
    auto line = proc->read_line(10s);
    REQUIRE(line);
    auto j = parse_json(*line);
    REQUIRE(j);
    port = static_cast<int>(j->num("listening"));
    REQUIRE(port > 0);
  }
  void drain() {
    while (auto l = proc->read_line(0ms))
      if (auto j = parse_json(*l); j && j->has("n")) ++requests;
  }
  void kill() {
    drain();
    proc->kill(SIGKILL);
    proc->wait(5s);
  }
};

std::string http_section(const std::string& name, int port, const std::string& extra = {}) {
  return "[" + name +
         "]\n"
         "x-gateway-type = http\n"
         "x-http-url = http://127.0.0.1:" +
         std::to_string(port) +
         "/send\n"
         "x-http-destination-param = to\n"
         "x-http-message-param = text\n"
         "x-http-success-contains = ACK\n"
         "x-http-max-rate = 1000\n"
         "x-http-request-timeout = 3\n"
         "x-http-connect-timeout = 1\n" +
         extra;
}

void send_to(fault_world& w, const std::string& channel, const std::string& id) {
  w.dms->write_line(
      send_sms(id, channel, {{"_smsDestNumber", "4915550001"}, {"_smsText", "failover test"}}));
  w.sent.push_back(id);
}

// Responses whose ids start with `prefix`, by outcome, and how many another channel carried.
struct tally {
  std::map<std::string, std::size_t> outcome;
  std::size_t carried = 0;
};
tally tally_of(const fault_world& w, const std::string& prefix, const std::string& carrier) {
  tally t;
  for (const auto& [id, rs] : w.responses) {
    if (id.rfind(prefix, 0) != 0 || rs.empty()) continue;
    const json_line& r = rs.front();
    ++t.outcome[r.str("ok") == "true" ? std::string("OK") : r.str("error", "name")];
    t.carried += r.str("userData", "_smsCarriedBy") == carrier;
  }
  return t;
}

std::optional<timed> wait_channel_state(fault_world& w, const std::string& channel,
                                        const std::string& state, std::size_t from,
                                        std::chrono::milliseconds timeout = 20s) {
  return w.wait_dms(
      [&](const json_line& j) {
        return j.str("event") == "channel-state" && j.str("channel") == channel &&
               j.str("attributes", "state") == state;
      },
      timeout, from);
}

}  // namespace

TEST_CASE("failover to an HTTP channel: SMPP primary killed under load, back when it returns",
          "[fault]") {
  fault_world w;
  auto& primary = w.add_smsc({"--account", "e2e:e2e-pw"});
  const int primary_port = primary.port;
  http_peer web;
  w.start(channel_cfg(primary_port, {{"x-smpp-submit-max-rate", "100"},
                                     {"x-smpp-submit-window-size", "10"},
                                     {"reconnection-timeout", "10"},
                                     {"x-failover-channel", "channel-web"}}) +
              http_section("channel-web", web.port),
          {"--metrics-port", "0"});
  REQUIRE(wait_channel_state(w, "channel-sms1", "bound", 0));
  const std::uint16_t metrics = metrics_port(*w.dms);
  REQUIRE(metrics != 0);

  // 60 requests at 100/s; the primary dies under load.
  for (int i = 1; i <= 60; ++i)
    send_to(w, "channel-sms1", "a" + std::to_string(i));
  REQUIRE(w.pump([&] { return primary.submit_us.size() >= 20; }));
  std::size_t index = w.out.size();
  w.smscs[0]->proc->kill(SIGKILL);
  w.smscs[0]->proc->wait(5s);
  w.pump([] { return true; });
  const std::size_t accepted_before = primary.accepted();
  auto over = wait_channel_state(w, "channel-sms1", "failover-channel", index);
  REQUIRE(over);
  CHECK(over->line.str("attributes", "gatewayInUse") == "channel-web");

  // New requests go through the HTTP channel while the SMSC is away.
  for (int i = 1; i <= 40; ++i)
    send_to(w, "channel-sms1", "b" + std::to_string(i));
  REQUIRE(w.pump([&] {
    web.drain();
    return tally_of(w, "b", "channel-web").outcome["OK"] == 40;
  }));

  // The SMSC comes back on its port: the channel reconnects and carries again.
  w.smscs[0] =
      std::make_unique<smsc>(std::vector<std::string>{"--account", "e2e:e2e-pw"}, primary_port);
  index = w.out.size();
  auto back = wait_channel_state(w, "channel-sms1", "own-gateway", index);
  REQUIRE(back);
  CHECK(back->line.str("attributes", "gatewayInUse") == "channel-sms1");
  for (int i = 1; i <= 20; ++i)
    send_to(w, "channel-sms1", "c" + std::to_string(i));
  REQUIRE(w.all_answered());
  const double moved = metric_sample(metrics, "smsdrv_requests_moved_total", "channel-sms1");
  const double accepted = metric_sample(metrics, "smsdrv_requests_accepted_total", "channel-sms1");
  const double web_moved = metric_sample(metrics, "smsdrv_requests_moved_total", "channel-web");
  const double web_accepted =
      metric_sample(metrics, "smsdrv_requests_accepted_total", "channel-web");
  const double web_succeeded =
      metric_sample(metrics, "smsdrv_requests_succeeded_total", "channel-web");
  web.drain();
  REQUIRE(w.finish() == 0);
  web.drain();

  auto outcome = w.check_exactly_one_each();
  // In flight when the SMSC died: outcome unknown; queued in the SMPP channel then, never
  // written: moved to the HTTP channel at the switch and sent there; none waits for the SMSC.
  CHECK(outcome["OK"] + outcome["SMSDRV_E_OUTCOME_UNKNOWN"] == 120);
  tally a = tally_of(w, "a", "channel-web"), b = tally_of(w, "b", "channel-web"),
        c = tally_of(w, "c", "channel-web");
  // 60 a's, at most a window of 10 in flight and at least 20 answered when the SMSC died: the
  // 30 or so queued behind them went through the HTTP channel.
  CHECK(a.carried >= 1);
  CHECK(a.carried <= 40);
  CHECK(a.outcome["SMSDRV_E_CHANNEL_DOWN"] == 0);
  CHECK(a.outcome["OK"] + a.outcome["SMSDRV_E_OUTCOME_UNKNOWN"] == 60);
  CHECK(b.carried == 40);
  CHECK(c.carried == 0);
  CHECK(b.outcome["OK"] == 40);
  CHECK(c.outcome["OK"] == 20);
  // Counted at both gateways: the HTTP gateway saw exactly the requests it carried (each once);
  // the SMSCs took the a's answered there (and maybe some of those whose outcome is unknown) and
  // the c's, and nothing the driver reported as carried elsewhere.
  CHECK(web.requests == 40 + a.carried);
  const std::size_t a_on_smsc = a.outcome["OK"] - a.carried;
  CHECK(accepted_before + w.smscs[0]->accepted() >= a_on_smsc + 20);
  CHECK(accepted_before + w.smscs[0]->accepted() <=
        a_on_smsc + a.outcome["SMSDRV_E_OUTCOME_UNKNOWN"] + 20);
  // The metrics: every request was addressed to the SMPP channel; those another channel carried
  // (moved while queued, or handed over at send()) are counted moved there, and accepted and
  // answered by the HTTP channel, which moved none.
  CHECK(accepted == 120);
  CHECK(moved == static_cast<double>(a.carried + b.carried));
  CHECK(web_moved == 0);
  CHECK(web_accepted == static_cast<double>(a.carried + b.carried));
  CHECK(web_succeeded == static_cast<double>(a.carried + b.carried));
  figure(
      "failover to HTTP: {} a's OK on the SMSC, {} outcome unknown, {} queued ones moved to the "
      "HTTP channel; 40 b's through the HTTP channel; 20 c's back on the SMSC",
      a_on_smsc, a.outcome["SMSDRV_E_OUTCOME_UNKNOWN"], a.carried);
}

TEST_CASE("failover to an SMPP channel: HTTP gateway killed, probed, back when it returns",
          "[fault]") {
  fault_world w;
  auto& secondary = w.add_smsc({"--account", "e2e:e2e-pw"});
  auto web = std::make_unique<http_peer>();
  const int web_port = web->port;
  w.start(http_section("channel-web", web_port, "x-failover-channel = channel-sms1\n") +
              channel_cfg(secondary.port, {{"x-smpp-submit-max-rate", "1000"},
                                           {"x-smpp-submit-window-size", "10"}}),
          {"--metrics-port", "0"});
  REQUIRE(wait_channel_state(w, "channel-sms1", "bound", 0));
  const std::uint16_t metrics = metrics_port(*w.dms);
  REQUIRE(metrics != 0);

  for (int i = 1; i <= 30; ++i)
    send_to(w, "channel-web", "a" + std::to_string(i));
  REQUIRE(w.all_answered());
  web->drain();
  CHECK(web->requests == 30);

  // The gateway dies; the next request finds it down: the SMPP channel carries.
  web->kill();
  std::size_t index = w.out.size();
  send_to(w, "channel-web", "b1");
  auto over = wait_channel_state(w, "channel-web", "failover-channel", index);
  REQUIRE(over);
  CHECK(over->line.str("attributes", "gatewayInUse") == "channel-sms1");
  for (int i = 1; i <= 40; ++i)
    send_to(w, "channel-web", "c" + std::to_string(i));
  REQUIRE(w.pump([&] { return tally_of(w, "c", "channel-sms1").outcome["OK"] == 40; }));
  // b1 found the gateway down (never written): moved to the SMPP channel at the switch.
  REQUIRE(w.all_answered());

  // The gateway comes back on its port: a probe connects, the HTTP channel carries again.
  web = std::make_unique<http_peer>(web_port);
  index = w.out.size();
  auto back = wait_channel_state(w, "channel-web", "own-gateway", index);
  REQUIRE(back);
  CHECK(back->line.str("attributes", "gatewayInUse") == "channel-web");
  for (int i = 1; i <= 20; ++i)
    send_to(w, "channel-web", "d" + std::to_string(i));
  REQUIRE(w.all_answered());
  const double moved = metric_sample(metrics, "smsdrv_requests_moved_total", "channel-web");
  const double accepted = metric_sample(metrics, "smsdrv_requests_accepted_total", "channel-web");
  const double sms_moved = metric_sample(metrics, "smsdrv_requests_moved_total", "channel-sms1");
  const double sms_accepted =
      metric_sample(metrics, "smsdrv_requests_accepted_total", "channel-sms1");
  REQUIRE(w.finish() == 0);
  web->drain();

  auto outcome = w.check_exactly_one_each();
  tally b = tally_of(w, "b", "channel-sms1"), c = tally_of(w, "c", "channel-sms1"),
        d = tally_of(w, "d", "channel-sms1");
  CHECK(c.carried == 40);
  CHECK(c.outcome["OK"] == 40);
  CHECK(d.carried == 0);
  CHECK(d.outcome["OK"] == 20);
  CHECK(b.carried == 1);
  CHECK(b.outcome["OK"] == 1);
  // Counted at both gateways: the SMSC took exactly b1 and the 40 c's; the restarted gateway
  // the d's.
  CHECK(secondary.accepted() == 41);
  CHECK(web->requests == 20);
  CHECK(outcome["OK"] == 30 + 1 + 40 + 20);
  // The metrics: b1 (moved while queued) and the c's (handed over at send()) are the HTTP
  // channel's moved requests, accepted by both channels; the SMPP channel moved none.
  CHECK(accepted == 30 + 1 + 40 + 20);
  CHECK(moved == 1 + 40);
  CHECK(sms_accepted == 1 + 40);
  CHECK(sms_moved == 0);
}

TEST_CASE("failover nested: the channel's own secondary SMSC first, then the other channel",
          "[fault]") {
  // x-smpp-failover-* and x-failover-channel together: the router around the channel's own link
  // hands traffic to the other channel only when both of the channel's SMSCs are gone.
  fault_world w;
  auto& primary = w.add_smsc({"--account", "e2e:e2e-pw"});
  auto& secondary = w.add_smsc({"--account", "e2e-b:pw-b", "--first-id", "1000000"});
  http_peer web;
  w.start(channel_cfg(primary.port, with_secondary({{"x-smpp-submit-max-rate", "200"},
                                                    {"x-smpp-submit-window-size", "10"},
                                                    {"reconnection-timeout", "10"},
                                                    {"x-failover-channel", "channel-web"}},
                                                   secondary.port)) +
          http_section("channel-web", web.port));
  REQUIRE(wait_channel_state(w, "channel-sms1", "bound", 0));
  for (int i = 1; i <= 20; ++i)
    send_to(w, "channel-sms1", "a" + std::to_string(i));
  REQUIRE(w.all_answered());

  // The primary dies: the channel's own secondary SMSC carries; the other channel is not used.
  std::size_t index = w.out.size();
  w.smscs[0]->proc->kill(SIGKILL);
  w.smscs[0]->proc->wait(5s);
  REQUIRE(wait_channel_state(w, "channel-sms1", "failover", index));
  auto on_secondary = wait_channel_state(w, "channel-sms1", "bound", index);
  REQUIRE(on_secondary);
  CHECK(on_secondary->line.str("attributes", "smscRole") == "secondary");
  for (int i = 1; i <= 20; ++i)
    send_to(w, "channel-sms1", "b" + std::to_string(i));
  REQUIRE(w.all_answered());
  web.drain();
  CHECK(web.requests == 0);
  CHECK_FALSE(wait_channel_state(w, "channel-sms1", "failover-channel", index, 0ms));

  // The secondary dies too: now the other channel carries.
  index = w.out.size();
  w.smscs[1]->proc->kill(SIGKILL);
  w.smscs[1]->proc->wait(5s);
  auto over = wait_channel_state(w, "channel-sms1", "failover-channel", index);
  REQUIRE(over);
  CHECK(over->line.str("attributes", "gatewayInUse") == "channel-web");
  for (int i = 1; i <= 20; ++i)
    send_to(w, "channel-sms1", "c" + std::to_string(i));
  REQUIRE(w.all_answered());
  web.drain();
  REQUIRE(w.finish() == 0);
  web.drain();

  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 60);
  const tally a = tally_of(w, "a", "channel-web"), b = tally_of(w, "b", "channel-web"),
              c = tally_of(w, "c", "channel-web");
  CHECK(a.carried == 0);
  CHECK(b.carried == 0);
  CHECK(c.carried == 20);
  CHECK(web.requests == 20);
  CHECK(w.smscs[0]->accepted() == 20);
  CHECK(w.smscs[1]->accepted() == 20);
}
