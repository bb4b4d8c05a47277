// event_loop.hpp - the main thread while dms-stub serves: drains the drivers' events to stdout
// and acknowledges, sends again what a reload's replaced channels never sent, reloads on SIGHUP,
// then ends the run (docs/esp.md "Signals", "Stopping", "Reloading the options file").
//
// No-loss rule: an event flagged SMSDRV_EVENT_NEEDS_ACK is acknowledged only after its line is
// written to stdout (one write per batch of events, then the acks of that batch). When stdout is
// gone the batch's events are refused instead, so the SMSC delivers them again.
#ifndef SMSDRV_HOST_EVENT_LOOP_HPP
#define SMSDRV_HOST_EVENT_LOOP_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "host/output.hpp"
#include "host/reloader.hpp"
#include "host/request_table.hpp"
#include "host/runtime.hpp"

namespace smsdrv::host {

class event_loop {
 public:
  // Events polled from one driver before the batch is written and the next driver is polled.
  static constexpr size_t batch_limit = 512;
  // Delivery reports can name the request ids of this many most recent answered requests.
  static constexpr size_t report_window = 65536;

  // signal_fd: a signalfd for SIGINT, SIGTERM and SIGHUP, or -1; out_fd: where events go
  // (1 = stdout); reload: what SIGHUP does (nullptr: SIGHUP is ignored, with a log line).
  event_loop(runtime& rt, int signal_fd, int out_fd, reloader* reload = nullptr)
      : rt_(rt), signal_fd_(signal_fd), out_(out_fd), reload_(reload), reports_(report_window) {}

  // Serves until the reader has finished (end of input, SIGINT/SIGTERM, lost output), waits for
  // outstanding responses (--drain), lingers (--linger), shuts every driver down and writes
  // what they still report. SIGHUP meanwhile reloads the options file. Joins reader. Returns
  // the exit status: 0, or 1 when stdout was lost.
  int run(std::thread& reader);

 private:
  using clock = std::chrono::steady_clock;

  void wait(clock::time_point deadline);
  void on_signal();
  void stop_reader();
  // Polls every driver until none has events left; writes and acknowledges per batch.
  void pump();
  void handle(size_t driver, const smsdrv_event& ev);
  void respond(size_t driver, const smsdrv_event& ev);
  // A CHANNEL_STATE for the console's channel page (rt_.status).
  void report_state(const smsdrv_event& ev, std::string_view status_name);
  // A superseded request answered SMSDRV_E_SHUT_DOWN, sent to its channel as it is now.
  int32_t send_again(const pending_request& p, size_t* driver, uint64_t* request_id);
  // At level debug: what was written for ev, its user data masked (host/log_privacy.hpp).
  void log_event(const loaded_driver& drv, const smsdrv_event& ev, std::string_view what);
  void flush_and_ack();
  void time_out_pending();
  std::string stop_cause() const { return stop_cause_.empty() ? "end of input" : stop_cause_; }
  void shut_drivers_down();

  runtime& rt_;
  int signal_fd_;
  output out_;
  reloader* reload_;
  bool reload_pending_ = false;  // SIGHUP seen, reload at the next turn of the loop
  std::string stop_cause_;       // "SIGTERM", "SIGINT", "stdout closed"; "" for end of input
  std::string again_error_;      // send_again's refusal, for the answer
  report_ids reports_;
  std::vector<std::pair<size_t, uint64_t>> acks_;  // (driver, event id) of the current batch
  bool hurry_ = false;      // a second signal or lost output: skip the drain and linger
  bool shut_down_ = false;  // after shutdown(): events needing an ack are no longer taken
  int signals_ = 0;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_EVENT_LOOP_HPP
