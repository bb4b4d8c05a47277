#include "io/probe_link.hpp"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>

namespace smsdrv::io {
namespace {

using steady = std::chrono::steady_clock;
using boost::system::error_code;

std::string read_failure(const error_code& ec) {
  if (closed_by_peer(ec)) return "the SMSC closed the connection";
  if (ec.category() == asio::error::get_ssl_category())
    return "read failed: " + describe_tls_error(failure_of(ec).tls_error);
  return fmt::format("read failed: {}", ec.message());
}

}  // namespace

probe_link::probe_link(asio::io_context& io, channel::smsc_probe& probe,
                       std::function<void()> on_finished)
    : probe_(probe),
      on_finished_(std::move(on_finished)),
      io_(io),
      resolver_(io),
      timer_(io),
      read_buffer_(4096) {}

void probe_link::start(const channel::smsc_endpoint& endpoint,
                       std::chrono::milliseconds connect_timeout,
                       std::shared_ptr<const tls_client> tls, asio::ssl::context* context) {
  const std::uint64_t gen = ++generation_;
  active_ = true;
  open_ = false;
  writing_ = false;
  link_ = std::make_shared<link>(io_, tls ? context : nullptr, std::move(tls));
  // One deadline for TCP connect and TLS handshake together (x-smpp-comms-timeout).
  timer_.expires_after(connect_timeout);
  timer_.async_wait([this, gen, connect_timeout](const error_code& ec) {
    if (ec || gen != generation_ || open_) return;
    end(fmt::format("no connection{} within {} ms (x-smpp-comms-timeout)",
                    link_ && link_->tls ? " and TLS handshake" : "", connect_timeout.count()),
        false);
  });
  const std::string host = endpoint.host;
  resolver_.async_resolve(
      endpoint.host, std::to_string(endpoint.port),
      [this, gen, host, l = link_](const error_code& ec,
                                   asio::ip::tcp::resolver::results_type results) {
        if (gen != generation_) return;
        if (ec) {
          end(fmt::format("name resolution failed: {}", ec.message()), false);
          return;
        }
        asio::async_connect(
            l->lowest(), results,
            [this, gen, host, l](const error_code& cec, const asio::ip::tcp::endpoint&) {
              if (gen != generation_) return;
              if (cec) {
                end(cec.message(), false);
                return;
              }
              error_code ignored;
              l->lowest().set_option(asio::ip::tcp::no_delay(true), ignored);
              if (!l->tls) {
                opened();
                return;
              }
              // The same TLS as the channel's own link: SNI, verification, the same context.
              if (!prepare_tls_connection(*l->tls_settings_owner, l->tls->native_handle(), host,
                                          l->trace)) {
                end("TLS set-up failed (OpenSSL refused the SNI or the host name)", false);
                return;
              }
              l->tls->async_handshake(
                  asio::ssl::stream_base::client, [this, gen, l](const error_code& hec) {
                    if (gen != generation_) return;
                    if (hec) {
                      end(describe_handshake_failure(l->trace, failure_of(hec)), false);
                      return;
                    }
                    opened();
                  });
            });
      });
}

void probe_link::opened() {
  open_ = true;
  timer_.cancel();
  probe_.on_connected(steady::now());
  start_read();
  drive();
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
  async_read_some(*link_, asio::buffer(read_buffer_),
                  [this, gen, keep = link_](const error_code& ec, std::size_t n) {
                    if (gen != generation_) return;
                    if (ec) {
                      end(read_failure(ec), true);
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
  async_write_all(*link_, asio::buffer(write_buffer_),
                  [this, gen, l = link_](const error_code& ec, std::size_t) {
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
  if (link_) {
    link_->lowest().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    link_->lowest().close(ignored);
    link_.reset();
  }
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
  if (link_) {
    link_->lowest().close(ignored);
    link_.reset();
  }
}

}  // namespace smsdrv::io
