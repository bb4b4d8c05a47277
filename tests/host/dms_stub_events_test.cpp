// dms-stub events: interactions with their endpoint, delivery reports, channel states, and the
// no-loss rule (acknowledge only what is written).
#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "smsdrv/smsdrv.h"
#include "stub_fixture.hpp"

using namespace smsdrv::test;

namespace {

std::string inbound(const std::string& id, const std::string& channel, const std::string& from,
                    const std::string& text, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","request":"FakeInbound","channel":")" + channel +
         R"(","userData":{"FromAddr":")" + from + R"(","_smsText":")" + text + "\"" +
         (extra.empty() ? "" : "," + extra) + "}}";
}

bool is_interaction(const event_line& e) {
  return e.event() == "interaction";
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("events: inbound messages go to the paging or the chat endpoint", "[stub][events]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  struct row {
    const char* channel;
    const char* from;
    const char* text;
    const char* endpoint;
    const char* mode;
  };
  const row rows[] = {
      {"channel-sms1", "4930123456", "hello", "101:sms_endpoint", "paging"},
      {"channel-sms1", "+4917612345678", "hello", "101:chat_endpoint", "chat"},    // by address
      {"channel-sms1", "4930123456", "Chat please", "101:chat_endpoint", "chat"},  // by text
      {"channel-sms1", "4930123456", "chatter", "101:sms_endpoint", "paging"},
      {"channel-pager", "+4917612345678", "chat", "102:pager", "paging"},  // no chat endpoint
  };
  int n = 0;
  for (const auto& r : rows) {
    INFO(r.channel << " " << r.from << " " << r.text);
    s->send(inbound("in" + std::to_string(++n), r.channel, r.from, r.text));
    const auto e = s->expect(is_interaction, "an interaction");
    CHECK(e.str("channel") == r.channel);
    CHECK(e.str("endpoint") == r.endpoint);
    CHECK(e.str("mode") == r.mode);
    CHECK(e.str("attributes", "FromAddr") == r.from);
    CHECK(e.str("attributes", "_smsText") == r.text);
    CHECK(e.str("attributes", "MediaType") == "smssession");
  }
  REQUIRE(s->finish() == 0);
  CHECK(count(s->log(), "fake: ack event=") == 5);
  CHECK(count(s->log(), "disposition=0") == 5);
}

TEST_CASE("events: an inbound event is acknowledged only after its line is written",
          "[stub][events]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  // Larger than a pipe's buffer: the write blocks while the test does not read stdout.
  const std::string text(300 * 1024, 'x');
  s->send(inbound("big", "channel-sms1", "4930", text));
  std::this_thread::sleep_for(700ms);
  CHECK(s->log().find("fake: ack event=") == std::string::npos);

  const auto e = s->expect(is_interaction, "the interaction");
  CHECK(e.str("attributes", "_smsText").size() == text.size());
  std::optional<std::string> ack;
  while ((ack = s->process().read_stderr_line(10s)))
    if (ack->find("fake: ack event=") != std::string::npos) break;
  REQUIRE(ack);
  CHECK(ack->find("disposition=0") != std::string::npos);
  CHECK(s->finish() == 0);
}

TEST_CASE("events: many inbound events are all written and acknowledged", "[stub][events]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  s->send(inbound("many", "channel-pager", "4930", "bulk", R"("fake-count":"3000")"));
  for (int i = 0; i < 3000; ++i)
    s->expect(is_interaction, "interaction " + std::to_string(i));
  REQUIRE(s->finish() == 0);
  CHECK(s->log().find("fake: shutdown (unbind) acked=3000 awaiting-ack=0") != std::string::npos);
}

TEST_CASE("events: delivery reports carry the request's id", "[stub][events]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  s->send(
      R"({"id":"dr1","request":"SendSMS","channel":"channel-sms1","userData":{"_smsDestNumber":"1","fake-report":"DELIVRD"}})");
  const auto report = s->expect([](const event_line& e) { return e.event() == "delivery-report"; },
                                "the delivery report");
  CHECK(report.str("id") == "dr1");
  CHECK(report.str("channel") == "channel-sms1");
  CHECK(report.str("attributes", "stat") == "DELIVRD");
  CHECK(report.str("attributes", "_smsMessageId") == "fake-1");

  s->send(
      R"({"id":"dr2","request":"SendSMS","channel":"channel-sms1","userData":{"_smsDestNumber":"1","fake-report":"UNDELIV","fake-report-orphan":"true"}})");
  const auto orphan = s->expect([](const event_line& e) { return e.event() == "delivery-report"; },
                                "the uncorrelated delivery report");
  CHECK_FALSE(orphan.has("id"));
  CHECK(orphan.str("attributes", "stat") == "UNDELIV");
  CHECK(s->finish() == 0);
}

TEST_CASE("events: channel state changes", "[stub][events]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  const auto bound = s->expect([](const event_line& e) { return e.event() == "channel-state"; },
                               "the bound state");
  CHECK(bound.num("status") == 0);
  CHECK(bound.str("name") == "SMSDRV_OK");
  CHECK(bound.str("text") == "bound");
  CHECK(bound.str("attributes", "state") == "bound");

  s->send(
      R"({"id":"st","request":"FakeState","channel":"channel-pager","userData":{"fake-status":"-11","fake-text":"link lost"}})");
  const auto down = s->expect(
      [](const event_line& e) { return e.event() == "channel-state" && e.num("status") != 0; },
      "the down state");
  CHECK(down.str("channel") == "channel-pager");
  CHECK(down.num("status") == SMSDRV_E_CHANNEL_DOWN);
  CHECK(down.str("name") == "SMSDRV_E_CHANNEL_DOWN");
  CHECK(down.str("text") == "link lost");
  CHECK(s->finish() == 0);
  // Shutting down unbinds every channel.
  int unbound = 0;
  for (const auto& e : s->seen("channel-state"))
    unbound += e.str("text") == "unbound" ? 1 : 0;
  CHECK(unbound == 2);
}
