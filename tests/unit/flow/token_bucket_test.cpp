#include "flow/token_bucket.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::flow;
using namespace std::chrono_literals;
using tp = token_bucket::time_point;

namespace {
// Sends as fast as the bucket allows from t0 for `span`, waking exactly when it says.
std::uint64_t count_over(token_bucket& b, tp t0, std::chrono::nanoseconds span) {
  std::uint64_t sent = 0;
  tp now = t0;
  while (now < t0 + span) {
    if (b.try_take(now))
      ++sent;
    else
      now = b.next_available(now);
  }
  return sent;
}
}  // namespace

TEST_CASE("token bucket: exact long-run rate, burst after idle") {
  const tp t0{std::chrono::hours(10)};
  SECTION("rate 10, burst 1: 10 per second, 600 per minute") {
    token_bucket b(10, 1);
    CHECK(count_over(b, t0, 1s) == 10);
    token_bucket c(10, 1);
    CHECK(count_over(c, t0, 60s) == 600);
  }
  SECTION("rate 3 (1/3 s not a whole number of ns): no drift over a day") {
    token_bucket b(3, 1);
    CHECK(count_over(b, t0, 24h) == 3 * 86400);
  }
  SECTION("rate 50000, burst 100: within one message of exact") {
    token_bucket b(50000, 100);
    const auto n = count_over(b, t0, 10s);
    CHECK(n >= 500000);
    CHECK(n <= 500000 + 100);  // the initial burst
  }
  SECTION("burst is available after idle, never more") {
    token_bucket b(100, 5);
    int immediate = 0;
    while (b.try_take(t0))
      ++immediate;
    CHECK(immediate == 5);
    CHECK(b.next_available(t0) == t0 + 10ms);
    tp later = t0 + 10s;  // long idle earns no extra credit
    immediate = 0;
    while (b.try_take(later))
      ++immediate;
    CHECK(immediate == 5);
  }
}

TEST_CASE("token bucket: drained, it starts at its rate without a burst") {
  const tp t0{std::chrono::hours(10)};
  token_bucket b(100, 5);
  b.drain(t0);
  CHECK(b.try_take(t0));
  CHECK_FALSE(b.try_take(t0));
  CHECK(b.next_available(t0) == t0 + 10ms);
  CHECK(count_over(b, t0 + 10ms, 1s) == 100);
  // Idle after that: the burst comes back as usual.
  int immediate = 0;
  while (b.try_take(t0 + 10s))
    ++immediate;
  CHECK(immediate == 5);
}
