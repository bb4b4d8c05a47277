#include "flow/token_bucket.hpp"

#include <algorithm>

namespace smsdrv::flow {

static_assert(std::is_same_v<token_bucket::clock::duration, std::chrono::nanoseconds>,
              "token_bucket counts steady_clock nanoseconds");

token_bucket::token_bucket(std::uint32_t rate, std::uint32_t burst)
    : rate_(std::max<std::uint32_t>(rate, 1)),
      burst_(std::max<std::uint32_t>(burst, 1)),
      interval_ns_(1'000'000'000 / rate_),
      interval_rem_(1'000'000'000 % rate_),
      tolerance_ns_(static_cast<std::int64_t>(burst_ - 1) * interval_ns_) {}

bool token_bucket::try_take(time_point now) noexcept {
  const std::int64_t t = ns(now);
  if (tat_ns_ < t) {
    // Idle: the schedule restarts at now (idle time earns no credit beyond the burst).
    tat_ns_ = t;
    tat_rem_ = 0;
  }
  if (tat_ns_ - tolerance_ns_ > t) return false;
  tat_ns_ += interval_ns_;
  tat_rem_ += interval_rem_;
  if (tat_rem_ >= rate_) {
    tat_ns_ += 1;
    tat_rem_ -= rate_;
  }
  return true;
}

token_bucket::time_point token_bucket::next_available(time_point now) const noexcept {
  const std::int64_t when = tat_ns_ - tolerance_ns_;
  return when <= ns(now) ? now : time_point(std::chrono::nanoseconds(when));
}

void token_bucket::drain(time_point now) noexcept {
  tat_ns_ = ns(now) + tolerance_ns_;
  tat_rem_ = 0;
}

}  // namespace smsdrv::flow
