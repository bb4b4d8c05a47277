#include "flow/rate_limit.hpp"

namespace smsdrv::flow {

sliding_second::sliding_second(std::uint32_t limit) : limit_(std::max<std::uint32_t>(limit, 1)) {}

void sliding_second::advance(std::int64_t bucket) noexcept {
  if (bucket <= newest_) return;
  if (bucket - newest_ > buckets) {
    counts_.fill(0);
    sum_ = 0;
  } else {
    // The slot of bucket b held bucket b - (buckets + 1), which leaves the window now.
    for (std::int64_t b = newest_ + 1; b <= bucket; ++b) {
      std::uint32_t& c = slot(b);
      sum_ -= c;
      c = 0;
    }
  }
  newest_ = bucket;
}

bool sliding_second::allows(time_point now) noexcept {
  advance(bucket_of(now));
  return sum_ < limit_;
}

void sliding_second::take(time_point now) noexcept {
  const std::int64_t b = std::max(bucket_of(now), newest_);
  advance(b);
  ++slot(b);
  ++sum_;
}

sliding_second::time_point sliding_second::next_available(time_point now) const noexcept {
  if (sum_ < limit_) return now;
  // Buckets leave the window oldest first: after bucket newest_ + j + 1 begins, the buckets up
  // to newest_ - buckets + j are gone.
  std::uint64_t left = sum_;
  for (std::int64_t j = 0; j <= buckets; ++j) {
    const std::int64_t b = newest_ - buckets + j;
    if (b >= 0) left -= counts_[static_cast<std::size_t>(b % (buckets + 1))];
    if (left < limit_)
      return std::max(now, time_point(std::chrono::nanoseconds((newest_ + j + 1) * bucket_ns)));
  }
  return now;
}

rate_limit::rate_limit(std::uint32_t rate, std::uint32_t burst)
    : bucket_(rate, burst),
      second_(bucket_.rate()),
      real_second_(bucket_.rate() + bucket_.burst()),
      catch_up_(static_cast<std::int64_t>(bucket_.burst()) * 1'000'000'000 / bucket_.rate()) {}

bool rate_limit::try_take(time_point now) noexcept {
  // The place of this submission in the schedule: now for a caller that was not waiting; for
  // one that was, the earliest the schedule allowed it after the last one, at most catch_up_
  // back, so that a late wake-up is made up.
  const time_point from = waiting_ ? std::max(scheduled_, now - catch_up_) : now;
  const time_point at = std::max(bucket_.next_available(from), second_.next_available(from));
  if (at > now || !real_second_.allows(now)) {
    waiting_ = true;
    return false;
  }
  bucket_.try_take(at);  // cannot fail: `at` is at or after its next_available()
  second_.take(at);
  real_second_.take(now);
  scheduled_ = at;
  waiting_ = at < now;
  return true;
}

}  // namespace smsdrv::flow
