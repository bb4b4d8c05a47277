// The second connection of a channel that has a failover SMSC: it carries channel_core's
// smsc_probe (does the primary accept a bind again?) on a socket of its own, so that the link to
// the secondary is not disturbed. Runs on the I/O thread of the channel_runner that owns it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "channel/channel_config.hpp"
#include "channel/smsc_probe.hpp"
#include "io/link.hpp"

namespace smsdrv::io {

namespace asio = boost::asio;

class probe_link {
 public:
  // on_finished runs when probe.finished() turned true (not after cancel()).
  probe_link(asio::io_context& io, channel::smsc_probe& probe, std::function<void()> on_finished);
  probe_link(const probe_link&) = delete;
  probe_link& operator=(const probe_link&) = delete;

  // Connects to `endpoint` the way the channel does (TCP, then TLS when `tls` is set, each step
  // within connect_timeout) and runs the probe started by the core.
  void start(const channel::smsc_endpoint& endpoint, std::chrono::milliseconds connect_timeout,
             std::shared_ptr<const tls_client> tls, asio::ssl::context* context);
  // Shutdown: closes the connection; the probe's outcome is not reported.
  void cancel();

 private:
  void drive();
  void start_read();
  void start_write();
  void arm_timer(channel::smsc_probe::time_point deadline);
  void opened();
  void end(const std::string& reason, bool connected);

  channel::smsc_probe& probe_;
  std::function<void()> on_finished_;
  asio::io_context& io_;
  asio::ip::tcp::resolver resolver_;
  std::shared_ptr<link> link_;
  asio::steady_timer timer_;
  std::uint64_t generation_ = 0;  // bumped at every end: completions of older ones are stale
  bool active_ = false;
  bool open_ = false;
  bool writing_ = false;
  std::vector<char> read_buffer_;
  std::string write_buffer_;
};

}  // namespace smsdrv::io
