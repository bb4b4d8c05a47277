// Shutdown over loopback, with the module driven through the C ABI by this test (a host of its
// own, so that shutdown(drain) is called while requests are queued and in flight) against
// smsc-sim: a request never written ends SMSDRV_E_SHUT_DOWN, one written and unanswered when
// the drain ends SMSDRV_E_OUTCOME_UNKNOWN, a long message stopped part-way never OK; every
// request has its one RESPONSE when shutdown() returns. The same for a channel of two binds
// (x-smpp-sessions) shut down, removed (remove_channel) and replaced (configure again) with
// requests in flight on both binds and waiting in the channel's queue.
#include <condition_variable>
#include <map>
#include <mutex>

#include "fault_fixture.hpp"
#include "smsdrv/smsdrv.hpp"

using namespace smsdrv::test;

namespace {

struct abi_host {
  std::mutex mutex;
  std::condition_variable cv;
  int notifications = 0;

  smsdrv_host make() {
    smsdrv_host h{};
    h.struct_size = sizeof h;
    h.context = this;
    h.notify = [](void* ctx) {
      auto* self = static_cast<abi_host*>(ctx);
      std::lock_guard lock(self->mutex);
      ++self->notifications;
      self->cv.notify_all();
    };
    h.log = [](void*, std::int32_t, const char*, const char*) {};
    h.application_name = "shutdown_fault_test";
    h.log_level = SMSDRV_LOG_INFO;
    return h;
  }

  void wait_notified(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    const int seen = notifications;
    cv.wait_for(lock, timeout, [&] { return notifications != seen; });
  }
};

struct response {
  std::int32_t status;
  std::string text;
  std::map<std::string, std::string> attrs;
};

// Every RESPONSE event polled now, by request id (each id at most once, else the test fails).
std::map<std::uint64_t, response> poll_responses(smsdrv::driver& d) {
  std::map<std::uint64_t, response> out;
  smsdrv::event ev;
  while (d.poll(ev)) {
    if (ev.type() != SMSDRV_EVENT_RESPONSE) continue;
    response r{ev.raw.status, std::string(ev.text()), {}};
    for (std::uint32_t i = 0; i < ev.size(); ++i)
      r.attrs[std::string(ev.key(i))] = std::string(ev.value(i));
    CHECK(out.emplace(ev.raw.request_id, std::move(r)).second);
  }
  return out;
}

bool wait_bound(smsdrv::driver& d, abi_host& h) {
  const auto deadline = steady::now() + 10s;
  smsdrv::event ev;
  while (steady::now() < deadline) {
    while (d.poll(ev))
      if (ev.type() == SMSDRV_EVENT_CHANNEL_STATE && ev.attribute("state") == "bound") return true;
    h.wait_notified(100ms);
  }
  return false;
}

smsdrv::key_values options(int port, smsdrv::key_values more) {
  smsdrv::key_values o{{"x-smpp-host", "127.0.0.1"},
                       {"x-smpp-port", std::to_string(port)},
                       {"x-smpp-system-id", "e2e"},
                       {"password", "e2e-pw"},
                       {"x-smpp-submit-max-rate", "1000"}};
  o.insert(o.end(), more.begin(), more.end());
  return o;
}

// The text of a submit_sm event of smsc-sim (GSM 03.38 unpacked: ASCII for these texts).
std::string text_of(const json_line& submit) {
  const std::string hex = submit.str("short_message");
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

TEST_CASE("shutdown: never written ends SHUT_DOWN, in flight at the drain's end OUTCOME_UNKNOWN",
          "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--no-submit-resp"});
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  abi_host h;
  smsdrv::driver d(mod, h.make());
  // Submissions are never answered; their own timeout (2 s) is longer than the drain (0.5 s).
  d.configure("channel-sms1", options(s.port, {{"x-smpp-submit-window-size", "10"},
                                               {"x-smpp-response-max-waiting-time", "2000"}}));
  REQUIRE(wait_bound(d, h));
  std::map<std::uint64_t, std::string> text_of_request;
  for (int i = 1; i <= 50; ++i) {
    const std::string text = fmt::format("q{:04}", i);
    auto r =
        d.send("channel-sms1", "SendSMS", {{"_smsDestNumber", "4915550001"}, {"_smsText", text}});
    REQUIRE(r);
    text_of_request[r.request_id] = text;
  }
  REQUIRE(w.pump([&] { return s.count("submit_sm") >= 10; }));
  // Now the SMSC hangs: not even the unbind is answered.
  s.command(R"({"cmd":"fault","silent":true})");
  REQUIRE(w.pump([&] { return s.count("fault-set") >= 1; }));
  CHECK(d.shutdown(500) == SMSDRV_OK);
  w.pump([] { return false; }, 200ms);

