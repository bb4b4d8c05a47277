// x-smpp-submit-max-rate as an SMSC counts it. Each submission has a place in a schedule: the
// exact long-run rate of the token bucket (token_bucket.hpp, GCRA with a small burst after idle)
// and, on top, at most `rate` submissions in any sliding second of it (with a guard of 2 ms for
// the jitter between our clock and the SMSC's reading of the socket), so that an SMSC enforcing
// the same figure per second has no reason to answer ESME_RTHROTTLED.
//
// Contract (docs/reliability.md, "Flow control"):
// - a caller on time (it comes back at next_available() after a refusal) sends at its place in
//   the schedule: at most `rate` submissions in any sliding second, `burst` back to back after
//   idle;
// - a caller that comes back late (a busy machine's timer) sends at once what the schedule
//   allowed since, as far back as `burst` intervals (so at most twice the burst back to back):
//   the lateness is won back instead of pushing every later submission back, and the schedule
//   goes on as if it had been on time. Its sends then put at most rate + burst into a sliding
//   second (a second sliding window, on the real clock);
// - only a refusal makes a caller late; one that stopped for a reason of its own says so
//   (not_waiting()) and gets no catch-up;
// - so over a minute the rate is the schedule's, late or not, as long as each wake-up is late
//   by less than the burst's worth of time: within 0.3% below the setting (the guard), never
//   above it by more than the burst. Lateness beyond that is lost.
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
  // The events in the window that ends at `now` (the second and the guard).
  std::uint64_t count(time_point now) noexcept {
    advance(bucket_of(now));
    return sum_;
  }

  std::uint32_t limit() const noexcept { return limit_; }

 private:
  static constexpr std::int64_t bucket_ns = 1'000'000;  // 1 ms
  static constexpr std::int64_t buckets = 1002;         // looked back: 1 s and the guard

  static std::int64_t bucket_of(time_point t) noexcept {
    return t.time_since_epoch().count() / bucket_ns;
  }
  std::uint32_t& slot(std::int64_t bucket) noexcept {
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
  rate_limit(std::uint32_t rate, std::uint32_t burst);

  // Takes one submission at `now` if the limit allows it. A refusal makes the caller one that
  // waits for next_available(); until it stops waiting (not_waiting(), or a submission on time),
  // a submission at `now` takes the place in the schedule it could have had, at most
  // catch_up() back.
  bool try_take(time_point now) noexcept;
  // The earliest time try_take() succeeds.
  time_point next_available(time_point now) const noexcept {
    return std::max({bucket_.next_available(now), second_.next_available(now),
                     real_second_.next_available(now)});
  }
  // The caller stopped for a reason of its own (nothing to send, its window full, a pause): its
  // next submission is not late, whenever it comes, and is counted when it is made.
  void not_waiting() noexcept { waiting_ = false; }
  // No burst from `now` on (token_bucket::drain): a limiter that takes over from another one
  // that was sending until now (the local share of an account's rate after the shared limit
  // failed) starts at its rate, not with a burst on top of what the other one sent.
  void drain(time_point now) noexcept { bucket_.drain(now); }

  std::uint32_t rate() const noexcept { return bucket_.rate(); }
  std::uint32_t burst() const noexcept { return bucket_.burst(); }
  // How far back a late submission may take its place: the burst's worth of intervals.
  std::chrono::nanoseconds catch_up() const noexcept { return catch_up_; }

 private:
  // The schedule: places, not the times the submissions were made.
  token_bucket bucket_;
  sliding_second second_;
  // The times they were made: rate + burst, which only a catch-up reaches.
  sliding_second real_second_;
  std::chrono::nanoseconds catch_up_;
  bool waiting_ = false;    // refused, and not yet on time again
  time_point scheduled_{};  // the place of the last submission
};

}  // namespace smsdrv::flow
