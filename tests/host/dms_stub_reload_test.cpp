// dms-stub and SIGHUP: the options file read again while requests flow (docs/esp.md,
// "Reloading the options file"). fakeb is an ABI 1.2 driver (replaces and removes channels),
// fake an ABI 1.0 one (cannot).
#include <catch2/catch.hpp>

#include <signal.h>

#include <map>
#include <string>

#include "stub_fixture.hpp"

using namespace smsdrv::test;

namespace {

std::string send_sms(const std::string& id, const std::string& channel,
                     const std::string& user_data = "") {
  return R"({"id":")" + id + R"(","request":"SendSMS","channel":")" + channel +
         R"(","userData":{"_smsDestNumber":"1")" + (user_data.empty() ? "" : "," + user_data) +
         "}}";
}

// Sends SIGHUP and waits for the reload's outcome in the log: "applied" or "not applied".
std::string reload(stub& s) {
  s.process().kill(SIGHUP);
  for (int i = 0; i < 200; ++i) {
    const auto line = s.process().read_stderr_line(100ms);
    if (line && line->find("SIGHUP: ") != std::string::npos &&
        line->find("applied") != std::string::npos)
      return *line;
  }
  FAIL("no reload outcome in the log:\n" << s.log());
  return {};
}

// The esp-response for id, also when it was read while waiting for another one.
event_line answer(stub& s, const std::string& id) {
  for (const auto& e : s.seen("esp-response"))
    if (e.str("id") == id) return e;
  return s.response(id);
}

// The number of times needle occurs in text.
size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

const char* const before = R"([channel-keep]
driver = fakeb
[channel-change]
driver = fakeb
fake-hold = yes
[channel-gone]
driver = fakeb
fake-hold = yes
)";

// channel-keep as it was (its options in another order), channel-change without fake-hold,
// channel-gone removed, channel-new added.
const char* const after = R"([channel-new]
driver = fakeb
[channel-change]
driver = fakeb
inbound-route = 1:x
[channel-keep]
driver = fakeb
)";

}  // namespace

TEST_CASE("reload: changed, added, removed and unchanged channels while traffic flows",
          "[stub][reload]") {
  stub_setup setup;
  setup.add_module("channel-fakeb", FAKE_DRIVER_B_PATH, "libfakeb.so");
  const auto cfg = setup.config(before);
  auto s = setup.start(cfg, {"--drain", "1"});
  // Held (queued, never sent) by the instances the reload replaces and removes.
  s->send(send_sms("held", "channel-change"));
  s->send(send_sms("doomed", "channel-gone"));
  int keep = 0;
  for (; keep < 50; ++keep)
    s->send(send_sms("k" + std::to_string(keep), "channel-keep"));
  answer(*s, "k49");
  setup.config(after);
  // Traffic on the unchanged channel goes on while the file is applied.
  for (; keep < 300; ++keep) {
    s->send(send_sms("k" + std::to_string(keep), "channel-keep"));
    if (keep == 100) s->process().kill(SIGHUP);
  }
  answer(*s, "k299");
  std::string outcome;
  for (int i = 0; i < 100 && outcome.empty(); ++i) {
    const auto line = s->process().read_stderr_line(100ms);
    if (line && line->find("SIGHUP: ") != std::string::npos &&
        line->find(" applied") != std::string::npos)
      outcome = *line;
  }
  INFO(s->log());
  CHECK(outcome.find("applied: 1 replaced (channel-change); 1 added (channel-new); 1 removed "
                     "(channel-gone); 1 unchanged") != std::string::npos);
  // The held request was sent again to the new instance, which answers it: one answer, ok.
  const auto held = answer(*s, "held");
  CHECK(held.ok());
  // The removed channel's request: never sent, and said so.
  const auto doomed = answer(*s, "doomed");
  CHECK(doomed.str("error", "name") == "SMSDRV_E_SHUT_DOWN");
  s->send(send_sms("new1", "channel-new"));
  CHECK(answer(*s, "new1").ok());
  s->send(send_sms("gone1", "channel-gone"));
  CHECK(answer(*s, "gone1").str("error", "name") == "SMSDRV_E_UNKNOWN_CHANNEL");
  REQUIRE(s->finish() == 0);
  // Exactly one esp-response per request, every one on channel-keep ok.
  std::map<std::string, int> answers;
  for (const auto& r : s->seen("esp-response")) {
    ++answers[r.str("id")];
    if (r.str("id").starts_with("k")) CHECK(r.ok());
  }
  CHECK(answers.size() == 300 + 4);
  for (const auto& [id, n] : answers) {
    CAPTURE(id);
    CHECK(n == 1);
  }
  // The unchanged channel was not touched; the removed one was removed.
  const std::string& log = s->log();
  CHECK(count(log, "fake: configured [channel-keep]") == 1);
  CHECK(log.find("fake: replaced [channel-change]") != std::string::npos);
  CHECK(log.find("fake: removed [channel-gone]") != std::string::npos);
  CHECK(log.find("fake: configured [channel-new]") != std::string::npos);
}

