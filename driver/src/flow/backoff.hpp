// Reconnect back-off: exponential from `initial`, capped at `cap` (reconnection-timeout), with
// jitter so that many drivers restarted together do not reconnect in lock-step. Deterministic for
// a given seed (tests), pure otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace smsdrv::flow {

class backoff {
 public:
  using milliseconds = std::chrono::milliseconds;

  backoff(milliseconds initial, milliseconds cap, std::uint64_t seed);

  // The delay before the next attempt: initial * 2^failures, capped, minus up to 25% jitter
  // (so it never exceeds the cap). Counts one more failure.
  milliseconds next();
  // The delay after a failure that retrying soon cannot fix (the SMSC refused our credentials):
  // straight to the cap, so a refused bind is not hammered.
  milliseconds at_cap();
  // A success: the next failure starts from `initial` again.
  void reset() noexcept { failures_ = 0; }
  unsigned failures() const noexcept { return failures_; }
  milliseconds cap() const noexcept { return cap_; }

 private:
  milliseconds jittered(milliseconds base);

  milliseconds initial_;
  milliseconds cap_;
  unsigned failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace smsdrv::flow
