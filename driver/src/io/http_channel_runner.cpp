#include "io/http_channel_runner.hpp"

#include <fmt/format.h>

#include <boost/asio/post.hpp>

namespace smsdrv::io {
namespace {

using steady = std::chrono::steady_clock;

}  // namespace

http_channel_runner::http_channel_runner(asio::io_context& io, channel::http_channel_config config,
                                         http_client_settings client, log_sink& log,
                                         event_sink& events, void* sink_key)
    : io_(io),
      log_(log),
      events_(events),
      sink_key_(sink_key),
      core_(std::move(config), log, steady::now()),
      timer_(io) {
  if (client.io_threads == 0) {
    client_ = std::make_unique<http_client>(
        io, std::move(client),
        [this](std::uint64_t tag, http_result&& r) { completed(tag, std::move(r)); });
    return;
  }
  const std::size_t threads = client.io_threads;
  // A batch of completions feeds the core, then drives once.
  pool_ = std::make_unique<http_client_pool>(
      io, std::move(client), threads,
      [this](std::uint64_t tag, http_result&& r) {
        core_.on_result(tag, r.view(), steady::now());
        if (driving_) drive_again_ = true;
      },
      [this] { drive(); });
}

http_channel_runner::~http_channel_runner() = default;

void http_channel_runner::start() {
  asio::post(io_, [this] { drive(); });
}

void http_channel_runner::submit(channel::http_prepared_request& request) {
  if (inbox_.put(std::move(request))) post_drain();
}

void http_channel_runner::take_unsent(
    std::size_t limit, std::function<void(std::vector<channel::unsent_request>&)> done) {
  asio::post(io_, [this, limit, done = std::move(done)] {
    drain_inbox();
    std::vector<channel::unsent_request> taken;
    core_.take_unsent(limit, taken);
    done(taken);
    drive();
  });
}

void http_channel_runner::post_drain() {
  asio::post(io_, [this] {
    drain_inbox();
    drive();
  });
}

void http_channel_runner::drain_inbox() {
  inbox_.take(taken_, taken_acks_);
  const auto now = steady::now();
  for (auto& r : taken_)
    core_.enqueue(std::move(r), now);
  taken_.clear();
}

void http_channel_runner::completed(std::uint64_t tag, http_result&& result) {
  core_.on_result(tag, result.view(), steady::now());
  drive();
}

void http_channel_runner::drive() {
  if (driving_) {
    drive_again_ = true;
    return;
  }
  driving_ = true;
  do {
    drive_again_ = false;
    const auto now = steady::now();
    // The drain time is over: every exchange ends now, each with its result (written or not).
    if (core_.abort_due(now))
      abort_exchanges("no response before the drain time of the shutdown ran out");
    auto& outgoing = core_.outgoing();
    // The core keeps each request until its result (outgoing_request::request): no copy.
    if (pool_) {
      for (const auto& o : outgoing)
        pool_->start_borrowed(o.tag, *o.request);
      pool_->flush();
    } else {
      for (const auto& o : outgoing)
        client_->start_borrowed(o.tag, *o.request);
    }
    outgoing.clear();
    if (!core_.events().empty()) events_.push(sink_key_, core_.events());
  } while (drive_again_);
  driving_ = false;
  if (core_.finished()) {
    timer_.cancel();
    if (on_finished_) std::exchange(on_finished_, nullptr)();
    return;
  }
  arm_timer(core_.next_deadline());
}

void http_channel_runner::arm_timer(steady::time_point deadline) {
  // An early wake-up is harmless (on_tick finds nothing to do and re-arms): the timer only moves
  // when the deadline comes closer.
  if (deadline >= armed_) return;
  armed_ = deadline;
  timer_.expires_at(deadline);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    armed_ = steady::time_point::max();
    core_.on_tick(steady::now());
    drive();
  });
}

void http_channel_runner::begin_shutdown(steady::time_point deadline,
                                         std::function<void()> on_finished) {
  on_finished_ = std::move(on_finished);
  drain_inbox();
  core_.shutdown(steady::now(), deadline);
  drive();
}

void http_channel_runner::force_close(std::string_view reason) {
  if (core_.finished()) return;
  abort_exchanges(reason);
  drive();
}

void http_channel_runner::abort_exchanges(std::string_view reason) {
  if (pool_)
    pool_->abort_all(reason);
  else
    client_->abort_all(reason);
}

}  // namespace smsdrv::io