  std::set<std::string> seen_by_smsc;
  for (const auto& t : s.all("submit_sm"))
    seen_by_smsc.insert(text_of(t.line));
  CHECK(seen_by_smsc.size() == 10);  // the window
  const auto responses = poll_responses(d);
  REQUIRE(responses.size() == 50);
  std::map<std::string, std::size_t> outcome;
  for (const auto& [id, r] : responses) {
    CAPTURE(id, r.text);
    const std::string name = smsdrv::status_name(r.status);
    ++outcome[name];
    if (seen_by_smsc.count(text_of_request.at(id))) {
      CHECK(name == "SMSDRV_E_OUTCOME_UNKNOWN");
      CHECK(r.text.find("drain deadline") != std::string::npos);
    } else {
      CHECK(name == "SMSDRV_E_SHUT_DOWN");
      CHECK(r.text == "the driver shut down before the message was sent");
    }
  }
  figure(
      "shutdown(500 ms), 50 requests, window 10, the SMSC hung: {} SHUT_DOWN (never written), "
      "{} OUTCOME_UNKNOWN (written, unanswered at the drain's end)",
      outcome["SMSDRV_E_SHUT_DOWN"], outcome["SMSDRV_E_OUTCOME_UNKNOWN"]);
}

TEST_CASE("shutdown after the first segment of a long message went out: not OK, says so",
          "[fault]") {
  fault_world w;
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--delay-ms", "400"});
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  abi_host h;
  smsdrv::driver d(mod, h.make());
  d.configure("channel-sms1", options(s.port, {{"x-smpp-submit-window-size", "1"}}));
  REQUIRE(wait_bound(d, h));
  auto r = d.send("channel-sms1", "SendSMS",
                  {{"_smsDestNumber", "4915550001"}, {"_smsText", std::string(400, 'a')}});
  REQUIRE(r);
  REQUIRE(w.pump([&] { return s.count("submit_sm") >= 1; }));
  CHECK(d.shutdown(5000) == SMSDRV_OK);  // segment 1's answer comes during the drain
  w.pump([] { return false; }, 200ms);
  CHECK(s.count("submit_sm") == 1);
  CHECK(s.accepted() == 1);
  const auto responses = poll_responses(d);
  REQUIRE(responses.size() == 1);
  const response& got = responses.at(r.request_id);
  CAPTURE(got.text);
  CHECK(std::string(smsdrv::status_name(got.status)) == "SMSDRV_E_SHUT_DOWN");
  const std::string id = s.all("submit_sm").at(0).line.str("message_id");
  CHECK(got.text == "the driver shut down after segment 1 of 3 was sent and accepted (message id " +
                        id + "); segments 2 to 3 were never sent");
  CHECK(got.attrs.at("_smsMessageIds") == id + ",,");
  CHECK(got.attrs.at("_smsFailedSegment") == "2/3");
  CHECK(got.attrs.at("_smsSegments") == "3");
}

namespace {

// A channel of two binds (x-smpp-sessions 2, window 5 each) against an SMSC that answers no
// submission: 10 requests written (5 on each bind), 20 waiting in the channel's queue.
struct two_binds_stalled {
  fault_world w;
  smsc& s = w.add_smsc({"--account", "e2e:e2e-pw", "--no-submit-resp"});
  smsdrv::module mod{SMSDRV_MODULE_PATH};
  abi_host h;
  smsdrv::driver d{mod, h.make()};
  std::map<std::uint64_t, std::string> text_of_request;
  std::map<std::uint64_t, response> responses;

