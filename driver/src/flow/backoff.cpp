#include "flow/backoff.hpp"

#include <algorithm>

namespace smsdrv::flow {

backoff::backoff(milliseconds initial, milliseconds cap, std::uint64_t seed)
    : initial_(std::max(initial, milliseconds(1))), cap_(std::max(cap, initial_)), rng_(seed) {}

backoff::milliseconds backoff::jittered(milliseconds base) {
  std::uniform_int_distribution<std::int64_t> cut(0, base.count() / 4);
  return milliseconds(base.count() - cut(rng_));
}

backoff::milliseconds backoff::next() {
  milliseconds base = initial_;
  for (unsigned i = 0; i < failures_ && base < cap_; ++i)
    base *= 2;
  base = std::min(base, cap_);
  ++failures_;
  return jittered(base);
}

backoff::milliseconds backoff::at_cap() {
  ++failures_;
  return jittered(cap_);
}

}  // namespace smsdrv::flow
