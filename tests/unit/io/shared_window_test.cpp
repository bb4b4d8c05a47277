// The account-wide window against a real redis-server started by the test: the claim script's
// rule (grants within the window, the floor, a dead host's slots back after its TTL, nothing
// left behind), two io::shared_window hosts whose answers come late never above the window
// together, and Redis killed -> the local share (one mode change), Redis back -> shared.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "flow/window_slots.hpp"
#include "io/shared_window.hpp"
#include "redis_server.hpp"
#include "sync_redis.hpp"

using namespace smsdrv;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

using test::run_until;

// The window's script and what it leaves in Redis.
struct window_redis : test::sync_redis {
  using sync_redis::sync_redis;
  // The claim script: {held, others}.
  std::pair<long long, long long> claim(const std::string& key, const std::string& host, int target,
                                        int floor, int window, int ttl_ms) {
    redisReply* r = command({"EVAL", std::string(flow::window_claim_script), "1", key, host,
                             std::to_string(target), std::to_string(floor), std::to_string(window),
                             std::to_string(ttl_ms)});
    REQUIRE(r != nullptr);
    INFO((r->str ? r->str : ""));
    REQUIRE(r->type == REDIS_REPLY_ARRAY);
    REQUIRE(r->elements == 2);
    std::pair<long long, long long> out{r->element[0]->integer, r->element[1]->integer};
    freeReplyObject(r);
    return out;
  }
  long long hlen(const std::string& key) {
    redisReply* r = command({"HLEN", key});
    const long long n = r->integer;
    freeReplyObject(r);
    return n;
  }
};

// A host writing as fast as its window allows, each submission answered `delay` later.
struct writer {
  std::deque<clock_type::time_point> out;  // answer times, in order
  std::unique_ptr<io::shared_window> w;
  boost::asio::steady_timer timer;
  std::chrono::milliseconds delay;
  std::vector<flow::window_mode> modes;
  std::uint64_t written = 0;
  bool running = true;

  writer(boost::asio::io_context& io, std::uint16_t port, const std::string& id,
         std::uint32_t window, std::chrono::milliseconds d)
      : timer(io), delay(d) {
    io::shared_window_config c;
    c.redis.port = port;
    c.account = "acct";
    c.host_id = id;
    c.window.window = window;
    c.window.batch = 2;
    c.window.local_share_percent = 25;
    c.window.retry_after_failure = 200ms;
    c.redis_timeout = 200ms;
    w = std::make_unique<io::shared_window>(
        io, std::move(c), [this] { return static_cast<std::uint32_t>(out.size()); },
        [this](flow::window_mode m, const std::string&) { modes.push_back(m); }, [] {});
    tick();
  }
  void tick() {
    if (!running) return;
    const auto now = clock_type::now();
    bool answered = false;
    while (!out.empty() && out.front() <= now) {
      out.pop_front();
      answered = true;
    }
    if (answered) w->released(now);
    while (w->try_take(now)) {
      out.push_back(now + delay);
      ++written;
    }
    timer.expires_after(1ms);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }
};

}  // namespace

TEST_CASE("the claim script: within the window, the floor, a dead host's slots expire", "[redis]") {
  test::redis_server redis;
  window_redis r(redis.port());
  const std::string key = io::shared_window_key("acct");
  CHECK(key == "smsdrv:window:{acct}");
  CHECK(r.claim(key, "a", 5, 0, 8, 60000) == std::pair{5LL, 0LL});
  CHECK(r.claim(key, "b", 5, 0, 8, 60000) == std::pair{3LL, 5LL});
  CHECK(r.claim(key, "b", 6, 0, 8, 60000) == std::pair{3LL, 5LL});  // full
  CHECK(r.claim(key, "a", 2, 0, 8, 60000) == std::pair{2LL, 3LL});  // gives back 3
  CHECK(r.claim(key, "b", 6, 0, 8, 60000) == std::pair{6LL, 2LL});
  // The floor: what is out is recorded even above the window.
  CHECK(r.claim(key, "c", 4, 3, 8, 60000) == std::pair{3LL, 8LL});
  // Giving everything back removes the host's fields.
  CHECK(r.claim(key, "c", 0, 0, 8, 60000) == std::pair{0LL, 8LL});
  CHECK(r.hlen(key) == 4);  // s: and e: of a and b
  // A host that stops refreshing: its slots come back after its TTL.
  CHECK(r.claim(key, "a", 0, 0, 8, 60000).first == 0);
  CHECK(r.claim(key, "b", 6, 0, 8, 150).first == 6);
  CHECK(r.claim(key, "d", 8, 0, 8, 60000) == std::pair{2LL, 6LL});
  std::this_thread::sleep_for(250ms);
  CHECK(r.claim(key, "d", 8, 0, 8, 60000) == std::pair{8LL, 0LL});
  CHECK(r.hlen(key) == 2);
}

TEST_CASE("two hosts whose answers come late stay within the account's window", "[redis]") {
  test::redis_server redis;
  boost::asio::io_context io;
  writer a(io, redis.port(), "host-a", 8, 30ms);
  writer b(io, redis.port(), "host-b", 8, 30ms);
  std::size_t peak = 0;
  const auto end = clock_type::now() + 1500ms;
  while (clock_type::now() < end) {
    io.run_for(1ms);
    io.restart();
    const std::size_t sum = a.out.size() + b.out.size();
    peak = std::max(peak, sum);
    REQUIRE(sum <= 8);
  }
  CHECK(peak == 8);
  // Both hosts had their turn: neither kept the window to itself.
  CHECK(a.written > 20);
  CHECK(b.written > 20);
  CHECK(a.modes.empty());
  a.running = b.running = false;
}

TEST_CASE("Redis killed: the local share of the window, one mode change; back: shared", "[redis]") {
  test::redis_server redis;
  boost::asio::io_context io;
  writer a(io, redis.port(), "host-a", 8, 20ms);
  run_until(
      io, [&] { return a.written > 50; }, 5000ms);
  REQUIRE(a.written > 50);
  redis.stop();
  run_until(
      io, [&] { return !a.modes.empty(); }, 5000ms);
  REQUIRE(a.modes.size() == 1);
  CHECK(a.modes[0] == flow::window_mode::fallback);
  // The local share: 25 % of 8, once what was out in shared mode is answered (20 ms).
  run_until(
      io, [] { return false; }, 100ms);
  std::size_t peak = 0;
  const auto written = a.written;
  const auto end = clock_type::now() + 500ms;
  while (clock_type::now() < end) {
    io.run_for(1ms);
    io.restart();
    peak = std::max(peak, a.out.size());
  }
  CHECK(peak == 2);
  CHECK(a.written > written + 10);  // it still sends
  CHECK(a.modes.size() == 1);
  redis.start();
  run_until(
      io, [&] { return a.modes.size() == 2; }, 5000ms);
  REQUIRE(a.modes.size() == 2);
  CHECK(a.modes[1] == flow::window_mode::shared);
  a.running = false;
}
