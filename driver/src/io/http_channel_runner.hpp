// The I/O shell of one HTTP gateway channel: an http_client (libcurl on the I/O thread), or with
// x-http-io-threads = N an http_client_pool (the exchanges on N threads of the channel's own), a
// deadline timer and an http_channel_core. Every completion (with the pool: every batch of them)
// feeds the core and then calls drive(), which starts the exchanges the core lists, aborts them
// all when the drain time is over, hands events to the host and re-arms the timer at the core's
// next deadline. The core and this shell run on the runtime's single I/O thread; submit() may be
// called from any thread and only queues work.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "channel/http_channel_core.hpp"
#include "io/event_sink.hpp"
#include "io/host_inbox.hpp"
#include "io/http_client.hpp"
#include "io/http_client_pool.hpp"

namespace smsdrv::io {

namespace asio = boost::asio;

class http_channel_runner {
 public:
  http_channel_runner(asio::io_context& io, channel::http_channel_config config,
                      http_client_settings client, log_sink& log, event_sink& events,
                      void* sink_key);
  ~http_channel_runner();
  http_channel_runner(const http_channel_runner&) = delete;
  http_channel_runner& operator=(const http_channel_runner&) = delete;

  const std::string& name() const noexcept { return core_.name(); }

  // Any thread.
  void start();
  void submit(channel::http_prepared_request& request);
  // As channel_runner::take_unsent.
  void take_unsent(std::size_t limit,
                   std::function<void(std::vector<channel::unsent_request>&)> done);

  // I/O thread only.
  void begin_shutdown(std::chrono::steady_clock::time_point deadline,
                      std::function<void()> on_finished);
  void force_close(std::string_view reason);
  bool finished() const noexcept { return core_.finished(); }

 private:
  void post_drain();
  void drain_inbox();
  void drive();
  void arm_timer(std::chrono::steady_clock::time_point deadline);
  void completed(std::uint64_t tag, http_result&& result);
  void abort_exchanges(std::string_view reason);

  asio::io_context& io_;
  log_sink& log_;
  event_sink& events_;
  void* sink_key_;
  channel::http_channel_core core_;
  // One of the two; declared after core_, so gone (threads joined) before the requests it reads.
  std::unique_ptr<http_client> client_;
  std::unique_ptr<http_client_pool> pool_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point armed_ = std::chrono::steady_clock::time_point::max();
  bool driving_ = false;  // drive() is on the stack: a completion inside it asks for another pass
  bool drive_again_ = false;
  std::function<void()> on_finished_;

  host_inbox<channel::http_prepared_request> inbox_;
  std::vector<channel::http_prepared_request> taken_;  // I/O thread's side of the swap
  std::vector<host_inbox<channel::http_prepared_request>::ack> taken_acks_;  // none: no inbound
};

}  // namespace smsdrv::io
