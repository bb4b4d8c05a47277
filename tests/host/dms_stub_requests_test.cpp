// dms-stub requests: JSON lines on stdin to esp-responses and error events on stdout.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "smsdrv/smsdrv.h"
#include "stub_fixture.hpp"

using namespace smsdrv::test;

namespace {

// A SendSMS line; user_data is the inside of the userData object.
std::string send_sms(const std::string& id, const std::string& user_data,
                     const std::string& channel = "channel-sms1") {
  return R"({"id":")" + id + R"(","request":"SendSMS","channel":")" + channel +
         R"(","userData":{"_smsDestNumber":"4917612345678","_smsText":"Hello")" +
         (user_data.empty() ? "" : "," + user_data) + "}}";
}

}  // namespace

TEST_CASE("requests: SendSMS gets its esp-response with the driver's attributes",
          "[stub][requests]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  s->send(send_sms("r1", R"("fake-echo":"true","count":3,"ratio":0.5,"flash":false)"));
  const auto r = s->response("r1");
  CHECK(r.ok());
  CHECK(r.str("channel") == "channel-sms1");
  CHECK(r.str("userData", "_smsMessageId") == "fake-1");
  CHECK(r.str("userData", "echo._smsDestNumber") == "4917612345678");
  CHECK(r.str("userData", "echo.count") == "3");
  CHECK(r.str("userData", "echo.ratio") == "0.5");
  CHECK(r.str("userData", "echo.flash") == "false");
  CHECK_FALSE(r.has("error"));

  // The channel may be named by _umsChannel, as a strategy does.
  s->send(
      R"({"id":"r2","request":"SendSMS","userData":{"_umsChannel":"channel-pager","_smsDestNumber":"1"}})");
  CHECK(s->response("r2").str("channel") == "channel-pager");
  CHECK(s->finish() == 0);
}

TEST_CASE("requests: failures carry code, name and text", "[stub][requests]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  SECTION("the driver answers with a failure") {
    s->send(send_sms("r1", R"("fake-status":-9)"));
    const auto r = s->response("r1");
    CHECK_FALSE(r.ok());
    CHECK(r.num("error", "code") == SMSDRV_E_SMSC_REJECTED);
    CHECK(r.str("error", "name") == "SMSDRV_E_SMSC_REJECTED");
    CHECK(r.str("error", "text") == "fake failure as asked");
  }
  SECTION("send() refuses the request") {
    s->send(
        R"({"id":"r1","request":"SendSMS","channel":"channel-sms1","userData":{"_smsText":"x"}})");
    const auto r = s->response("r1");
    CHECK_FALSE(r.ok());
    CHECK(r.num("error", "code") == SMSDRV_E_BAD_REQUEST);
    CHECK(r.str("error", "name") == "SMSDRV_E_BAD_REQUEST");
    CHECK(r.str("error", "text") == "userData._smsDestNumber is required");
  }
  SECTION("a request the driver does not handle") {
    s->send(R"({"id":"r1","request":"SendFax","channel":"channel-sms1"})");
    const auto r = s->response("r1");
    CHECK(r.str("error", "name") == "SMSDRV_E_UNSUPPORTED_REQUEST");
    CHECK(r.str("error", "text").find("\"SendFax\" is not handled") != std::string::npos);
  }
  CHECK(s->finish() == 0);
}

TEST_CASE("requests: bad input gets an error and the stub keeps going", "[stub][requests]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  s->send("this is not json");
  s->send("");
  s->send(R"({"request":"SendSMS","channel":"channel-nope","userData":{"_smsDestNumber":"1"}})");
  s->send(send_sms("r4", "", "channel-nope"));
  s->send(R"({"id":"r5","channel":"channel-sms1"})");
  s->send(R"({"id":"r6","request":"SendSMS","channel":"channel-sms1","userData":{"a":{"b":"c"}}})");
  s->send(R"({"id":7})");
  s->send(send_sms("r8", ""));

  // The stub's own answers may come before or after driver events: match by line and id.
  REQUIRE(s->finish() == 0);
  auto error_for = [&](int64_t line) {
    for (const auto& e : s->seen("error"))
      if (e.num("line") == line) return e;
    FAIL("no error event for line " << line);
    return event_line{};
  };
  auto response_for = [&](const std::string& id) {
    for (const auto& e : s->seen("esp-response"))
      if (e.str("id") == id) return e;
    FAIL("no esp-response for " << id);
    return event_line{};
  };

  const auto bad_json = error_for(1);
  CHECK(bad_json.str("error", "name") == "SMSDRV_E_INVALID_ARGUMENT");
  CHECK(bad_json.str("error", "text") == "invalid JSON at column 2: Invalid value.");

  const auto unknown_no_id = error_for(3);
  CHECK(unknown_no_id.str("error", "name") == "SMSDRV_E_UNKNOWN_CHANNEL");
  CHECK(unknown_no_id.str("error", "text") ==
        "no channel \"channel-nope\" is configured (configured: channel-pager, channel-sms1)");

  const auto r4 = response_for("r4");
  CHECK_FALSE(r4.ok());
  CHECK(r4.num("error", "code") == SMSDRV_E_UNKNOWN_CHANNEL);

  const auto r5 = response_for("r5");
  CHECK(r5.str("error", "text") == "missing member \"request\", e.g. \"SendSMS\"");

  const auto r6 = response_for("r6");
  CHECK(r6.str("error", "name") == "SMSDRV_E_BAD_REQUEST");
  CHECK(r6.str("error", "text").rfind("userData.a is an object", 0) == 0);

  CHECK(error_for(7).str("error", "text") == "id must be a non-empty string");

  CHECK(response_for("r8").ok());
  CHECK(s->seen("error").size() == 3);  // the blank line 2 is ignored
}

