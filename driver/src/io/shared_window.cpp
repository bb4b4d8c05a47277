#include "io/shared_window.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <random>

namespace smsdrv::io {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {
const redis_script claim_script{"the window's claim script", flow::window_claim_script};
}

std::string shared_window_key(std::string_view account) {
  return "smsdrv:window:{" + std::string(account) + "}";
}

std::string shared_window_host_id(std::string_view channel) {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::random_device rd;
  return fmt::format("{}:{}:{}:{:08x}", host.data(), getpid(), channel, rd());
}

struct shared_window::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, shared_window_config c, in_use_fn used, mode_handler mode_changed,
       ready_handler ready)
      : config(std::move(c)),
        key(shared_window_key(config.account)),
        slots(config.window),
        client(io, config.redis, config.redis_timeout),
        timer(io),
        in_use(std::move(used)),
        on_mode(std::move(mode_changed)),
        on_ready(std::move(ready)) {}

  void pump(time_point now) {
    const std::uint32_t used = in_use();
    if (auto claim = slots.claim_due(used, now)) {
      std::weak_ptr<impl> weak = shared_from_this();
      client.eval(
          claim_script, key,
          {config.host_id, std::to_string(claim->target), std::to_string(claim->floor),
           std::to_string(config.window.window), std::to_string(config.window.slot_ttl.count())},
          [weak](const redis_counts_reply& r) {
            if (auto self = weak.lock()) self->answered(r);
          });
    }
    arm(used, now);
  }

  void answered(const redis_counts_reply& r) {
    const time_point now = clock::now();
    const bool was_waiting = slots.waiting();
    const std::uint32_t before = slots.held();
    if (r.ok)
      slots.on_granted(static_cast<std::uint32_t>(std::max<std::int64_t>(r.first, 0)), now);
    else
      slots.on_failed(now);
    const bool changed = slots.take_mode_change();
    if (changed && on_mode)
      on_mode(slots.mode(), r.ok ? std::string("Redis answers again") : r.error);
    pump(now);
    if (was_waiting && (changed || slots.held() > before)) ready();
  }

  // Writes wait and may go now.
  void ready() {
    if (!slots.waiting() || in_use() >= slots.limit()) return;
    slots.not_waiting();  // they ask again; a refusal then waits again
    if (on_ready) on_ready();
  }

  void arm(std::uint32_t used, time_point now) {
    const time_point due = slots.next_deadline(used, now);
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
        self->ready();
      }
    });
  }

  shared_window_config config;
  std::string key;
  flow::window_slots slots;
  redis_client client;
  asio::steady_timer timer;
  time_point armed_for = time_point::max();
  in_use_fn in_use;
  mode_handler on_mode;
  ready_handler on_ready;
};

shared_window::shared_window(asio::io_context& io, shared_window_config config, in_use_fn in_use,
                             mode_handler on_mode, ready_handler on_ready)
    : impl_(std::make_shared<impl>(io, std::move(config), std::move(in_use), std::move(on_mode),
                                   std::move(on_ready))) {}

shared_window::~shared_window() {
  impl_->timer.cancel();
}

bool shared_window::try_take(time_point now) {
  const bool taken = impl_->slots.try_take(impl_->in_use(), now);
  impl_->pump(now);
  return taken;
}

void shared_window::released(time_point now) {
  impl_->pump(now);
}

flow::window_mode shared_window::mode() const noexcept {
  return impl_->slots.mode();
}

std::uint32_t shared_window::held() const noexcept {
  return impl_->slots.held();
}

const flow::window_stats& shared_window::stats() const noexcept {
  return impl_->slots.stats();
}

const std::string& shared_window::key() const noexcept {
  return impl_->key;
}

}  // namespace smsdrv::io
