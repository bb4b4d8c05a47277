// The rate a channel's request tracker asks before each write (request_tracker.hpp): the
// channel's own limit (flow::rate_limit: rate_gate), or that limit and the account's rate leased
// from Redis (io::shared_submit_gate). One thread calls it.
#pragma once

#include <chrono>

#include "flow/rate_limit.hpp"

namespace smsdrv::channel {

class submit_gate {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~submit_gate() = default;
  // One submission at `now` if the limits allow it (flow::rate_limit::try_take's contract).
  virtual bool try_take(time_point now) = 0;
  // The earliest time try_take() may succeed; time_point::max() when only the gate's owner
  // knows (a lease from Redis on its way): it wakes the sessions then.
  virtual time_point next_available(time_point now) const = 0;
  // The caller stopped for a reason of its own (flow::rate_limit::not_waiting).
  virtual void not_waiting() = 0;
};

// A gate that is one flow::rate_limit.
class rate_gate final : public submit_gate {
 public:
  explicit rate_gate(flow::rate_limit rate) : rate_(rate) {}
  bool try_take(time_point now) override { return rate_.try_take(now); }
  time_point next_available(time_point now) const override { return rate_.next_available(now); }
  void not_waiting() override { rate_.not_waiting(); }

 private:
  flow::rate_limit rate_;
};

}  // namespace smsdrv::channel
