// dms-stub's JSON-lines path under load: a server root with the real module installed, one
// channel against smsc-sim --quiet, SendSMS lines written to dms-stub's stdin and its
// esp-response lines counted on its stdout. Three uses:
//   throughput  `count` requests as fast as dms-stub takes them: requests per second from the
//               first line written to the last esp-response read, dms-stub's CPU and peak RSS;
//   idle        no requests: dms-stub's RSS with the channel bound, after `idle` seconds;
//   soak        `rate` requests per second for `duration` seconds, dms-stub's RSS sampled every
//               `sample` seconds (growth = last sample minus the first after the warm-up).
#pragma once

#include <cstdint>
#include <string>

namespace smsdrv::bench {

struct stub_options {
  std::string dms_stub;
  std::string module;
  std::string sim_program;
  std::uint64_t count = 200'000;
  std::uint32_t window = 100;  // the channel's x-smpp-submit-window-size
  std::size_t text_length = 20;
  double idle = 0;      // > 0: idle mode
  double rate = 0;      // > 0 with duration: soak mode
  double duration = 0;  // seconds
  double sample = 10;   // soak: seconds between RSS samples
  bool progress = true;
};

// Returns the result line (JSON). Throws std::runtime_error when dms-stub does not start or the
// channel does not bind.
std::string run_stub(const stub_options& o);

}  // namespace smsdrv::bench