  two_binds_stalled() {
    d.configure("channel-sms1", options(s.port, {{"x-smpp-sessions", "2"},
                                                 {"x-smpp-submit-window-size", "5"},
                                                 {"x-smpp-response-max-waiting-time", "1000"}}));
    REQUIRE(wait_both_bound());
    for (int i = 1; i <= 30; ++i) {
      const std::string text = fmt::format("b{:04}", i);
      auto r =
          d.send("channel-sms1", "SendSMS", {{"_smsDestNumber", "4915550001"}, {"_smsText", text}});
      REQUIRE(r);
      text_of_request[r.request_id] = text;
    }
    REQUIRE(w.pump([&] { return s.count("submit_sm") >= 10; }));
    w.pump([] { return false; }, 200ms);
    REQUIRE(s.count("submit_sm") == 10);
  }
  bool wait_both_bound() {
    const auto deadline = steady::now() + 10s;
    smsdrv::event ev;
    while (steady::now() < deadline) {
      while (d.poll(ev))
        if (ev.type() == SMSDRV_EVENT_CHANNEL_STATE && ev.attribute("sessionsBound") == "2")
          return true;
      h.wait_notified(100ms);
    }
    return false;
  }
  // Polls until every request of text_of_request has its RESPONSE (each once) or 10 s pass.
  bool all_answered() {
    const auto deadline = steady::now() + 10s;
    while (steady::now() < deadline) {
      for (auto& [id, r] : poll_responses(d))
        CHECK(responses.emplace(id, std::move(r)).second);
      std::size_t n = 0;
      for (const auto& [id, text] : text_of_request)
        n += responses.count(id);
      if (n == text_of_request.size()) return true;
      w.pump([] { return false; }, 20ms);
      h.wait_notified(50ms);
    }
    return false;
  }
  // Written to the SMSC: never OK, never SHUT_DOWN (it may have been taken); never written:
  // SHUT_DOWN, safe to send again.
  void check_outcomes() {
    std::set<std::string> written;
    for (const auto& t : s.all("submit_sm"))
      written.insert(text_of(t.line));
    CHECK(written.size() == 10);
    std::size_t shut_down = 0;
    for (const auto& [id, text] : text_of_request) {
      const response& r = responses.at(id);
      CAPTURE(text, r.text);
      if (written.count(text)) {
        CHECK(r.status != SMSDRV_OK);
        CHECK(r.status != SMSDRV_E_SHUT_DOWN);
      } else {
        CHECK(r.status == SMSDRV_E_SHUT_DOWN);
        ++shut_down;
      }
    }
    CHECK(shut_down == 20);
  }
};

}  // namespace

TEST_CASE("two binds, shut down with requests in flight on both and queued: one outcome each",
          "[fault]") {
  two_binds_stalled t;
  CHECK(t.d.shutdown(500) == SMSDRV_OK);
  REQUIRE(t.all_answered());
  t.check_outcomes();
  for (const auto& [id, r] : t.responses)
    if (r.status != SMSDRV_E_SHUT_DOWN) CHECK(r.status == SMSDRV_E_OUTCOME_UNKNOWN);
}

TEST_CASE("two binds, the channel removed with requests in flight and queued: one outcome each",
          "[fault]") {
  two_binds_stalled t;
  t.d.remove_channel("channel-sms1", 300);
  REQUIRE(t.all_answered());
  t.check_outcomes();
  CHECK(t.d.shutdown(1000) == SMSDRV_OK);
  CHECK(poll_responses(t.d).empty());  // nothing more, for no request
}

TEST_CASE("two binds, the channel replaced with requests in flight and queued: one outcome each",
          "[fault]") {
  two_binds_stalled t;
  auto& fresh = t.w.add_smsc({"--account", "e2e:e2e-pw"});
  t.d.configure("channel-sms1", options(fresh.port, {{"x-smpp-sessions", "2"},
                                                     {"x-smpp-submit-window-size", "5"}}));
  auto after = t.d.send("channel-sms1", "SendSMS",
                        {{"_smsDestNumber", "4915550001"}, {"_smsText", "after"}});
  REQUIRE(after);
  t.text_of_request[after.request_id] = "after";
  REQUIRE(t.all_answered());
  CHECK(t.responses.at(after.request_id).status == SMSDRV_OK);
  t.text_of_request.erase(after.request_id);
  t.check_outcomes();
  CHECK(fresh.count("submit_sm") == 1);  // only the new request went to the new instance
  CHECK(t.d.shutdown(1000) == SMSDRV_OK);
}
