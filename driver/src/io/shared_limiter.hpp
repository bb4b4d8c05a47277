// One SMSC account's rate limit shared by every host (docs/scaling.md): flow::lease_manager
// (sans-I/O) fed by io::redis_client on the driver's I/O thread, with one timer for lease expiry
// and retries. Everything runs on the I/O thread; Asio stays in shared_limiter.cpp.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "flow/lease_manager.hpp"
#include "io/redis_client.hpp"

namespace boost::asio {
class io_context;
}

namespace smsdrv::io {

struct shared_limits_config {
  redis_endpoint redis;
  std::string account;  // the key is smsdrv:rate:{<account>}
  flow::lease_settings lease;
  std::chrono::milliseconds redis_timeout{500};
};

class shared_rate_limiter {
 public:
  using time_point = flow::lease_manager::time_point;
  // A change of mode (shared / fallback) and why: Redis's error, or that it answers again.
  using mode_handler = std::function<void(flow::lease_mode, const std::string& reason)>;
  // After try_take() said no: a grant arrived, or the limiter fell back to its local share (then
  // next_local_token() says when).
  using ready_handler = std::function<void()>;

  shared_rate_limiter(boost::asio::io_context& io, shared_limits_config config,
                      mode_handler on_mode, ready_handler on_ready);
  ~shared_rate_limiter();
  shared_rate_limiter(const shared_rate_limiter&) = delete;
  shared_rate_limiter& operator=(const shared_rate_limiter&) = delete;

  // One token for one message at `now` (steady clock); on false, wait for on_ready or for
  // next_local_token().
  bool try_take(time_point now);
  // When try_take() may succeed without waiting for Redis (fallback: the local share).
  std::optional<time_point> next_local_token(time_point now) const;

  flow::lease_mode mode() const noexcept;
  const flow::lease_stats& stats() const noexcept;
  std::uint64_t redis_commands() const noexcept;
  const std::string& key() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// The Redis key of an account's schedule. The braces make it a Redis Cluster hash tag.
std::string shared_limits_key(std::string_view account);

}  // namespace smsdrv::io
