#include "io/channel_runner.hpp"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace smsdrv::io {
namespace {

using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;
using boost::system::error_code;

constexpr std::size_t read_chunk = 64 * 1024;

}  // namespace

channel_runner::channel_runner(asio::io_context& io, channel::channel_config config, log_sink& log,
                               event_sink& events, void* sink_key)
    : io_(io),
      log_(log),
      events_(events),
      sink_key_(sink_key),
      core_(std::move(config), log, steady::now()),
      resolver_(io),
      socket_(io),
      timer_(io),
      connect_timer_(io),
      probe_(io, core_.probe(),
             [this] {
               core_.on_probe_finished(steady::now());
               drive();
             }),
      read_buffer_(read_chunk) {}

void channel_runner::log(log_level level, const std::string& message) {
  if (log_.enabled(level)) log_.write(level, core_.name(), message);
}

void channel_runner::start() {
  asio::post(io_, [this] { drive(); });
}

void channel_runner::submit(channel::prepared_request&& request) {
  bool post = false;
  {
    std::lock_guard lock(inbox_mutex_);
    inbox_requests_.push_back(std::move(request));
    post = !std::exchange(drain_posted_, true);
  }
  if (post) post_drain();
}

void channel_runner::ack(std::uint64_t ack_id, std::int32_t disposition) {
  bool post = false;
  {
    std::lock_guard lock(inbox_mutex_);
    inbox_acks_.emplace_back(ack_id, disposition);
    post = !std::exchange(drain_posted_, true);
  }
  if (post) post_drain();
}

void channel_runner::post_drain() {
  asio::post(io_, [this] {
    drain_inbox();
    drive();
  });
}

void channel_runner::drain_inbox() {
  {
    std::lock_guard lock(inbox_mutex_);
    taken_requests_.swap(inbox_requests_);
    taken_acks_.swap(inbox_acks_);
    drain_posted_ = false;
  }
  const auto now = steady::now();
  for (auto& [id, disposition] : taken_acks_) {
    if (!core_.ack(id, disposition))
      log(log_level::debug, fmt::format("acknowledgement {} matches no pending message (its "
                                        "connection closed; the SMSC delivers it again)",
                                        id));
  }
  taken_acks_.clear();
  for (auto& r : taken_requests_)
    core_.enqueue(std::move(r), now);
  taken_requests_.clear();
}

void channel_runner::drive() {
  const auto now = steady::now();
  if (transport_ == transport_state::idle) {
    if (auto endpoint = core_.connect_due(now)) start_connect(*endpoint);
  }
  if (auto primary = core_.probe_due(now)) probe_.start(*primary, core_.config().connect_timeout);
  if (auto reason = core_.take_close_request()) close_transport(*reason);
  if (transport_ == transport_state::open && !writing_ && !core_.output().empty()) start_write();
  if (!core_.events().empty()) events_.push(sink_key_, core_.events());
  if (core_.finished()) {
    timer_.cancel();
    if (on_finished_) std::exchange(on_finished_, nullptr)();
    return;
  }
  arm_timer(core_.next_deadline());
}

void channel_runner::arm_timer(channel::time_point deadline) {
  // A timer that fires early is harmless (on_tick finds nothing to do and re-arms), so it is only
  // moved when the deadline comes closer: no re-arming per message at high rates.
  if (deadline >= armed_) return;
  armed_ = deadline;
  timer_.expires_at(deadline);
  timer_.async_wait([this](const error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    armed_ = channel::time_point::max();
    core_.on_tick(steady::now(), wall::now());
    drive();
  });
}

void channel_runner::start_connect(const channel::smsc_endpoint& endpoint) {
  transport_ = transport_state::connecting;
  const std::uint64_t gen = ++generation_;
  connect_timer_.expires_after(core_.config().connect_timeout);
  connect_timer_.async_wait([this, gen](const error_code& ec) {
    if (ec || gen != generation_ || transport_ != transport_state::connecting) return;
    resolver_.cancel();
    error_code ignored;
    socket_.close(ignored);
    ++generation_;
    transport_ = transport_state::idle;
    core_.on_connect_failed(fmt::format("no connection within {} ms (x-smpp-comms-timeout)",
                                        core_.config().connect_timeout.count()),
                            steady::now());
    drive();
  });
  resolver_.async_resolve(
      endpoint.host, std::to_string(endpoint.port),
      [this, gen](const error_code& ec, asio::ip::tcp::resolver::results_type results) {
        if (gen != generation_) return;
        if (ec) {
          connect_timer_.cancel();
          transport_ = transport_state::idle;
          ++generation_;
          core_.on_connect_failed(fmt::format("name resolution failed: {}", ec.message()),
                                  steady::now());
          drive();
          return;
        }
        asio::async_connect(socket_, results,
                            [this, gen](const error_code& cec, const asio::ip::tcp::endpoint&) {
                              if (gen != generation_) return;
                              connect_timer_.cancel();
                              if (cec) {
                                error_code ignored;
                                socket_.close(ignored);
                                transport_ = transport_state::idle;
                                ++generation_;
                                core_.on_connect_failed(cec.message(), steady::now());
                                drive();
                                return;
                              }
                              error_code ignored;
                              socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
                              transport_ = transport_state::open;
                              core_.on_connected(steady::now());
                              start_read();
                              drive();
                            });
      });
}

void channel_runner::start_read() {
  if (reading_ || transport_ != transport_state::open) return;
  reading_ = true;
  const std::uint64_t gen = generation_;
  socket_.async_read_some(
      asio::buffer(read_buffer_), [this, gen](const error_code& ec, std::size_t n) {
        if (gen != generation_) return;
        reading_ = false;
        if (ec) {
          close_transport(ec == asio::error::eof ? std::string("the SMSC closed the connection")
                                                 : fmt::format("read failed: {}", ec.message()));
          drive();
          return;
        }
        core_.on_bytes(std::string_view(read_buffer_.data(), n), steady::now(), wall::now());
        start_read();
        drive();
      });
}

void channel_runner::start_write() {
  writing_ = true;
  write_buffer_.clear();
  write_buffer_.swap(core_.output());
  const std::uint64_t gen = generation_;
  asio::async_write(socket_, asio::buffer(write_buffer_),
                    [this, gen](const error_code& ec, std::size_t) {
                      if (gen != generation_) return;
                      writing_ = false;
                      if (ec) {
                        close_transport(fmt::format("write failed: {}", ec.message()));
                      }
                      drive();
                    });
}

void channel_runner::close_transport(const std::string& reason) {
  if (transport_ == transport_state::idle) return;
  ++generation_;
  error_code ignored;
  resolver_.cancel();
  connect_timer_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  const bool was_open = transport_ == transport_state::open;
  transport_ = transport_state::idle;
  reading_ = false;
  writing_ = false;
  if (was_open)
    core_.on_closed(reason, steady::now());
  else
    core_.on_connect_failed(reason, steady::now());
}

void channel_runner::begin_shutdown(channel::time_point deadline,
                                    std::function<void()> on_finished) {
  on_finished_ = std::move(on_finished);
  probe_.cancel();
  drain_inbox();
  core_.shutdown(steady::now(), deadline);
  drive();
}

void channel_runner::force_close(std::string_view reason) {
  probe_.cancel();
  if (core_.finished()) return;
  if (transport_ != transport_state::idle) close_transport(std::string(reason));
  drive();
}

}  // namespace smsdrv::io