TEST_CASE("reload: a bad file changes nothing and every error is logged", "[stub][reload]") {
  stub_setup setup;
  setup.add_module("channel-fakeb", FAKE_DRIVER_B_PATH, "libfakeb.so");
  const auto cfg = setup.config(before);
  auto s = setup.start(cfg, {"--drain", "1"});
  s->send(send_sms("held", "channel-change"));
  s->send(send_sms("k0", "channel-keep"));
  CHECK(answer(*s, "k0").ok());
  SECTION("two structural errors") {
    setup.config("[channel-keep]\ndriver = fakeb\nbroken line\n[channel-x\n");
    const std::string outcome = reload(*s);
    CHECK(outcome.find("not applied; nothing changed") != std::string::npos);
    CHECK(s->log().find("dms.cfg:3: malformed line") != std::string::npos);
    CHECK(s->log().find("dms.cfg:4: malformed section header '[channel-x'") != std::string::npos);
  }
  SECTION("no channel at all") {
    setup.config("[chanel-keep]\ndriver = fakeb\n");
    CHECK(reload(*s).find("not applied; nothing changed") != std::string::npos);
    CHECK(s->log().find("did you mean [channel-keep]?") != std::string::npos);
  }
  SECTION("a driver refuses a section: what was applied is undone") {
    // Channels are applied in name order: channel-aaa is added, then [channel-gone] (changed)
    // is refused, and channel-aaa is removed again.
    setup.config("[channel-aaa]\ndriver = fakeb\n" + std::string(before) + "fake-refuse = yes\n");
    CHECK(reload(*s).find("not applied; nothing changed") != std::string::npos);
    CHECK(s->log().find("driver fakeb refused [channel-gone]") != std::string::npos);
    CHECK(s->log().find("fake: removed [channel-aaa]") != std::string::npos);
    s->send(send_sms("a", "channel-aaa"));
    CHECK(answer(*s, "a").str("error", "name") == "SMSDRV_E_UNKNOWN_CHANNEL");
  }
  // The channels are as they were.
  s->send(send_sms("k1", "channel-keep"));
  CHECK(answer(*s, "k1").ok());
  s->send(send_sms("g", "channel-gone", R"("fake-never":"true")"));
  REQUIRE(s->finish() == 0);
  // The held request never left its instance: answered at shutdown, once.
  size_t held = 0;
  for (const auto& r : s->seen("esp-response"))
    held += r.str("id") == "held";
  CHECK(held == 1);
  CHECK(s->log().find("fake: replaced") == std::string::npos);
}

TEST_CASE("reload: a driver before ABI 1.2 cannot change a channel: said, nothing changed",
          "[stub][reload]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config));
  s->send(send_sms("p0", "channel-pager"));
  CHECK(answer(*s, "p0").ok());  // serving: SIGHUP is dms-stub's now
  setup.config(std::string(standard_config) + "[channel-extra]\n");  // an added channel: fine
  CHECK(reload(*s).find("applied: 1 added (channel-extra); 2 unchanged") != std::string::npos);
  setup.config("[channel-sms1]\nx-smpp-host = 127.0.0.2\n");  // changed, and pager removed
  CHECK(reload(*s).find("not applied; nothing changed") != std::string::npos);
  CHECK(s->log().find("[channel-sms1] changed, but driver fake cannot replace or remove a "
                      "channel while it runs (driver ABI before 1.2): restart dms-stub to apply "
                      "this") != std::string::npos);
  CHECK(s->log().find("[channel-pager] was removed, but driver fake cannot") != std::string::npos);
  s->send(send_sms("p", "channel-pager"));
  CHECK(answer(*s, "p").ok());
  CHECK(s->finish() == 0);
}
