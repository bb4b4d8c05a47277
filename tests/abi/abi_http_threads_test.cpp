// HTTP gateway channels with x-http-io-threads (their exchanges on threads of their own): the
// real module through the C ABI against our test gateway (tests/support/http_gateway.py) on
// loopback. Every request gets exactly one response, counted against what reached the gateway;
// the shutdown, a removal and a replacement with exchanges in flight on several threads keep
// "never sent" (SMSDRV_E_SHUT_DOWN) apart from "may have been delivered"
// (SMSDRV_E_OUTCOME_UNKNOWN). Runs in the tsan preset (label abi).
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "abi_host.hpp"
#include "http_peers.hpp"
#include "loopback_listener.hpp"
#include "smsdrv/smsdrv.hpp"

using namespace smsdrv::test;

namespace {

smsdrv::key_values http_options(const std::string& url, int threads, int concurrent) {
  return {{"x-gateway-type", "http"},
          {"x-http-url", url},
          {"x-http-destination-param", "to"},
          {"x-http-message-param", "text"},
          {"x-http-success-contains", "ACK"},
          {"x-http-max-rate", "100000"},
          {"x-http-io-threads", std::to_string(threads)},
          {"x-http-max-concurrent-requests", std::to_string(concurrent)}};
}

std::uint64_t send(smsdrv::driver& d, const std::string& channel, const std::string& text) {
  auto r = d.send(channel, "SendSMS", {{"_smsDestNumber", "4917612345678"}, {"_smsText", text}});
  REQUIRE(r.status == SMSDRV_OK);
  return r.request_id;
}

// Responses until `count` requests have one; a second response to any request fails the test.
std::map<std::uint64_t, std::int32_t> responses(host& h, smsdrv::driver& d, std::size_t count,
                                                std::map<std::uint64_t, std::int32_t> got = {}) {
  while (got.size() < count) {
    auto e = h.next(d, [](const auto& ev) { return ev.type == SMSDRV_EVENT_RESPONSE; });
    REQUIRE(e);
    CAPTURE(e->request_id, e->text);
    CHECK(got.emplace(e->request_id, e->status).second);
  }
  return got;
}

// No response beyond those already counted arrives (polled for a short while).
void no_more_responses(host& h, smsdrv::driver& d) {
  const auto until = std::chrono::steady_clock::now() + 300ms;
  while (std::chrono::steady_clock::now() < until) {
    smsdrv::event ev;
    while (d.poll(ev))
      CHECK(ev.type() != SMSDRV_EVENT_RESPONSE);
    std::this_thread::sleep_for(20ms);
  }
  (void)h;
}

// The texts the gateway received, each with how often.
std::map<std::string, int> texts_at(test_gateway& gw, std::size_t at_least) {
  std::map<std::string, int> seen;
  for (const auto& r : gw.requests(at_least))
    ++seen[r.param("text")];
  return seen;
}

bool logged(host& h, std::string_view what) {
  std::lock_guard lock(h.mutex);
  for (const auto& line : h.logs)
    if (line.find(what) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("three threads: every request one response, each request once at the gateway") {
  test_gateway gw;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  drv.configure("channel-t", http_options(gw.url("/send"), 3, 12));
  CHECK(logged(h, "exchanges on 3 thread(s) of its own"));
  std::set<std::uint64_t> ids;
  for (int i = 0; i < 90; ++i)
    ids.insert(send(drv, "channel-t", "m" + std::to_string(i)));
  const auto got = responses(h, drv, 90);
  for (const auto& [id, status] : got) {
    CAPTURE(id);
    CHECK(ids.count(id) == 1);
    CHECK(status == SMSDRV_OK);
  }
  const auto seen = texts_at(gw, 90);
  CHECK(seen.size() == 90);
  for (const auto& [text, n] : seen) {
    CAPTURE(text);
    CHECK(n == 1);
  }
  // Each thread has connections of its own.
  std::set<int> ports;
  for (const auto& r : gw.requests())
    ports.insert(r.client_port);
  CHECK(ports.size() >= 3);
  CHECK(drv.shutdown(2000) == SMSDRV_OK);
  no_more_responses(h, drv);
}

TEST_CASE("two threads: a reset after the request was written is outcome unknown, not resent") {
  test_gateway gw;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  drv.configure("channel-r", http_options(gw.url("/reset"), 2, 4));
  for (int i = 0; i < 6; ++i)
    send(drv, "channel-r", "r" + std::to_string(i));
  for (const auto& [id, status] : responses(h, drv, 6)) {
    CAPTURE(id);
    CHECK(status == SMSDRV_E_OUTCOME_UNKNOWN);
  }
  std::this_thread::sleep_for(500ms);
  const auto seen = texts_at(gw, 6);
  CHECK(seen.size() == 6);
  for (const auto& [text, n] : seen) {
    CAPTURE(text);
    CHECK(n == 1);
  }
  CHECK(drv.shutdown(2000) == SMSDRV_OK);
  no_more_responses(h, drv);
}

TEST_CASE("shutdown with exchanges in flight on two threads: written unknown, the rest unsent") {
  test_gateway gw;
  // HTTPS to a listener that never answers: the requests wait in the TLS handshake, unwritten.
  std::uint16_t silent_port = 0;
  const int silent = test_support::listen_on_loopback(16, silent_port);
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  drv.configure("channel-slow", http_options(gw.url("/slow/5000"), 2, 4));
  drv.configure("channel-silent",
                http_options("https://127.0.0.1:" + std::to_string(silent_port) + "/send", 2, 2));
  std::vector<std::uint64_t> slow, unsent;
  for (int i = 0; i < 4; ++i)
    slow.push_back(send(drv, "channel-slow", "s" + std::to_string(i)));
  REQUIRE(gw.requests(4).size() == 4);
  for (int i = 0; i < 2; ++i)
    unsent.push_back(send(drv, "channel-slow", "q" + std::to_string(i)));
  for (int i = 0; i < 3; ++i)
    unsent.push_back(send(drv, "channel-silent", "t" + std::to_string(i)));
  std::this_thread::sleep_for(300ms);
  CHECK(drv.shutdown(300) == SMSDRV_OK);
  const auto got = responses(h, drv, 9);
  for (auto id : slow) {
    CAPTURE(id);
    CHECK(got.at(id) == SMSDRV_E_OUTCOME_UNKNOWN);
  }
  for (auto id : unsent) {
    CAPTURE(id);
    CHECK(got.at(id) == SMSDRV_E_SHUT_DOWN);
  }
  no_more_responses(h, drv);
  CHECK(gw.requests().size() == 4);
  ::close(silent);
}

TEST_CASE("removed and replaced with exchanges in flight on two threads") {
  test_gateway gw;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  host h;
  smsdrv::driver drv(mod, h.make());
  drv.configure("channel-gone", http_options(gw.url("/slow/3000"), 2, 4));
  drv.configure("channel-r", http_options(gw.url("/slow/1000"), 2, 4));
  std::vector<std::uint64_t> written, queued, replaced;
  for (int i = 0; i < 4; ++i)
    written.push_back(send(drv, "channel-gone", "g" + std::to_string(i)));
  for (int i = 0; i < 2; ++i)
    replaced.push_back(send(drv, "channel-r", "old" + std::to_string(i)));
  REQUIRE(gw.requests(6).size() == 6);
  for (int i = 0; i < 2; ++i)
    queued.push_back(send(drv, "channel-gone", "q" + std::to_string(i)));

  // The replacement takes new requests; the old instance keeps its exchanges in flight to their
  // answers (x-http-request-timeout).
  drv.configure("channel-r", http_options(gw.url("/send"), 3, 6));
  std::vector<std::uint64_t> fresh;
  for (int i = 0; i < 6; ++i)
    fresh.push_back(send(drv, "channel-r", "new" + std::to_string(i)));
  // Removed: 300 ms for its exchanges in flight, then they are cut.
  drv.remove_channel("channel-gone", 300);
  auto got = responses(h, drv, 14);
  for (auto id : written) {
    CAPTURE(id);
    CHECK(got.at(id) == SMSDRV_E_OUTCOME_UNKNOWN);
  }
  for (auto id : queued) {
    CAPTURE(id);
    CHECK(got.at(id) == SMSDRV_E_SHUT_DOWN);
  }
  for (auto id : replaced) {
    CAPTURE(id);
    CHECK(got.at(id) == SMSDRV_OK);
  }
  for (auto id : fresh) {
    CAPTURE(id);
    CHECK(got.at(id) == SMSDRV_OK);
  }
  // Configuring frees the retired instances once they have finished (their threads joined on the
  // I/O thread, a moment after their last response); the name can be used again.
  std::this_thread::sleep_for(200ms);
  drv.configure("channel-gone", http_options(gw.url("/send"), 2, 2));
  const auto again = send(drv, "channel-gone", "again");
  got = responses(h, drv, 15, std::move(got));
  CHECK(got.at(again) == SMSDRV_OK);
  CHECK(drv.shutdown(2000) == SMSDRV_OK);
  no_more_responses(h, drv);
  const auto seen = texts_at(gw, 6 + 6 + 1);
  CHECK(seen.size() == 13);
  for (const auto& [text, n] : seen) {
    CAPTURE(text);
    CHECK(n == 1);
  }
  CHECK(seen.count("q0") == 0);
}
