// The driver against an SMSC that breaks the protocol's rules, end to end over loopback:
// responses of the wrong command, an unbind with the responses behind it in one write, a PDU
// dripped one octet at a time; and a short run whose shutdown meets a bind in progress.
#include "fault_fixture.hpp"

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
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

std::size_t count_lines(const std::string& text, std::string_view part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("a response of another command with ESME_ROK is not an outcome", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--wrong-response-every", "4"});
  w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-response-max-waiting-time", "1000"}})));
  w.send_many("r", 20);
  REQUIRE(w.all_answered());
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  // Every 4th submission got a deliver_sm_resp with its sequence number: it times out.
  CHECK(outcome["SMSDRV_E_TIMEOUT"] == 5);
  CHECK(outcome["OK"] == 15);
  for (const auto& [id, r] : w.responses)
    if (r.at(0).str("ok") == "true") CHECK_FALSE(r.at(0).str("userData", "_smsMessageId").empty());
  // Logged each, as repeated lines are (util/log_limiter): three, then one line counting the
  // rest (written when the channel stops at the latest).
  CHECK(count_lines(w.dms->stderr_text(), "does not answer the submit_sm") == 4);
  CHECK(count_lines(w.dms->stderr_text(), "… 2 more like this in the last") >= 1);
  figure("wrong-response-every 4: 15 OK, 5 timed out (a deliver_sm_resp is no submit_sm_resp)");
}

TEST_CASE("the SMSC unbinds with ten responses behind the unbind, in one write", "[fault]") {
  std::string policy;
  SECTION("x-smpp-in-flight-on-disconnect = fail") {
    policy = "fail";
  }
  SECTION("x-smpp-in-flight-on-disconnect = resubmit") {
    policy = "resubmit";
  }
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--unbind-with-responses", "10"});
  w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-in-flight-on-disconnect", policy}})));
  REQUIRE(w.wait_state("bound"));
  w.send_many("r", 10);
  REQUIRE(w.all_answered());
  // The unbind was answered (SMPP v3.4 §4.2) before the driver closed.
  REQUIRE(w.pump([&] { return s.count("connection-closed") >= 1; }, 5s));
  REQUIRE(w.finish() == 0);
  auto outcome = w.check_exactly_one_each();
  CHECK(outcome["OK"] == 10);
  CHECK(s.accepted() == 10);  // nothing submitted twice
  const auto answers = s.all("unbind_resp");
  REQUIRE(!answers.empty());
  CHECK(answers[0].line.str("status") == "ESME_ROK");
  CHECK(s.all("connection-closed").at(0).line.str("reason") == "unbind by the SMSC completed");
  figure("unbind-with-responses 10 ({}): 10 OK, 10 accepted, unbind answered", policy);
}

TEST_CASE("a PDU dripped one octet per 100 ms is not life: the dead link is dropped", "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw"});
  w.start(channel_cfg(s.port, with(fast_link, {{"x-smpp-enquire-link-timeout", "1"},
                                               {"x-smpp-receive-timeout", "4"},
                                               {"x-smpp-response-max-waiting-time", "1000"}})));
  REQUIRE(w.wait_state("bound"));
  s.command(R"({"cmd":"fault","drip-ms":100})");
  REQUIRE(w.pump([&] { return s.count("fault-set") >= 1; }, 5s));
  // About 330 octets: over 30 s to arrive at this pace.
  s.command(R"({"cmd":"mo","from":"4915550002","to":"12345","text":")" + std::string(300, 'x') +
            R"("})");
  const auto dripping = steady::now();
  const std::size_t from = w.out.size();
  auto down = w.wait_state("down", 10s, from);
  REQUIRE(down);
  const std::string reason = down->line.str("attributes", "reason");
  CHECK((reason == "enquire_link unanswered for 1.0 s" ||
         reason == "nothing received from the SMSC for 4.0 s"));
  CHECK(s.count("enquire_link") >= 1);  // sent while octets were still arriving
  figure("drip-ms 100 (a 330-octet deliver_sm): link dropped after {:.1f} s ({})",
         ms_between(dripping, down->at) / 1000, reason);
  s.command(R"({"cmd":"fault","drip-ms":0})");
  REQUIRE(w.finish() == 0);
}

TEST_CASE("a short run whose shutdown meets a bind in progress logs no warning", "[fault]") {
  // The SMSC answers the bind after 300 ms; input ends at once: the shutdown comes first.
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--delay-ms", "300"});
  w.start(channel_cfg(s.port, fast_link));
  REQUIRE(w.pump([&] { return s.count("bind") >= 1; }, 5s));
  REQUIRE(w.finish() == 0);
  const std::string& log = w.dms->stderr_text();
  CAPTURE(log);
  CHECK(log.find(" WARN ") == std::string::npos);
  CHECK(log.find("ERROR") == std::string::npos);
  CHECK(s.count("unbind") == 1);  // the unbind followed the bind_resp
}

TEST_CASE("a short run ended at once, again and again, logs no warning", "[fault]") {
  smsc s({"--account", "e2e:e2e-pw", "--quiet"});
  for (int run = 0; run < 5; ++run) {
    CAPTURE(run);
    fault_world w;
    w.start(channel_cfg(s.port, fast_link));
    REQUIRE(w.finish() == 0);
    const std::string& log = w.dms->stderr_text();
    CAPTURE(log);
    CHECK(log.find(" WARN ") == std::string::npos);
  }
}
