#include "io/shared_limiter.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace smsdrv::io {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

std::string shared_limits_key(std::string_view account) {
  return "smsdrv:rate:{" + std::string(account) + "}";
}

struct shared_rate_limiter::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, shared_limits_config c, mode_handler mode_changed, ready_handler ready)
      : config(std::move(c)),
        key(shared_limits_key(config.account)),
        manager(config.lease, clock::now()),
        client(io, config.redis, config.redis_timeout),
        timer(io),
        on_mode(std::move(mode_changed)),
        on_ready(std::move(ready)) {}

  void pump(time_point now) {
    if (auto count = manager.request_due(now)) {
      std::weak_ptr<impl> weak = shared_from_this();
      client.lease(key, config.lease.account_rate, config.lease.lease_size, *count,
                   manager.request_debit(), [weak](const redis_lease_reply& r) {
                     if (auto self = weak.lock()) self->answered(r);
                   });
    }
    arm(now);
  }

  void answered(const redis_lease_reply& r) {
    const time_point now = clock::now();
    const bool was_waiting = waiting;
    if (r.ok)
      manager.on_granted(r.granted, r.retry_after, now, r.ahead);
    else
      manager.on_failed(now);
    if (manager.take_mode_change() && on_mode)
      on_mode(manager.mode(), r.ok ? std::string("Redis answers again") : r.error);
    pump(now);
    if (was_waiting && manager.next_local_token(now) && on_ready) {
      waiting = false;
      on_ready();
    }
  }

  void arm(time_point now) {
    const time_point due = manager.next_deadline(now);
    if (due == armed_for) return;
    armed_for = due;
    if (due == time_point::max()) {
      timer.cancel();
      return;
    }
    timer.expires_at(due);
    std::weak_ptr<impl> weak = shared_from_this();
    timer.async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) {
        self->armed_for = time_point::max();
        self->pump(clock::now());
      }
    });
  }

  shared_limits_config config;
  std::string key;
  flow::lease_manager manager;
  redis_client client;
  asio::steady_timer timer;
  time_point armed_for = time_point::max();
  mode_handler on_mode;
  ready_handler on_ready;
  bool waiting = false;
};

shared_rate_limiter::shared_rate_limiter(asio::io_context& io, shared_limits_config config,
                                         mode_handler on_mode, ready_handler on_ready)
    : impl_(
          std::make_shared<impl>(io, std::move(config), std::move(on_mode), std::move(on_ready))) {}

shared_rate_limiter::~shared_rate_limiter() {
  impl_->timer.cancel();
}

bool shared_rate_limiter::try_take(time_point now) {
  const bool taken = impl_->manager.try_take(now);
  if (!taken) impl_->waiting = true;
  impl_->pump(now);
  return taken;
}

std::optional<shared_rate_limiter::time_point> shared_rate_limiter::next_local_token(
    time_point now) const {
  return impl_->manager.next_local_token(now);
}

flow::lease_mode shared_rate_limiter::mode() const noexcept {
  return impl_->manager.mode();
}

const flow::lease_stats& shared_rate_limiter::stats() const noexcept {
  return impl_->manager.stats();
}

std::uint64_t shared_rate_limiter::redis_commands() const noexcept {
  return impl_->client.commands();
}

const std::string& shared_rate_limiter::key() const noexcept {
  return impl_->key;
}

}  // namespace smsdrv::io
