#include "io/probe_link.hpp"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace smsdrv::io {
namespace {

using steady = std::chrono::steady_clock;
using boost::system::error_code;

}  // namespace

probe_link::probe_link(asio::io_context& io, channel::smsc_probe& probe,
                       std::function<void()> on_finished)
    : probe_(probe),
      on_finished_(std::move(on_finished)),
      resolver_(io),
      socket_(io),
      timer_(io),
      read_buffer_(4096) {}

void probe_link::start(const channel::smsc_endpoint& endpoint,
                       std::chrono::milliseconds connect_timeout) {
  const std::uint64_t gen = ++generation_;
  active_ = true;
  open_ = false;
  writing_ = false;
  timer_.expires_after(connect_timeout);
  timer_.async_wait([this, gen, connect_timeout](const error_code& ec) {
    if (ec || gen != generation_ || open_) return;
    end(fmt::format("no connection within {} ms (x-smpp-comms-timeout)", connect_timeout.count()),
        false);
  });
  resolver_.async_resolve(
      endpoint.host, std::to_string(endpoint.port),
      [this, gen](const error_code& ec, asio::ip::tcp::resolver::results_type results) {
        if (gen != generation_) return;
        if (ec) {
          end(fmt::format("name resolution failed: {}", ec.message()), false);
          return;
        }
        asio::async_connect(socket_, results,
                            [this, gen](const error_code& cec, const asio::ip::tcp::endpoint&) {
                              if (gen != generation_) return;
                              if (cec) {
                                end(cec.message(), false);
                                return;
                              }
                              error_code ignored;
                              socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
                              open_ = true;
                              timer_.cancel();
                              probe_.on_connected(steady::now());
                              start_read();
                              drive();
                            });
      });
}

void probe_link::drive() {
  if (!active_) return;
  if (probe_.close_requested()) {
    end("probe done", true);
    return;
  }
  if (!writing_ && !probe_.output().empty()) start_write();
  arm_timer(probe_.next_deadline());
}

void probe_link::start_read() {
  const std::uint64_t gen = generation_;
  socket_.async_read_some(
      asio::buffer(read_buffer_), [this, gen](const error_code& ec, std::size_t n) {
        if (gen != generation_) return;
        if (ec) {
          end(ec == asio::error::eof ? std::string("the SMSC closed the connection")
                                     : fmt::format("read failed: {}", ec.message()),
              true);
          return;
        }
        probe_.on_bytes(std::string_view(read_buffer_.data(), n), steady::now());
        start_read();
        drive();
      });
}

void probe_link::start_write() {
  writing_ = true;
  write_buffer_.clear();
  write_buffer_.swap(probe_.output());
  const std::uint64_t gen = generation_;
  asio::async_write(socket_, asio::buffer(write_buffer_),
                    [this, gen](const error_code& ec, std::size_t) {
                      if (gen != generation_) return;
                      writing_ = false;
                      if (ec) {
                        end(fmt::format("write failed: {}", ec.message()), true);
                        return;
                      }
                      drive();
                    });
}

void probe_link::arm_timer(channel::smsc_probe::time_point deadline) {
  if (deadline == channel::smsc_probe::time_point::max()) return;
  const std::uint64_t gen = generation_;
  timer_.expires_at(deadline);
  timer_.async_wait([this, gen](const error_code& ec) {
    if (ec || gen != generation_) return;
    probe_.on_tick(steady::now());
    drive();
  });
}

void probe_link::end(const std::string& reason, bool connected) {
  if (!active_) return;
  ++generation_;
  active_ = false;
  open_ = false;
  writing_ = false;
  error_code ignored;
  resolver_.cancel();
  timer_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  if (connected)
    probe_.on_closed(reason);
  else
    probe_.on_connect_failed(reason);
  on_finished_();
}

void probe_link::cancel() {
  if (!active_) return;
  ++generation_;
  active_ = false;
  error_code ignored;
  resolver_.cancel();
  timer_.cancel();
  socket_.close(ignored);
}

}  // namespace smsdrv::io
