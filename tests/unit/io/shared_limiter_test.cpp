// The account-wide rate limit against a real redis-server started by the test: the Lua script
// gives exactly gcra_take()'s answers; EVALSHA falls back to EVAL after SCRIPT FLUSH; a hung
// server times out and the client reconnects; the password never shows; two limiters sharing
// one account hold its rate; Redis killed -> the local share (a mode event), Redis back ->
// shared.
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "flow/shared_gcra.hpp"
#include "io/redis_client.hpp"
#include "io/shared_limiter.hpp"
#include "redis_server.hpp"
#include "sync_redis.hpp"

using namespace smsdrv;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

using test::run_until;
using test::sync_redis;

// Sends through `l` as fast as it allows, every millisecond, counting what it took.
struct sender {
  io::shared_rate_limiter& l;
  boost::asio::steady_timer timer;
  std::vector<clock_type::time_point> sent;
  bool running = true;

  sender(boost::asio::io_context& io, io::shared_rate_limiter& limiter) : l(limiter), timer(io) {
    tick();
  }
  void tick() {
    if (!running) return;
    const auto now = clock_type::now();
    while (l.try_take(now))
      sent.push_back(now);
    timer.expires_after(1ms);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }
  std::size_t between(clock_type::time_point a, clock_type::time_point b) const {
    return static_cast<std::size_t>(
        std::count_if(sent.begin(), sent.end(), [&](auto t) { return t >= a && t < b; }));
  }
};

io::shared_limits_config config_for(std::uint16_t port, std::uint32_t rate,
                                    std::uint32_t lease_size, std::string password = {}) {
  io::shared_limits_config c;
  c.redis.port = port;
  c.redis.password = std::move(password);
  c.account = "test-account";
  c.lease.account_rate = rate;
  c.lease.lease_size = lease_size;
  c.lease.local_share_percent = 25;
  c.lease.lease_ttl = 1000ms;
  c.lease.retry_after_failure = 300ms;
  c.redis_timeout = 300ms;
  return c;
}

}  // namespace

TEST_CASE("the Lua script answers exactly as gcra_take, step by step", "[redis]") {
  test::redis_server redis;
  sync_redis r(redis.port());
  std::mt19937_64 rng(7);
  for (const auto& [rate, burst] : {std::pair{3u, 1u}, {7u, 5u}, {300u, 20u}, {100000u, 50u}}) {
    flow::gcra_state mirror;
    std::int64_t now = 1'733'000'000'123'456'000;  // ns; Redis's clock has microseconds
    const std::string key = "gcra-test:" + std::to_string(rate);
    for (int step = 0; step < 300; ++step) {
      now += static_cast<std::int64_t>(rng() % (3'000'000 / rate + 50)) * 1000;
      const auto count = static_cast<std::uint32_t>(rng() % 12);
      // Now and then a debit of up to a second's worth of the rate (a host back from its share).
      const auto debit = rng() % 20 == 0 ? static_cast<std::uint32_t>(rng() % (rate + 1)) : 0u;
      const flow::gcra_grant want = flow::gcra_take(mirror, now, rate, burst, count, debit);
      redisReply* got =
          r.command({"EVAL", std::string(flow::gcra_lease_script), "1", key, std::to_string(rate),
                     std::to_string(burst), std::to_string(count), std::to_string(debit),
                     std::to_string(now / 1'000'000'000), std::to_string(now % 1'000'000'000)});
      REQUIRE(got != nullptr);
      INFO("rate " << rate << " step " << step << " debit " << debit << " "
                   << (got->str ? got->str : ""));
      REQUIRE(got->type == REDIS_REPLY_ARRAY);
      CHECK(got->element[0]->integer == want.granted);
      CHECK(got->element[1]->integer == (want.retry_after_ns + 999) / 1000);
      freeReplyObject(got);
    }
  }
}

