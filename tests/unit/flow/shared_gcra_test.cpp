#include "flow/shared_gcra.hpp"

#include <catch2/catch.hpp>

#include "flow/token_bucket.hpp"

using namespace smsdrv::flow;

TEST_CASE("shared GCRA: one token at a time is exactly the local token bucket's rule") {
  // The same decision as token_bucket at every step, for rates whose interval is not a whole
  // number of nanoseconds and for bursts after idle.
  for (const auto& [rate, burst] : {std::pair{3u, 1u}, {7u, 3u}, {300u, 20u}, {100000u, 1u}}) {
    gcra_state s;
    token_bucket local(rate, burst);
    const std::int64_t t0 = 1'733'000'000'000'000'000;  // 2024, in nanoseconds
    std::int64_t taken = 0;
    const std::int64_t step = rate >= 1000 ? 1'000 : 97'000;  // Redis's clock: microseconds
    for (std::int64_t at = 0; at < 3'000'000'000; at += step) {
      const std::int64_t now = t0 + at;
      const bool l = local.try_take(token_bucket::time_point{std::chrono::nanoseconds(now)});
      const bool g = gcra_take(s, now, rate, burst, 1).granted == 1;
      taken += g ? 1 : 0;
      if (l != g) FAIL("rate " << rate << " burst " << burst << " differs at +" << at << " ns");
    }
    CHECK(taken >= 3 * static_cast<std::int64_t>(rate));
  }
}

TEST_CASE("shared GCRA: a batch takes what is due, no more; exact long-run rate") {
  gcra_state s;
  const std::int64_t t0 = 1'000'000'000'000;
  auto g = gcra_take(s, t0, 100, 20, 50);  // idle: the burst
  CHECK(g.granted == 20);
  CHECK(g.retry_after_ns == 10'000'000);  // the 21st is one interval later
  g = gcra_take(s, t0, 100, 20, 50);
  CHECK(g.granted == 0);
  CHECK(g.retry_after_ns == 10'000'000);
  g = gcra_take(s, t0 + 55'000'000, 100, 20, 50);  // due at +10, +20, +30, +40 and +50 ms
  CHECK(g.granted == 5);
  // Over a day at rate 3 with batches of 7 asked every 2 s: 3 per second exactly. Token j is due
  // at floor(j * 1e9 / 3) ns less the tolerance (6 * 333,333,333 ns): by the last step
  // (86,400 s), j <= 3 * (86,400 s + 1.999999998 s) = 259,205.99...
  gcra_state d;
  std::uint64_t total = 0;
  for (std::int64_t t = 0; t <= 86'400'000'000'000; t += 2'000'000'000)
    total += gcra_take(d, t0 + t, 3, 7, 7).granted;
  CHECK(total == 259'206);
  // count 0 asks only when the next token is due.
  gcra_state q;
  g = gcra_take(q, t0, 10, 1, 0);
  CHECK(g.granted == 0);
  CHECK_FALSE(q.set);
}

TEST_CASE("shared GCRA: a debit goes on the schedule first, whatever it says") {
  const std::int64_t t0 = 1'000'000'000'000;
  SECTION("an idle account: the debit takes the burst and more") {
    gcra_state s;
    // 30 messages sent without the store at 100/s, burst 20: the schedule is 30 intervals
    // ahead, so the next token is due 10 intervals (less the tolerance: 19) after now.
    auto g = gcra_take(s, t0, 100, 20, 20, 30);
    CHECK(g.granted == 0);
    CHECK(s.set);
    CHECK(g.retry_after_ns == (30 - 19) * 10'000'000);
    g = gcra_take(s, t0 + 110'000'000, 100, 20, 20);
    CHECK(g.granted == 1);
  }
  SECTION("a busy account: the debit is paid after what was granted") {
    gcra_state s;
    CHECK(gcra_take(s, t0, 100, 20, 20).granted == 20);
    auto g = gcra_take(s, t0, 100, 20, 0, 5);
    CHECK(g.granted == 0);
    CHECK(g.retry_after_ns == (20 + 5 - 19) * 10'000'000);
  }
  SECTION("over time, granted plus debited is the rate") {
    gcra_state s;
    std::uint64_t total = 0;
    for (std::int64_t t = 0; t < 10'000'000'000; t += 7'000'000) {
      const std::uint32_t debit = t % 1'000'000'000 == 0 ? 10 : 0;
      total += debit + gcra_take(s, t0 + t, 100, 20, 20, debit).granted;
    }
    CHECK(total >= 1000);
    CHECK(total <= 1000 + 20);
  }
}
