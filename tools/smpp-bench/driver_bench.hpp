// The driver under load, as a host sees it: libsmsmms.so loaded through the C ABI
// (sdk/include/smsdrv/smsdrv.hpp), one channel bound to an SMSC, SendSMS requests pushed with at
// most `window` unanswered (the channel's x-smpp-submit-window-size is the same), RESPONSE events
// taken with poll() when notify() says they are there.
//
// Measured: messages per second from the first send() to the last RESPONSE, the latency of each
// request from just before its send() to the poll() that hands out its RESPONSE, this process's
// CPU seconds (host thread + the driver's I/O thread) and peak RSS, and the simulator's CPU over
// the same time (its headroom).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "json.hpp"

namespace smsdrv::bench {

struct driver_options {
  std::string module;       // path of libsmsmms.so
  std::string sim_program;  // smsc-sim, started when port is 0
  int port = 0;             // an SMSC already listening on 127.0.0.1
  std::uint64_t count = 100'000;
  std::uint32_t window = 100;
  std::uint32_t outstanding = 0;         // requests the host keeps unanswered; 0: the window
  std::size_t text_length = 20;          // characters of _smsText
  std::string encoding = "smscdefault";  // x-smpp-outbound-enc-default
  bool delivery_report = false;          // x-smpp-delivery-report
  std::uint32_t max_rate = 1'000'000;    // x-smpp-submit-max-rate
  // Rate mode: send for warmup + duration seconds (count is ignored) and measure the rate of
  // RESPONSE events and of the simulator's submissions over the last `duration` seconds.
  double duration = 0;
  double warmup = 1;
  // smsc-sim faults (docs/smsc-sim.md), name and value: {"fail-every", "10:ESME_RTHROTTLED"}.
  // With `throttle` or `fail-every` the result says what that SMSC accepts and the ratio.
  std::vector<std::pair<std::string, std::string>> smsc_faults;
  unsigned cpu_hogs = 0;  // busy-loop processes running beside the run (cpu_hog.hpp)
  // More channel options (docs/options.md), after the ones the benchmark sets.
  std::vector<std::pair<std::string, std::string>> channel_options;
  bool progress = true;
};

// Runs once and returns the result line (JSON). Throws std::runtime_error when the channel does
// not bind or a send() is refused.
std::string run_driver(const driver_options& o);

// Submissions per second an SMSC with these faults accepts from a driver limited to `max_rate`:
// `throttle R` takes R per second, `fail-every N` refuses one in N. 0 when no fault limits it.
double smsc_accepts_per_s(const std::vector<std::pair<std::string, std::string>>& faults,
                          std::uint32_t max_rate);

struct queue_memory_options {
  std::string module;
  std::string sim_program;
  std::uint64_t count = 100'000;
  std::size_t text_length = 20;
};

// Fills a bound channel's queue (x-smpp-submit-max-rate 1) with `count` requests and reports the
// growth of this process's RSS per queued request.
std::string run_queue_memory(const queue_memory_options& o);

// The text of a benchmark message: `length` characters, all in the GSM 03.38 default alphabet.
std::string message_text(std::size_t length);

}  // namespace smsdrv::bench
