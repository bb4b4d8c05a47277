// x-smpp-submit-max-rate as an SMSC counts it: the exact long-run rate of the token bucket
// (token_bucket.hpp, GCRA with a small burst so that a late timer can catch up) and, on top,
// never more than `rate` submissions in any sliding second (with a guard of 2 ms for the jitter
// between our clock and the SMSC's reading of the socket), so that an SMSC enforcing the same
// figure per second has no reason to answer ESME_RTHROTTLED. At the limit every sliding second
// is full, and a submission sent late keeps its place in it that much longer: the rate then
// falls short by the mean lateness of the caller's timer, which no limiter that keeps the
// sliding second can make up (docs/reliability.md, "Flow control").
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cstdint>

#include "flow/token_bucket.hpp"

namespace smsdrv::flow {

// At most `limit` events in any sliding second. Time is cut into buckets of 1 ms; an event is
// allowed when the 1002 buckets before its own (the second plus a 2 ms guard) and its own hold
// fewer than `limit`. Counting the oldest, partly expired bucket in full keeps the bound exact
// for every sliding second even when the events reach the SMSC up to 2 ms late relative to each
// other; the cost is at most 3 ms per second of traffic at the limit (0.3% of the rate).
// Memory is fixed (4 KB) whatever the rate.
class sliding_second {
 public:
  using time_point = token_bucket::time_point;

  explicit sliding_second(std::uint32_t limit);

  // Whether an event may happen at `now`; take() records it.
  bool allows(time_point now) noexcept;
  void take(time_point now) noexcept;
  // The earliest time allows() is true (at or after the newest event seen).
  time_point next_available(time_point now) const noexcept;

  std::uint32_t limit() const noexcept { return limit_; }

 private:
  static constexpr std::int64_t bucket_ns = 1'000'000;  // 1 ms
  static constexpr std::int64_t buckets = 1002;         // looked back: 1 s and the guard

  static std::int64_t bucket_of(time_point t) noexcept {
    return t.time_since_epoch().count() / bucket_ns;
  }
  std::uint32_t& count(std::int64_t bucket) noexcept {
    return counts_[static_cast<std::size_t>(bucket % (buckets + 1))];
  }
  void advance(std::int64_t bucket) noexcept;

  std::uint32_t limit_;
  // Counts of buckets newest_ - buckets .. newest_ (the window of an event in newest_).
  std::array<std::uint32_t, buckets + 1> counts_{};
  std::int64_t newest_ = LLONG_MIN / 2;
  std::uint64_t sum_ = 0;
};

class rate_limit {
 public:
  using time_point = token_bucket::time_point;

  // rate: submissions per second (>= 1); burst: back to back after idle (>= 1), see
  // token_bucket.
  rate_limit(std::uint32_t rate, std::uint32_t burst) : bucket_(rate, burst), second_(rate) {}

  bool try_take(time_point now) noexcept {
    if (!second_.allows(now) || !bucket_.try_take(now)) return false;
    second_.take(now);
    return true;
  }
  time_point next_available(time_point now) const noexcept {
    return std::max(bucket_.next_available(now), second_.next_available(now));
  }

  std::uint32_t rate() const noexcept { return bucket_.rate(); }
  std::uint32_t burst() const noexcept { return bucket_.burst(); }

 private:
  token_bucket bucket_;
  sliding_second second_;
};

}  // namespace smsdrv::flow