TEST_CASE("requests: an id already in flight is refused", "[stub][requests]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config), {"--drain", "0.3"});
  s->send(send_sms("dup", R"("fake-never":"true")"));
  s->send(send_sms("dup", ""));
  const auto refused = s->expect([](const event_line& e) { return e.event() == "error"; },
                                 "an error event for the duplicate");
  CHECK(refused.num("line") == 2);
  CHECK(refused.str("id") == "dup");
  CHECK(refused.str("error", "text") ==
        "id \"dup\" is already in flight; ids must be unique until answered");
  CHECK(s->finish() == 0);
  // Exactly one esp-response for the id: the drain timeout of the first request.
  const auto responses = s->seen("esp-response");
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].str("error", "name") == "SMSDRV_E_TIMEOUT");

  // Once answered, the id may be used again.
  auto again = setup.start(setup.dir().file("dms.cfg"));
  again->send(send_sms("same", ""));
  CHECK(again->response("same").ok());
  again->send(send_sms("same", ""));
  CHECK(again->response("same").ok());
  CHECK(again->finish() == 0);
}

TEST_CASE("requests: SMSDRV_E_QUEUE_FULL is answered at once, logged once per episode",
          "[stub][requests]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  s->send(
      R"({"id":"c1","request":"FakeControl","channel":"channel-sms1","userData":{"queue-full":"3"}})");
  CHECK(s->response("c1").ok());
  for (const char* id : {"q1", "q2", "q3"}) {
    s->send(send_sms(id, ""));
    const auto r = s->response(id);
    CHECK_FALSE(r.ok());
    CHECK(r.str("error", "name") == "SMSDRV_E_QUEUE_FULL");
    CHECK(r.str("error", "text") == "queue full (scripted)");  // the driver's explanation
  }
  s->send(send_sms("r1", ""));
  const auto r = s->response("r1");
  CHECK(r.ok());
  CHECK(r.str("userData", "fake-queue-full-refusals") == "3");  // no retry behind the host's back
  CHECK(s->finish() == 0);
  const std::string& log = s->log();
  const auto full = log.find("[channel-sms1] queue full: requests to this channel are refused");
  CHECK(full != std::string::npos);
  INFO(log);
  CHECK(log.find("queue full:", full + 20) == std::string::npos);
  CHECK(log.find("[channel-sms1] queue has room again; 3 request(s) were refused") !=
        std::string::npos);
}

TEST_CASE("requests: at debug, each accepted request names the driver's number for it",
          "[stub][requests]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config), {"--log-level", "debug"});
  s->send(send_sms("r1", ""));
  s->send(send_sms("r2", "", "channel-pager"));
  const std::string n1 = s->response("r1").str("userData", "_smsMessageId").substr(5);
  const std::string n2 = s->response("r2").str("userData", "_smsMessageId").substr(5);
  CHECK(s->finish() == 0);
  // The driver's lines say "request <n>": these lead from <n> to the host's id.
  CHECK(s->log().find("[channel-sms1] line 1: SendSMS r1 is fake request " + n1 + "\n") !=
        std::string::npos);
  CHECK(s->log().find("[channel-pager] line 2: SendSMS r2 is fake request " + n2 + "\n") !=
        std::string::npos);
}

TEST_CASE("requests: every request with an id gets exactly one esp-response", "[stub][requests]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  constexpr int count = 5000;
  std::string batch;
  for (int i = 0; i < count; ++i) {
    batch += send_sms("m" + std::to_string(i), i % 7 == 0 ? R"("fake-status":-10)" : "",
                      i % 2 ? "channel-sms1" : "channel-pager");
    batch += '\n';
  }
  s->process().write(batch);
  CHECK(s->finish() == 0);
  std::set<std::string> ids;
  int failed = 0;
  for (const auto& r : s->seen("esp-response")) {
    CHECK(ids.insert(r.str("id")).second);
    failed += r.ok() ? 0 : 1;
  }
  CHECK(ids.size() == count);
  CHECK(failed == (count + 6) / 7);
}
