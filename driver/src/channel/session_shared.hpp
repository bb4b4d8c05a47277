// What the sessions (binds) of one channel share (x-smpp-sessions, docs/scaling.md): the
// channel's rate over all of them, the origins of every session's submissions (a receipt may
// come back on any receiver bind) and the reassembly of long inbound messages (the parts of one
// message may arrive on different binds). A channel of one session owns its own. With
// x-shared-limits-redis-url the parts of long inbound messages go to Redis as well (`remote`:
// they may reach other hosts of the account), the local reassembler taking over while Redis
// cannot be asked.
//
// submit_gate (submit_gate.hpp) is the rate a session's pump asks before each write: the
// channel's own limit (flow::rate_limit), or that limit and the SMSC account's rate leased from
// Redis (io::shared_submit_gate). All sessions of a channel run on one thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>

#include "channel/channel_config.hpp"
#include "channel/receipt_correlator.hpp"
#include "channel/remote_parts.hpp"
#include "channel/submit_gate.hpp"
#include "flow/rate_limit.hpp"
#include "text/reassembler.hpp"

namespace smsdrv::channel {

// x-smpp-submit-max-rate with a burst of 50 ms of messages after idle, never more than the
// window: also how far back a late timer is made up (flow/rate_limit.hpp).
inline flow::rate_limit channel_rate_limit(const channel_config& c) {
  return flow::rate_limit(
      c.max_rate,
      std::clamp<std::uint32_t>(c.max_rate / 20, 1, std::max<std::uint32_t>(c.window, 1)));
}

class local_gate final : public submit_gate {
 public:
  explicit local_gate(const channel_config& c) : rate_(channel_rate_limit(c)) {}
  bool try_take(time_point now) override { return rate_.try_take(now); }
  time_point next_available(time_point now) const override { return rate_.next_available(now); }
  void not_waiting() override { rate_.not_waiting(); }

 private:
  flow::rate_limit rate_;
};

struct session_shared {
  explicit session_shared(const channel_config& c, std::unique_ptr<submit_gate> g = nullptr)
      : gate(g ? std::move(g) : std::make_unique<local_gate>(c)),
        receipts(c.receipt_entries, c.receipt_max_age),
        reassembler(c.reassembly) {}

  std::unique_ptr<submit_gate> gate;
  receipt_correlator receipts;
  text::reassembler reassembler;
  std::unique_ptr<remote_parts> remote;  // nullptr: parts are joined in this process only
};

}  // namespace smsdrv::channel
