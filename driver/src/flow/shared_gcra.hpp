// The account-wide rate limit shared by every host through Redis: the local token bucket's rule
// (token_bucket.hpp: GCRA in its exact "virtual scheduling" form, each message moving the
// theoretical arrival time by floor(1e9 / rate) ns plus a remainder carried in 1/rate ns units,
// `burst` back to back after idle) on the Redis server's clock, taking `count` tokens at once so
// that a host leases a batch in one round trip.
//
// gcra_lease_script is that rule as a Lua script for stock Redis (EVAL/EVALSHA; one key, so it
// runs atomically); gcra_take() is the same arithmetic in C++, which the fake-time tests use as
// the store and the Redis tests compare the script against, step by step.
#pragma once

#include <cstdint>
#include <string_view>

namespace smsdrv::flow {

struct gcra_state {
  bool set = false;         // false: no key (idle long enough to have expired)
  std::int64_t tat_ns = 0;  // theoretical arrival time, whole nanoseconds
  std::int64_t rem = 0;     // its remainder, 0..rate-1, in 1/rate ns units
};

struct gcra_grant {
  std::uint32_t granted = 0;
  // Nanoseconds from now until the next token is due (0: due now).
  std::int64_t retry_after_ns = 0;
  // Nanoseconds from now to the schedule after this call (>= 0): the granted tokens have their
  // places 1/rate apart before it, the last one 1/rate before it.
  std::int64_t ahead_ns = 0;
};

// Takes up to `count` tokens at `now_ns` (rate >= 1 per second, burst >= 1; count 0 only asks
// when the next token is due). Token j of the batch is granted exactly when token_bucket would
// grant the j-th of j + 1 messages sent at now_ns: when the schedule after j tokens, less
// (burst - 1) * floor(1e9 / rate) ns, is not after now.
//
// `debit` tokens go on the schedule first, unconditionally, as if taken at now_ns: messages a
// host sent without the store (its local share while the store was unreachable), so that the
// account pays them back instead of granting them again to the hosts still sending.
gcra_grant gcra_take(gcra_state& state, std::int64_t now_ns, std::uint32_t rate,
                     std::uint32_t burst, std::uint32_t count, std::uint32_t debit = 0) noexcept;

// KEYS[1]: the account's key (a hash: s, ns, rem: the schedule as seconds, nanoseconds and
// remainder). ARGV: rate, burst, count, debit, and optionally the time as seconds and
// nanoseconds (tests only; otherwise the Redis server's TIME). Returns {granted,
// retry_after_us, ahead_us} (rounded up).
extern const std::string_view gcra_lease_script;

}  // namespace smsdrv::flow
