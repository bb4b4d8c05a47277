// dms-stub and privacy: the PII requests it answers itself, its debug log with user data
// masked by the options file's rules, and the metrics endpoint (docs/privacy.md, metrics.md).
#include <catch2/catch.hpp>

#include <string>

#include "http_get.hpp"
#include "smsdrv/smsdrv.h"
#include "stub_fixture.hpp"

using namespace smsdrv::test;

namespace {

const std::string pii_config = std::string(standard_config) + R"(
[pii-rules]
card-number = \b(?:\d{4}[ -]?){3}\d{4}\b
email = [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}
[pii-masks]
card-number = unhide-last,4
[pii-groups]
contact = email
)";

// The port of "metrics for Prometheus on http://127.0.0.1:<port>/metrics" in the log.
uint16_t metrics_port(stub& s) {
  for (int i = 0; i < 100; ++i) {
    const auto line = s.process().read_stderr_line(std::chrono::milliseconds(100));
    if (!line) continue;
    const auto at = line->find("http://127.0.0.1:");
    if (at != std::string::npos) return static_cast<uint16_t>(std::stoi(line->substr(at + 17)));
  }
  FAIL("no metrics endpoint in the log: " << s.log());
  return 0;
}

}  // namespace

TEST_CASE("privacy: PII requests are answered by dms-stub itself, no channel needed",
          "[stub][privacy]") {
  stub_setup setup;
  auto s = setup.start(setup.config(pii_config));
  s->send(
      R"({"id":"p1","request":"DataByRule","userData":{"Text":"pay 4111 1111 1111 1111","Rule":"card-number"}})");
  auto r = s->response("p1");
  CHECK(r.ok());
  CHECK_FALSE(r.has("channel"));
  CHECK(r.str("userData", "Text") == "pay ***************1111");
  CHECK(r.str("userData", "Matches") == "1");

  s->send(
      R"({"id":"p2","request":"DataByGroup","channel":"channel-sms1","userData":{"Text":"to a@b.de","Group":"contact"}})");
  r = s->response("p2");
  CHECK(r.ok());
  CHECK(r.str("channel") == "channel-sms1");
  CHECK(r.str("userData", "Text") == "to ******");

  s->send(
      R"({"id":"p3","request":"DataByRegEx","userData":{"Text":"PIN 1234","RegEx":"\\d+","Mask":"hide"}})");
  CHECK(s->response("p3").str("userData", "Text") == "PIN ****");

  s->send(R"({"id":"p4","request":"DataByRule","userData":{"Text":"x","Rule":"iban"}})");
  r = s->response("p4");
  CHECK_FALSE(r.ok());
  CHECK(r.str("error", "name") == "SMSDRV_E_BAD_REQUEST");
  CHECK(r.str("error", "text") ==
        "DataByRule: no rule 'iban' in [pii-rules] (rules: card-number, email)");
  CHECK(s->finish() == 0);
}

TEST_CASE("privacy: a bad [pii-rules] line stops the start, named", "[stub][privacy]") {
  stub_setup setup;
  auto s = setup.start(setup.config(std::string(standard_config) + "[pii-rules]\nbad = (\n"));
  CHECK(s->finish() == 1);
  CHECK(s->log().find("dms.cfg:14: [pii-rules] bad = \"(\": not a valid regular expression") !=
        std::string::npos);
}

TEST_CASE("privacy: at debug every request and event is logged, user data masked",
          "[stub][privacy]") {
  stub_setup setup;
  auto s = setup.start(setup.config(std::string(standard_config) + R"(
[log-filter]
default-filter-type = copy
[log-filter-data]
_smsDestNumber = unhide-last,4
_smsText = hide
FromAddr = hide-first,6
x-customer = skip
)"),
                       {"--log-level", "debug"});
  s->send(
      R"({"id":"r1","request":"SendSMS","channel":"channel-sms1","userData":{"_smsDestNumber":"4917612345678","_smsText":"very private","x-customer":"C-991","fake-report":"DELIVRD","x-api-password":"hunter2"}})");
  CHECK(s->response("r1").ok());
  s->send(
      R"({"id":"i1","request":"FakeInbound","channel":"channel-sms1","userData":{"FromAddr":"4930123456","_smsText":"inbound secret"}})");
  bool report = false, interaction = false;
  s->expect(
      [&](const event_line& e) {
        report = report || e.event() == "delivery-report";
        interaction = interaction || e.event() == "interaction";
        return report && interaction;
      },
      "the report and the interaction");
  CHECK(s->finish() == 0);
  const std::string& log = s->log();
  CAPTURE(log);
  for (const char* secret :
       {"4917612345678", "very private", "C-991", "hunter2", "4930123456", "inbound secret"})
    CHECK(log.find(secret) == std::string::npos);
  CHECK(log.find("DEBUG [channel-sms1] line 1: SendSMS r1 {_smsDestNumber=\"*********5678\", "
                 "_smsText=\"****\", fake-report=\"DELIVRD\", x-api-password=\"****\"}") !=
        std::string::npos);
  CHECK(log.find("esp-response r1 ok {_smsMessageId=\"fake-1\"") != std::string::npos);
  CHECK(log.find("interaction paging 101:sms_endpoint {") != std::string::npos);
  CHECK(log.find("FromAddr=\"******3456\"") != std::string::npos);
  CHECK(log.find("delivery-report r1 {") != std::string::npos);
}

TEST_CASE("metrics: --metrics-port serves HTTP on loopback; an ABI 1.0 driver has no metrics",
          "[stub][metrics]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config), {"--metrics-port", "0"});
  const uint16_t port = metrics_port(*s);
  REQUIRE(port != 0);
  const auto metrics = http_get(port, "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.head.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  CHECK(metrics.body.empty());  // the fake driver is an ABI 1.0 driver
  CHECK(http_get(port, "/").status == 200);
  CHECK(http_get(port, "/nope").status == 404);
  CHECK(http_request(port, "POST", "/metrics").status == 405);
  CHECK(http_request(port, "HEAD", "/metrics").body.empty());
  CHECK(s->finish() == 0);
  CHECK(s->log().find("[fake] this driver reports no metrics (driver ABI before 1.1)") !=
        std::string::npos);
}

TEST_CASE("metrics: a port that is taken stops the start, named", "[stub][metrics]") {
  stub_setup setup;
  auto first = setup.start(setup.config(standard_config), {"--metrics-port", "0"});
  const uint16_t port = metrics_port(*first);
  auto second = setup.start(setup.config(standard_config, "second.cfg"),
                            {"--metrics-port", std::to_string(port)});
  CHECK(second->finish() == 1);
  CHECK(second->log().find("--metrics-port: cannot listen on 127.0.0.1:" + std::to_string(port) +
                           ": Address already in use") != std::string::npos);
  CHECK(first->finish() == 0);
}
