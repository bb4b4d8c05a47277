// The account-wide rate limit shared by every host through Redis: the local token bucket's rule
// (token_bucket.hpp: GCRA in its exact "virtual scheduling" form, each message moving the
// theoretical arrival time by exactly 1/rate s, kept as a whole part plus a remainder in 1/rate
// units, `burst` back to back after idle) counted in microseconds of the Redis server's clock,
// and taking `count` tokens at once so that a host leases a batch in one round trip.
//
// gcra_lease_script is that rule as a Lua script for stock Redis (EVAL/EVALSHA; one key, so it
// runs atomically); gcra_take() is the same arithmetic in C++, which the fake-time tests use as
// the store and the Redis tests compare the script against, step by step.
#pragma once

#include <cstdint>
#include <string_view>

namespace smsdrv::flow {

struct gcra_state {
  bool set = false;      // false: no key (idle long enough to have expired)
  std::int64_t tat = 0;  // theoretical arrival time, microseconds (whole part)
  std::int64_t rem = 0;  // its remainder, 0..rate-1, in 1/rate microsecond units
};

struct gcra_grant {
  std::uint32_t granted = 0;
  // Microseconds from now until the next token is due (0: due now).
  std::int64_t retry_after_us = 0;
  // How long the key must live (milliseconds): until the schedule is back at `now` plus 1 s.
  std::int64_t ttl_ms = 0;
};

// Takes up to `count` tokens at `now_us` (rate >= 1 per second, burst >= 1; count 0 only asks
// when the next token is due). Token j of the batch is granted when the schedule's whole
// microseconds after j tokens, less (burst - 1) whole intervals, are not after now_us.
gcra_grant gcra_take(gcra_state& state, std::int64_t now_us, std::uint32_t rate,
                     std::uint32_t burst, std::uint32_t count) noexcept;

// KEYS[1]: the account's key (a hash: tat, rem). ARGV: rate, burst, count, and optionally the
// time in microseconds (tests only; otherwise the Redis server's TIME). Returns
// {granted, retry_after_us}.
extern const std::string_view gcra_lease_script;

}  // namespace smsdrv::flow
