// The I/O shell of a channel's MMS side (house style §2): the HTTP client for SubmitReq
// (io::http_client, curl on this I/O thread), the listener for the MMSC's requests (Boost.Beast,
// plain HTTP or TLS), a deadline timer and the sans-I/O mm7::mms_core. Every completion feeds the
// core and then calls pump(), which starts the exchanges the core asks for, writes the answers it
// has for the listener, hands events to the host and re-arms the timer.
//
// Runs on the runtime's single I/O thread; submit() and ack() may be called from any thread and
// only queue work for it. This header keeps Asio and Beast out of its includers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "io/event_sink.hpp"
#include "mm7/mms_composer.hpp"
#include "util/log_sink.hpp"

namespace boost::asio {
class io_context;
}

namespace smsdrv::io {

// Ack ids of the MMS side carry this bit, so that an ack finds its runner (the SMPP side's ids
// never reach it).
inline constexpr std::uint64_t mms_ack_bit = std::uint64_t{1} << 63;

struct mm7_runner_config {
  std::string channel;
  std::string application_name;
  mm7::mms_settings mms;  // listener TLS paths already resolved
};

class mm7_runner {
 public:
  // Binds the listener now (when the settings have one): throws std::runtime_error naming the
  // address and the reason when it cannot, or when the TLS files do not load. I/O thread.
  // `previous`: the MMS side of the instance this one replaces. When it listens on the address
  // and port this one is configured with, its listening socket is taken over, after every other
  // check has passed: not one connection attempt is refused during the change.
  mm7_runner(boost::asio::io_context& io, mm7_runner_config config, log_sink& log,
             event_sink& events, void* sink_key, mm7_runner* previous = nullptr);
  ~mm7_runner();
  mm7_runner(const mm7_runner&) = delete;
  mm7_runner& operator=(const mm7_runner&) = delete;

  // Any thread.
  void start();
  void submit(mm7::prepared_mms&& request);
  void ack(std::uint64_t ack_id, std::int32_t disposition);

  // I/O thread only. Queued requests fail at once; in flight ones get until `deadline`, then
  // their exchanges are cut. The listener stops taking connections; connections idle between
  // requests are closed, the others after their answer. The MMSC's requests waiting for the
  // host's ack are answered not taken at once, or, with `keep_acks` (a channel replaced or
  // removed while the host runs), at `deadline` when still waiting. `on_finished` runs once all
  // of that is done (at once when it already is). May be called again (the driver shuts down
  // while a retired channel drains): the earlier deadline counts, and without `keep_acks` the
  // requests still waiting are answered now.
  void begin_shutdown(std::chrono::steady_clock::time_point deadline,
                      std::function<void()> on_finished, bool keep_acks = false);
  void force_close(std::string_view reason);
  bool finished() const noexcept;

  // The listener's port (0 without a listener), for tests.
  std::uint16_t listen_port() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace smsdrv::io
