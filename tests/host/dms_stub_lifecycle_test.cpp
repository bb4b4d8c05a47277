// dms-stub end of a run: drain, linger, signals, shutdown and exit status.
#include <catch2/catch.hpp>

#include <signal.h>

#include <string>

#include "stub_fixture.hpp"

using namespace smsdrv::test;

namespace {

// Returns once dms-stub has read (and sent) every line written before: a signal stops the
// reading at once, and lines it has not read are not processed.
void sync(stub& s) {
  s.send(R"({"id":"sync","request":"FakeControl","channel":"channel-pager"})");
  s.response("sync");
}

std::string send_sms(const std::string& id, const std::string& user_data = "") {
  return R"({"id":")" + id +
         R"(","request":"SendSMS","channel":"channel-sms1","userData":{"_smsDestNumber":"1")" +
         (user_data.empty() ? "" : "," + user_data) + "}}";
}

}  // namespace

TEST_CASE("lifecycle: end of input waits for outstanding responses", "[stub][lifecycle]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config), {"--app-name", "DMS_900_smsmms"});
  for (int i = 0; i < 20; ++i)
    s->send(send_sms("late" + std::to_string(i), R"("fake-delay-ms":500)"));
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(s->finish() == 0);
  CHECK(std::chrono::steady_clock::now() - started >= 400ms);
  const auto responses = s->seen("esp-response");
  CHECK(responses.size() == 20);
  for (const auto& r : responses)
    CHECK(r.ok());
  const std::string& log = s->log();
  CHECK(log.find("fake: init app=DMS_900_smsmms") != std::string::npos);
  CHECK(log.find("end of input: waiting up to 30 s for 20 outstanding response(s)") !=
        std::string::npos);
  CHECK(log.find("fake: shutdown (unbind)") != std::string::npos);
}

TEST_CASE("lifecycle: requests still open after --drain fail with a timeout", "[stub][lifecycle]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config), {"--drain", "0.3"});
  s->send(send_sms("stuck", R"("fake-never":"true")"));
  s->send(send_sms("fine"));
  CHECK(s->response("fine").ok());
  REQUIRE(s->finish() == 0);
  int stuck = 0;
  for (const auto& r : s->seen("esp-response")) {
    if (r.str("id") != "stuck") continue;
    ++stuck;
    CHECK_FALSE(r.ok());
    CHECK(r.str("channel") == "channel-sms1");
    CHECK(r.str("error", "name") == "SMSDRV_E_TIMEOUT");
    CHECK(r.str("error", "text") ==
          "no response from the driver within --drain 0.3 s after end of input");
  }
  CHECK(stuck == 1);  // the driver's own answer at shutdown is not written again
  // Named with the driver's number for it, which the driver's own lines use.
  CHECK(s->log().find("1 request(s) still unanswered after --drain 0.3 s: stuck (fake request "
                      "1)") != std::string::npos);
}

TEST_CASE("lifecycle: --linger keeps receiving inbound traffic", "[stub][lifecycle]") {
  stub_setup setup;
  const auto cfg = setup.config(standard_config);
  const std::string delayed =
      R"({"id":"in","request":"FakeInbound","channel":"channel-sms1","userData":{"FromAddr":"1","_smsText":"late","fake-delay-ms":"300"}})";
  SECTION("with linger the late message is taken") {
    auto s = setup.start(cfg, {"--linger", "1.5"});
    s->send(delayed);
    REQUIRE(s->finish() == 0);
    CHECK(s->seen("interaction").size() == 1);
    CHECK(s->log().find("lingering 1.5 s for inbound traffic") != std::string::npos);
    CHECK(s->log().find("acked=1 awaiting-ack=0") != std::string::npos);
  }
  SECTION("without linger it is left to the SMSC to deliver again") {
    auto s = setup.start(cfg);
    s->send(delayed);
    CHECK(s->response("in").ok());
    REQUIRE(s->finish() == 0);
    CHECK(s->seen("interaction").empty());
    CHECK(s->log().find("acked=0 awaiting-ack=0") != std::string::npos);
  }
}

TEST_CASE("lifecycle: SIGTERM and SIGINT drain, unbind and exit, naming the signal",
          "[stub][lifecycle]") {
  stub_setup setup;
  const int sig = GENERATE(SIGTERM, SIGINT);
  const std::string name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
  auto s = setup.start(setup.config(standard_config), {"--drain", "0.5"});
  s->send(send_sms("before", R"("fake-delay-ms":300)"));
  s->send(send_sms("stuck", R"("fake-never":"true")"));
  sync(*s);
  s->process().kill(sig);
  CHECK(s->response("before").ok());  // drained
  const auto stuck = s->response("stuck");
  CHECK(stuck.str("error", "name") == "SMSDRV_E_TIMEOUT");
  CHECK(stuck.str("error", "text") ==
        "no response from the driver within --drain 0.5 s after " + name);
  const auto status = s->process().wait(10s);
  REQUIRE(status.has_value());
  CHECK(*status == 0);
  const std::string& log = s->log();
  CHECK(log.find("[dms-stub] " + name + ": stopping: no further input is read") !=
        std::string::npos);
  CHECK(log.find("[dms-stub] " + name + ": waiting up to 0.5 s for ") != std::string::npos);
  CHECK(log.find("fake: shutdown (unbind)") != std::string::npos);
}

TEST_CASE("lifecycle: a second signal skips the rest of the drain", "[stub][lifecycle]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  s->send(send_sms("never", R"("fake-never":"true")"));
  sync(*s);
  s->process().kill(SIGTERM);
  std::optional<std::string> line;
  while ((line = s->process().read_stderr_line(10s)))
    if (line->find("outstanding response") != std::string::npos) break;
  s->process().kill(SIGTERM);
  const auto r = s->response("never");
  CHECK(r.str("error", "name") == "SMSDRV_E_TIMEOUT");
  CHECK(s->process().wait(10s) == 0);
  CHECK(s->log().find("again: skipping the rest of drain and linger") != std::string::npos);
}

TEST_CASE("lifecycle: empty input ends cleanly", "[stub][lifecycle]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  CHECK(s->finish() == 0);
  CHECK(s->seen("esp-response").empty());
}
