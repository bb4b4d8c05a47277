// A request that waits in the queue of a channel with x-failover-channel keeps its user data
// beside its composed form: when the channel's gateway goes down, the requests still waiting
// there (never sent) are taken out of its queue, composed again by the other channel, of either
// kind, and go out through it (docs/reliability.md, "Failover to another channel").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace smsdrv::channel {

// The key/value pairs of the SendSMS as the host gave them (copied: the host's memory is its own
// again once send() returns). Empty for a channel without x-failover-channel.
using kept_user_data = std::vector<std::pair<std::string, std::string>>;

// A request taken out of a channel's queue before any of it was written.
struct unsent_request {
  std::uint64_t request_id = 0;
  std::chrono::steady_clock::time_point accepted{};
  kept_user_data data;
};

}  // namespace smsdrv::channel
