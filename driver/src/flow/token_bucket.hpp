// Submission rate limit (x-smpp-submit-max-rate, counted per segment) as a token bucket in its
// exact "virtual scheduling" form (GCRA): each message moves a theoretical arrival time forward
// by exactly 1/rate seconds, kept as whole nanoseconds plus a remainder in 1/rate units, so the
// long-run rate has no rounding drift over seconds, minutes or days. `burst` messages may go back
// to back after an idle period; the channel keeps it at or below its window.
#pragma once

#include <chrono>
#include <climits>
#include <cstdint>

namespace smsdrv::flow {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  // rate: messages per second (>= 1); burst: messages allowed back to back (>= 1).
  token_bucket(std::uint32_t rate, std::uint32_t burst);

  // Takes one token if one is available at `now`.
  bool try_take(time_point now) noexcept;
  // The earliest time try_take() succeeds.
  time_point next_available(time_point now) const noexcept;
  // Starts the schedule at `now` with no burst saved up: one token at `now`, then one per
  // interval, as if it had been sending at its rate until now.
  void drain(time_point now) noexcept;

  std::uint32_t rate() const noexcept { return rate_; }
  std::uint32_t burst() const noexcept { return burst_; }

 private:
  std::int64_t ns(time_point t) const noexcept { return t.time_since_epoch().count(); }

  std::uint32_t rate_;
  std::uint32_t burst_;
  std::int64_t interval_ns_;   // floor(1e9 / rate)
  std::int64_t interval_rem_;  // 1e9 % rate, in 1/rate ns units
  std::int64_t tolerance_ns_;  // (burst - 1) intervals
  // Theoretical arrival time of the next message; far in the past at start (halved so that
  // subtracting the tolerance cannot overflow).
  std::int64_t tat_ns_ = INT64_MIN / 2;
  std::int64_t tat_rem_ = 0;  // its remainder, 0..rate-1 (1/rate ns units)
};

}  // namespace smsdrv::flow
