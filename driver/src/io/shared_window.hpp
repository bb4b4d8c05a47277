// One SMSC account's window shared by every host (x-shared-limits-window, docs/scaling.md):
// flow::window_slots (sans-I/O) fed by io::redis_client on the driver's I/O thread, with one
// timer for refreshes, give-backs, polls and retries. Everything runs on the I/O thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "flow/window_slots.hpp"
#include "io/redis_client.hpp"

namespace boost::asio {
class io_context;
}

namespace smsdrv::io {

struct shared_window_config {
  redis_endpoint redis;
  std::string account;  // the key is smsdrv:window:{<account>}
  std::string host_id;  // this channel's field in it: unique per host and channel
  flow::window_settings window;
  std::chrono::milliseconds redis_timeout{500};
};

class shared_window {
 public:
  using time_point = flow::window_slots::time_point;
  // Submissions outstanding on this host now (over every bind of the channel).
  using in_use_fn = std::function<std::uint32_t()>;
  // A change of mode (shared / fallback) and why.
  using mode_handler = std::function<void(flow::window_mode, const std::string& reason)>;
  // After try_take() said no: slots were granted, or the window fell back to its local share.
  using ready_handler = std::function<void()>;

  shared_window(boost::asio::io_context& io, shared_window_config config, in_use_fn in_use,
                mode_handler on_mode, ready_handler on_ready);
  ~shared_window();
  shared_window(const shared_window&) = delete;
  shared_window& operator=(const shared_window&) = delete;

  // One write at `now` if a slot is free. On false, on_ready or an answer (a slot freed here)
  // is the time to try again.
  bool try_take(time_point now);
  // A submission was answered, timed out or lost: slots may be given back.
  void released(time_point now);

  flow::window_mode mode() const noexcept;
  std::uint32_t held() const noexcept;
  const flow::window_stats& stats() const noexcept;
  const std::string& key() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// The Redis key of an account's window. The braces make it a Redis Cluster hash tag.
std::string shared_window_key(std::string_view account);
// A host id unique to this process and channel: host name, process id and a random part.
std::string shared_window_host_id(std::string_view channel);

}  // namespace smsdrv::io