TEST_CASE("redis_client: EVALSHA, EVAL after SCRIPT FLUSH, errors name Redis, never the password",
          "[redis]") {
  test::redis_options with_password;
  with_password.password = "s3cr3t-pw";
  test::redis_server redis(with_password);
  boost::asio::io_context io;
  std::vector<io::redis_lease_reply> replies;
  auto keep = [&](const io::redis_lease_reply& r) { replies.push_back(r); };
  {
    io::redis_client client(io, {"127.0.0.1", redis.port(), 0, "s3cr3t-pw"}, 1000ms);
    const auto first = clock_type::now();
    client.lease("smsdrv:rate:{a}", 10, 10, 10, 0, keep);
    CHECK(replies.empty());  // never from inside lease()
    run_until(
        io, [&] { return replies.size() == 1; }, 5s);
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].ok);
    CHECK(replies[0].granted == 10);  // NOSCRIPT at first: EVAL loaded it
    client.lease("smsdrv:rate:{a}", 10, 10, 10, 0, keep);
    run_until(
        io, [&] { return replies.size() == 2; }, 5s);
    REQUIRE(replies.size() == 2);
    CHECK(replies[1].ok);
    // The burst is spent: only what accrued since (10/s), one more for the clocks' rounding.
    const double since = std::chrono::duration<double>(clock_type::now() - first).count();
    CHECK(replies[1].granted <= static_cast<std::uint32_t>(10 * since) + 1);
    const auto before = client.commands();
    {
      sync_redis r(redis.port());
      freeReplyObject(r.command({"AUTH", "s3cr3t-pw"}));
      freeReplyObject(r.command({"SCRIPT", "FLUSH"}));
    }
    client.lease("smsdrv:rate:{b}", 100, 10, 3, 0, keep);
    run_until(
        io, [&] { return replies.size() == 3; }, 5s);
    REQUIRE(replies.size() == 3);
    CHECK(replies[2].ok);
    CHECK(replies[2].granted == 3);
    CHECK(client.commands() == before + 2);  // EVALSHA, NOSCRIPT, EVAL
  }
  {
    // A hung server: no answer within the timeout fails the request and drops the connection;
    // once it answers again, the next request reconnects.
    io::redis_client client(io, {"127.0.0.1", redis.port(), 0, "s3cr3t-pw"}, 1000ms);
    client.lease("smsdrv:rate:{c}", 10, 10, 1, 0, keep);
    run_until(
        io, [&] { return replies.size() == 4; }, 5s);
    REQUIRE(replies.size() == 4);
    REQUIRE(replies[3].ok);
    redis.pause();
    client.lease("smsdrv:rate:{c}", 10, 10, 1, 0, keep);
    run_until(
        io, [&] { return replies.size() == 5; }, 5s);
    redis.resume();
    REQUIRE(replies.size() == 5);
    CHECK_FALSE(replies[4].ok);
    CHECK(replies[4].error ==
          "Redis at 127.0.0.1:" + std::to_string(redis.port()) + ": no answer within 1000 ms");
    CHECK_FALSE(client.connected());
    client.lease("smsdrv:rate:{d}", 10, 10, 1, 0, keep);
    run_until(
        io, [&] { return replies.size() == 6; }, 5s);
    REQUIRE(replies.size() == 6);
    CHECK(replies[5].ok);
    CHECK(replies[5].granted == 1);
    replies.resize(3);
  }
  {
    io::redis_client wrong(io, {"127.0.0.1", redis.port(), 0, "not-the-pw"}, 1000ms);
    wrong.lease("smsdrv:rate:{a}", 100, 10, 10, 0, keep);
    run_until(
        io, [&] { return replies.size() == 4; }, 5s);
    REQUIRE(replies.size() == 4);
    CHECK_FALSE(replies[3].ok);
    CHECK(replies[3].error.find("Redis at 127.0.0.1:" + std::to_string(redis.port())) == 0);
    CHECK(replies[3].error.find("NOAUTH") != std::string::npos);
    CHECK(replies[3].error.find("not-the-pw") == std::string::npos);
  }
  {
    redis.stop();
    io::redis_client down(io, {"127.0.0.1", redis.port(), 0, "s3cr3t-pw"}, 1000ms);
    down.lease("smsdrv:rate:{a}", 100, 10, 10, 0, keep);
    run_until(
        io, [&] { return replies.size() == 5; }, 5s);
    REQUIRE(replies.size() == 5);
    CHECK_FALSE(replies[4].ok);
    CHECK(replies[4].error.find("refused") != std::string::npos);
    CHECK(replies[4].error.find("s3cr3t") == std::string::npos);
  }
}

TEST_CASE(
    "two limiters share one account: its rate held, Redis down -> local share, back -> "
    "shared",
    "[redis]") {
  test::redis_server redis;
  boost::asio::io_context io;
  std::vector<std::pair<flow::lease_mode, std::string>> modes;
  auto on_mode = [&](flow::lease_mode m, const std::string& why) { modes.emplace_back(m, why); };
  const std::uint32_t rate = 200;
  const std::uint32_t lease = 20;
  io::shared_rate_limiter a(io, config_for(redis.port(), rate, lease), on_mode, [] {});
  io::shared_rate_limiter b(
      io, config_for(redis.port(), rate, lease), [](auto, auto&) {}, [] {});
  sender sa(io, a);
  sender sb(io, b);

  const auto t0 = clock_type::now();
  run_until(
      io, [] { return false; }, 2000ms);
  const auto t1 = clock_type::now();
  const std::size_t shared = sa.between(t0, t1) + sb.between(t0, t1);
  // Redis's clock and ours run at the same speed on this machine: the account's rate over the
  // time measured (plus 20 ms at each end), and one burst.
  const double seconds = std::chrono::duration<double>(t1 - t0).count() + 0.04;
  CHECK(shared <= static_cast<std::size_t>(rate * seconds) + lease);
  CHECK(sa.sent.size() > 0);
  CHECK(sb.sent.size() > 0);
  // Leasing: far fewer round trips than messages (at the account's limit each host asks about
  // once per half lease accrued: 2 / 10 per message).
  CHECK(a.redis_commands() + b.redis_commands() < shared / 2);
  CHECK(modes.empty());

  redis.stop();
  run_until(
      io, [&] { return !modes.empty(); }, 3000ms);
  REQUIRE(modes.size() == 1);
  CHECK(modes[0].first == flow::lease_mode::fallback);
  CHECK(modes[0].second.find("Redis at 127.0.0.1") == 0);
  CHECK(a.mode() == flow::lease_mode::fallback);
  const auto t2 = clock_type::now();
  run_until(
      io, [] { return false; }, 1500ms);
  const auto t3 = clock_type::now();
  // A alone: its share (25% of 200 = 50 per sliding second) and nothing from Redis.
  const double down = std::chrono::duration<double>(t3 - t2).count();
  CHECK(sa.between(t2, t3) <= static_cast<std::size_t>(50 * (down + 1.0)));
  CHECK(sa.between(t2, t3) > 0);
  CHECK(a.stats().fallbacks == 1);
  CHECK(a.stats().local_taken > 0);

  redis.start();
  run_until(
      io, [&] { return modes.size() == 2; }, 3000ms);
  REQUIRE(modes.size() == 2);
  CHECK(modes[1].first == flow::lease_mode::shared);
  CHECK(a.mode() == flow::lease_mode::shared);
  const auto t4 = clock_type::now();
  run_until(
      io, [] { return false; }, 1000ms);
  CHECK(sa.between(t4, clock_type::now()) > 0);
  sa.running = sb.running = false;
}
