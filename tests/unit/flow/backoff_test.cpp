// flow/backoff: the reconnect delays. Every figure is checked against the rule in backoff.hpp
// (initial * 2^failures, capped, minus up to 25% jitter), over many seeds so that the jitter is
// seen to be there, to stay within its bounds and to come from the seed alone.
#include "flow/backoff.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <vector>

using namespace smsdrv::flow;
using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

namespace {

std::vector<ms> first(backoff& b, int n) {
  std::vector<ms> out;
  for (int i = 0; i < n; ++i)
    out.push_back(b.next());
  return out;
}

}  // namespace

TEST_CASE("back-off doubles to the cap with at most 25% jitter, resets on success") {
  backoff b(1s, 180s, 42);
  const long expected_base[] = {1000,  2000,  4000,   8000,   16000,
                                32000, 64000, 128000, 180000, 180000};
  for (long base : expected_base) {
    const auto d = b.next();
    CHECK(d.count() <= base);
    CHECK(d.count() >= base * 3 / 4);
  }
  b.reset();
  CHECK(b.next().count() <= 1000);
  const auto capped = b.at_cap();
  CHECK(capped.count() <= 180000);
  CHECK(capped.count() >= 135000);
  backoff same_seed(1s, 180s, 42);
  backoff again(1s, 180s, 42);
  CHECK(same_seed.next() == again.next());
}

TEST_CASE("back-off: every delay within [base - base/4, base] for every seed, never above cap") {
  const std::int64_t bases[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    CAPTURE(seed);
    backoff b(100ms, 1000ms, seed);
    for (std::int64_t base : bases) {
      const std::int64_t d = b.next().count();
      REQUIRE(d <= base);
      REQUIRE(d >= base - base / 4);
    }
  }
}

TEST_CASE("back-off: the jitter spreads the delays over the whole 25% band") {
  // One step, 500 seeds: a back-off without jitter (or with a stuck generator) gives one value.
  std::set<std::int64_t> seen;
  std::int64_t lowest = 1000, highest = 0;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    backoff b(1000ms, 60s, seed);
    const std::int64_t d = b.next().count();
    seen.insert(d);
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
  }
  CHECK(seen.size() > 100);
  CHECK(lowest <= 760);   // the band is [750, 1000]
  CHECK(highest >= 990);  // and no part of it is left out
  // Successive delays of one back-off are jittered independently, not by one fixed cut.
  backoff b(1000ms, 1000ms, 7);
  std::set<std::int64_t> at_cap;
  for (int i = 0; i < 50; ++i)
    at_cap.insert(b.next().count());
  CHECK(at_cap.size() > 10);
}

TEST_CASE("back-off: the seed alone decides the delays") {
  backoff a(250ms, 30s, 1234), b(250ms, 30s, 1234), other(250ms, 30s, 1235);
  const auto from_a = first(a, 20);
  CHECK(from_a == first(b, 20));
  CHECK(from_a != first(other, 20));
}

TEST_CASE("back-off: failures counted by next and at_cap, reset starts again from initial") {
  backoff b(100ms, 10s, 3);
  CHECK(b.failures() == 0);
  first(b, 5);  // bases 100 .. 1600
  CHECK(b.failures() == 5);
  b.reset();
  CHECK(b.failures() == 0);
  const std::int64_t after_reset = b.next().count();
  CHECK(after_reset <= 100);
  CHECK(after_reset >= 75);

  // A refused bind goes straight to the cap, whatever the count was, and counts as a failure.
  backoff refused(100ms, 10s, 3);
  const std::int64_t capped = refused.at_cap().count();
  CHECK(capped <= 10000);
  CHECK(capped >= 7500);
  CHECK(refused.failures() == 1);
  refused.reset();
  CHECK(refused.next().count() <= 100);
}

TEST_CASE("back-off: settings out of range are clamped, and long outages do not overflow") {
  // A zero initial delay becomes 1 ms (never a busy loop of reconnects); a cap below the initial
  // delay becomes the initial delay.
  backoff zero(0ms, 0ms, 1);
  CHECK(zero.cap() == 1ms);
  CHECK(zero.next() == 1ms);
  CHECK(zero.next() == 1ms);
  backoff inverted(500ms, 100ms, 1);
  CHECK(inverted.cap() == 500ms);
  for (int i = 0; i < 5; ++i) {
    const std::int64_t d = inverted.next().count();
    CHECK(d <= 500);
    CHECK(d >= 375);
  }
  // Thousands of failures in a row: the doubling stops at the cap, no overflow to a tiny or
  // negative delay.
  backoff outage(1ms, 24h, 9);
  const std::int64_t cap = std::chrono::duration_cast<ms>(24h).count();
  for (int i = 0; i < 5000; ++i) {
    const std::int64_t d = outage.next().count();
    REQUIRE(d > 0);
    REQUIRE(d <= cap);
  }
  const std::int64_t last = outage.next().count();
  CHECK(last >= cap - cap / 4);
}
