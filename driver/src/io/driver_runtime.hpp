// The driver's I/O runtime: one Boost.Asio io_context on one thread of the driver's own
// ("smsdrv-io"), and a runner per channel that owns the channel's socket and timer and drives its
// channel_core. An HTTP channel with x-http-io-threads runs its exchanges on threads of its own
// (io/http_client_pool); its core stays on this thread. This header keeps Asio out of its
// includers (pimpl).
//
// Threads: add_channel / retire_channel / remove_channel / shutdown from one thread at a time
// (the ABI's configure/remove_channel/shutdown); channel_handle::submit / ack from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "channel/channel_config.hpp"
#include "channel/http_channel_core.hpp"
#include "channel/prepared_request.hpp"
#include "io/event_sink.hpp"
#include "io/http_client.hpp"
#include "io/tls_client.hpp"
#include "mm7/mms_composer.hpp"
#include "util/log_sink.hpp"

namespace smsdrv::io {

class channel_runner;
class mm7_runner;
struct mm7_runner_config;
class http_channel_runner;
class session_group;

// A channel as seen from other threads: an SMPP channel or an HTTP gateway channel.
class channel_handle {
 public:
  explicit channel_handle(channel_runner& runner) : runner_(&runner) {}
  explicit channel_handle(http_channel_runner& runner) : http_runner_(&runner) {}
  explicit channel_handle(session_group& group) : group_(&group) {}
  channel_handle(const channel_handle&) = delete;
  channel_handle& operator=(const channel_handle&) = delete;
  // Queues the request for the channel's thread; never blocks on I/O. Leaves in `request` frame
  // buffers to reuse, when the channel has some (channel_runner::submit). SMPP channels only.
  void submit(channel::prepared_request& request);
  // The same for an HTTP gateway channel.
  void submit(channel::http_prepared_request& request);
  void ack(std::uint64_t ack_id, std::int32_t disposition);
  // x-failover-channel: takes, on the I/O thread, at most `limit` of the channel's queued
  // requests that were never sent and kept their user data, and calls `done` there with them
  // (channel_core::take_unsent). `done` runs once, unless the runtime stopped first.
  void take_unsent(std::size_t limit,
                   std::function<void(std::vector<channel::unsent_request>&)> done);
  // After retire_channel(): true once the channel has answered every request and closed.
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }

 private:
  friend class driver_runtime;
  channel_runner* runner_ = nullptr;
  http_channel_runner* http_runner_ = nullptr;
  session_group* group_ = nullptr;  // an SMPP channel of several binds
  std::atomic<bool> finished_{false};
};

// A channel's MMS side as seen from other threads.
class mms_handle {
 public:
  explicit mms_handle(mm7_runner& runner) : runner_(runner) {}
  mms_handle(const mms_handle&) = delete;
  mms_handle& operator=(const mms_handle&) = delete;
  void submit(mm7::prepared_mms&& request);
  void ack(std::uint64_t ack_id, std::int32_t disposition);
  std::uint16_t listen_port() const noexcept;
  // After retire_mms(): true once every request has its outcome and the listener is closed.
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }

 private:
  friend class driver_runtime;
  mm7_runner& runner_;
  std::atomic<bool> finished_{false};
};

class driver_runtime {
 public:
  driver_runtime(log_sink& log, event_sink& events);
  ~driver_runtime();  // shutdown(0) if still running
  driver_runtime(const driver_runtime&) = delete;
  driver_runtime& operator=(const driver_runtime&) = delete;

  // Creates the channel and starts connecting, over TLS when `tls` is given; with
  // config.sessions > 1 it opens that many binds (io::session_group). The handle lives as long
  // as the runtime; its events reach the sink with `sink_key`.
  channel_handle& add_channel(channel::channel_config config, void* sink_key,
                              std::shared_ptr<const tls_client> tls = nullptr);
  // An HTTP gateway channel; its requests go out through an http_client on the I/O thread, or
  // with client.io_threads = N on N threads of the channel's own (http_client_pool).
  channel_handle& add_http_channel(channel::http_channel_config config, http_client_settings client,
                                   void* sink_key);

  // Calls `tick` on the I/O thread every `interval` until shutdown.
  void every(std::chrono::milliseconds interval, std::function<void()> tick);
  // Opens a TCP connection to host:port (the name resolved) within `timeout` and closes it at
  // once: a gateway that accepts connections again. `done(connected, why not)` runs on the I/O
  // thread.
  void probe_tcp(std::string host, std::uint16_t port, std::chrono::milliseconds timeout,
                 std::function<void(bool, std::string)> done);
  // The MMS side of a channel (MM7): its listener is bound now; throws std::runtime_error naming
  // what failed (the address, a TLS file). Its events reach the sink with `sink_key`. With
  // `previous` (the MMS side of the instance being replaced) listening on the same address and
  // port, its listening socket is taken over instead (mm7_runner).
  mms_handle& add_mms(mm7_runner_config config, void* sink_key, mms_handle* previous = nullptr);
  // Stops a channel's MMS side while the driver runs: queued requests end SMSDRV_E_SHUT_DOWN,
  // requests in flight get up to `drain` for their SubmitRsp, the MMSC's requests waiting for
  // the host's ack get up to `drain` for it; the listener closes now (unless a new instance took
  // it over). Cut after a grace period. Its events reach the sink until handle.finished().
  void retire_mms(mms_handle& handle, std::chrono::milliseconds drain);
  // Frees a retired MMS side once handle.finished(); the handle is invalid after.
  void remove_mms(mms_handle& handle);

  // Stops one channel the way shutdown() stops them all, without waiting: it takes no new
  // request, its queued requests fail unsent (SMSDRV_E_SHUT_DOWN), requests in flight get up to
  // `drain` for their responses, then it unbinds and closes (cut after a grace period). Its
  // events keep reaching the sink until handle.finished().
  void retire_channel(channel_handle& handle, std::chrono::milliseconds drain);

  // Frees a retired channel once handle.finished(); the handle is invalid after.
  void remove_channel(channel_handle& handle);

  // Drains every channel (queued requests fail, requests in flight get up to `drain` for their
  // responses), unbinds, closes, stops the I/O thread. Returns when all of that is done or
  // drain + a grace period has passed (then connections are cut). Idempotent.
  void shutdown(std::chrono::milliseconds drain);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace smsdrv::io
