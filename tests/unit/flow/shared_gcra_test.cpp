#include "flow/shared_gcra.hpp"

#include <catch2/catch.hpp>

#include "flow/token_bucket.hpp"

using namespace smsdrv::flow;

TEST_CASE("shared GCRA: one token at a time is the local token bucket's rule, in microseconds") {
  // Same decisions as token_bucket at every microsecond step, for rates whose interval is not a
  // whole number of microseconds and for bursts after idle.
  for (const auto& [rate, burst] : {std::pair{3u, 1u}, {7u, 3u}, {300u, 20u}, {100000u, 1u}}) {
    gcra_state s;
    token_bucket local(rate, burst);
    const std::int64_t t0 = 1'733'000'000'000'000;  // 2024, in microseconds
    std::int64_t agreed = 0;
    std::int64_t taken = 0;
    for (std::int64_t step = 0; step < 3'000'000; step += (rate >= 1000 ? 1 : 97)) {
      const std::int64_t now = t0 + step;
      const token_bucket::time_point lnow{std::chrono::microseconds(now)};
      const bool l = local.try_take(lnow);
      const bool g = gcra_take(s, now, rate, burst, 1).granted == 1;
      agreed += l == g ? 1 : 0;
      taken += g ? 1 : 0;
      if (l != g) FAIL("rate " << rate << " burst " << burst << " differs at +" << step << " us");
    }
    CHECK(taken > 0);
    CHECK(agreed > 0);
  }
}

TEST_CASE("shared GCRA: a batch takes what is due, no more; exact long-run rate") {
  gcra_state s;
  const std::int64_t t0 = 1'000'000'000;
  auto g = gcra_take(s, t0, 100, 20, 50);  // idle: the burst
  CHECK(g.granted == 20);
  CHECK(g.retry_after_us == 10'000);  // the 21st is one interval later
  g = gcra_take(s, t0, 100, 20, 50);
  CHECK(g.granted == 0);
  CHECK(g.retry_after_us == 10'000);
  g = gcra_take(s, t0 + 55'000, 100, 20, 50);  // due at +10, +20, +30, +40 and +50 ms
  CHECK(g.granted == 5);
  // Over a day at rate 3 with batches of 7 asked every 2 s: 3 per second exactly.
  gcra_state d;
  std::uint64_t total = 0;
  for (std::int64_t t = 0; t <= 86'400'000'000; t += 2'000'000)
    total += gcra_take(d, t0 + t, 3, 7, 7).granted;
  // Token j is due at j/3 s less the tolerance (6 intervals of 333,333 us): by the last step
  // (86,400 s), j <= 3 * (86,400 s + 1.999998 s) = 259,205.99...
  CHECK(total == 259'206);
  // count 0 asks only when the next token is due.
  gcra_state q;
  g = gcra_take(q, t0, 10, 1, 0);
  CHECK(g.granted == 0);
  CHECK_FALSE(q.set);
}
