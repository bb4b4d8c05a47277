// The I/O shell of one channel (house style §2): a connection (TCP, or TLS over it), a resolver,
// a deadline timer and a channel_core. Every completion feeds the core and then calls drive(),
// which writes what the core produced, closes the transport when asked (after writing what the
// core still had to say, e.g. the unbind_resp to the SMSC's unbind), hands events to the host
// and re-arms the timer at the core's next deadline. Runs on the runtime's single I/O thread;
// submit() and ack() may be called from any thread and only queue work for it.
//
// x-smpp-comms-timeout bounds each phase of a connection attempt (resolve + TCP connect, then
// the TLS handshake) and every write: one that does not complete in time fails the link with a
// reason naming the option.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "channel/channel_core.hpp"
#include "io/event_sink.hpp"
#include "io/host_inbox.hpp"
#include "io/link.hpp"
#include "io/probe_link.hpp"
#include "io/tls_client.hpp"

namespace boost::asio::ssl {
class context;
}

namespace smsdrv::io {

namespace asio = boost::asio;

class channel_runner {
 public:
  // `tls`: the loaded TLS context when x-smpp-tls-mode is not none; nullptr for plain TCP.
  // `shared`: what the channel's sessions share when it opens several (session_group); it
  // outlives the runner.
  channel_runner(asio::io_context& io, channel::channel_config config,
                 std::shared_ptr<const tls_client> tls, log_sink& log, event_sink& events,
                 void* sink_key, channel::session_shared* shared = nullptr);
  ~channel_runner();
  channel_runner(const channel_runner&) = delete;
  channel_runner& operator=(const channel_runner&) = delete;

  const std::string& name() const noexcept { return core_.name(); }

  // Any thread.
  void start();
  // Moves the request to the channel's thread and leaves in `request` the (empty) frame
  // buffers of a finished request, when there are some, to compose the next request into.
  void submit(channel::prepared_request& request);
  void ack(std::uint64_t ack_id, std::int32_t disposition);
  // x-failover-channel: on the I/O thread, after the requests submitted so far have reached the
  // core, takes out its unsent requests (channel_core::take_unsent) and calls `done` with them.
  void take_unsent(std::size_t limit,
                   std::function<void(std::vector<channel::unsent_request>&)> done);

  // I/O thread only.
  void begin_shutdown(channel::time_point deadline, std::function<void()> on_finished);
  void force_close(std::string_view reason);
  bool finished() const noexcept { return core_.finished(); }
  // The core, for the session_group that feeds several runners of one channel; the group calls
  // drive() after it changed the core.
  channel::channel_core& core() noexcept { return core_; }
  void drive();
  // The submission gate may allow again (a lease came from Redis): the core tries to send.
  void wake();

 private:
  enum class transport_state : std::uint8_t { idle, connecting, handshaking, open };

  void post_drain();
  void drain_inbox();
  // Moves the core's spent frame buffers to spare_frames_, for submit() to hand out.
  void hand_back_frames();
  void start_connect(const channel::smsc_endpoint& endpoint);
  void start_handshake(std::uint64_t gen);
  void link_opened();
  // The connection attempt is over: closes what is open, tells the core. The caller drives.
  void attempt_failed(const std::string& reason);
  void arm_phase_timer(std::uint64_t gen);
  // Reloads the PKCS#12 file when it changed on disk; the problem when it no longer loads.
  std::optional<std::string> refresh_tls();
  void start_read();
  void start_write();
  void arm_write_timer(channel::time_point at);
  void close_transport(const std::string& reason);
  void arm_timer(channel::time_point deadline);
  void log(log_level level, const std::string& message);
  std::string comms_timeout_text() const;

  asio::io_context& io_;
  log_sink& log_;
  event_sink& events_;
  void* sink_key_;
  channel::channel_core core_;
  std::shared_ptr<const tls_client> tls_;
  std::unique_ptr<asio::ssl::context> ssl_context_;  // wraps tls_'s OpenSSL context
  asio::ip::tcp::resolver resolver_;
  std::shared_ptr<link> link_;  // also held by its pending operations, so it outlives them
  channel::smsc_endpoint endpoint_;
  asio::steady_timer timer_;
  asio::steady_timer phase_timer_;  // the connection attempt's current phase
  asio::steady_timer write_timer_;
  probe_link probe_;  // failover: the primary, probed while on the secondary
  channel::time_point armed_ = channel::time_point::max();
  channel::time_point write_started_{};
  bool write_timer_armed_ = false;

  transport_state transport_ = transport_state::idle;
  std::uint64_t generation_ = 0;  // bumped at every close: completions of older ones are stale
  bool reading_ = false;
  bool writing_ = false;
  // A close the core asked for while it still had output (the unbind_resp to the SMSC's
  // unbind): the transport closes once that output is written.
  std::optional<std::string> close_after_write_;
  std::vector<char> read_buffer_;
  std::string write_buffer_;

  std::function<void()> on_finished_;

  host_inbox<channel::prepared_request> inbox_;
  std::vector<channel::frame_list> spare_frames_;  // at most the window's size; inbox_'s lock
  std::vector<channel::prepared_request> taken_requests_;  // I/O thread's side of the swap
  std::vector<host_inbox<channel::prepared_request>::ack> taken_acks_;
};

}  // namespace smsdrv::io
