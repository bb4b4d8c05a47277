// The I/O shell of one channel (house style §2): a socket, a resolver, a deadline timer and a
// channel_core. Every completion feeds the core and then calls drive(), which writes what the
// core produced, closes the transport when asked, hands events to the host and re-arms the
// timer at the core's next deadline. Runs on the runtime's single I/O thread; submit() and
// ack() may be called from any thread and only queue work for it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "channel/channel_core.hpp"
#include "io/event_sink.hpp"
#include "io/probe_link.hpp"

namespace smsdrv::io {

namespace asio = boost::asio;

class channel_runner {
 public:
  channel_runner(asio::io_context& io, channel::channel_config config, log_sink& log,
                 event_sink& events, void* sink_key);
  channel_runner(const channel_runner&) = delete;
  channel_runner& operator=(const channel_runner&) = delete;

  const std::string& name() const noexcept { return core_.name(); }

  // Any thread.
  void start();
  void submit(channel::prepared_request&& request);
  void ack(std::uint64_t ack_id, std::int32_t disposition);

  // I/O thread only.
  void begin_shutdown(channel::time_point deadline, std::function<void()> on_finished);
  void force_close(std::string_view reason);
  bool finished() const noexcept { return core_.finished(); }

 private:
  enum class transport_state : std::uint8_t { idle, connecting, open };

  void post_drain();
  void drain_inbox();
  void drive();
  void start_connect(const channel::smsc_endpoint& endpoint);
  void start_read();
  void start_write();
  void close_transport(const std::string& reason);
  void arm_timer(channel::time_point deadline);
  void log(log_level level, const std::string& message);

  asio::io_context& io_;
  log_sink& log_;
  event_sink& events_;
  void* sink_key_;
  channel::channel_core core_;
  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  asio::steady_timer connect_timer_;
  probe_link probe_;  // failover: the primary, probed while on the secondary
  channel::time_point armed_ = channel::time_point::max();

  transport_state transport_ = transport_state::idle;
  std::uint64_t generation_ = 0;  // bumped at every close: completions of older ones are stale
  bool reading_ = false;
  bool writing_ = false;
  std::vector<char> read_buffer_;
  std::string write_buffer_;

  std::function<void()> on_finished_;

  std::mutex inbox_mutex_;
  std::vector<channel::prepared_request> inbox_requests_;
  std::vector<std::pair<std::uint64_t, std::int32_t>> inbox_acks_;
  bool drain_posted_ = false;
  std::vector<channel::prepared_request> taken_requests_;  // I/O thread's side of the swap
  std::vector<std::pair<std::uint64_t, std::int32_t>> taken_acks_;
};

}  // namespace smsdrv::io
