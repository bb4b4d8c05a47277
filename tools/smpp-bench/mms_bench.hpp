// MMS over MM7 under load: libsmsmms.so through the C ABI with a channel whose MMS settings point
// at mmsc-sim (--quiet --no-part-bytes, answers at once), both on loopback:
//
//  1. outbound: SendMMS with a text and one image of --image-size random bytes, at most
//     --concurrency SubmitReq in flight (max-in-flight), RESPONSE events polled; submits/s from
//     the first send() to the last RESPONSE, this process's CPU per submit (the host thread:
//     building the body in send(); the driver's I/O thread: curl), the simulator's CPU (parsing
//     the body with the driver's MM7 reader: its headroom) and the peak RSS;
//  2. inbound: mmsc-sim posts --inbound DeliverReq (a text and the same image) to the channel's
//     listener, the host acks each INBOUND at once; DeliverReq/s from the command to the last
//     acknowledged one (the simulator's count), and the CPU of both;
//  3. memory (--held N): mmsc-sim answers every SubmitReq --held-ms late; N SendMMS are sent to
//     a channel of their own (max-in-flight N) and, once the simulator has all N and before any
//     answer, the heap in use (glibc mallinfo2: uordblks + hblkhd) and the RSS are read; again
//     after every RESPONSE was polled, and after the channel was removed. Per message in
//     flight: the difference from before the sends, divided by N.
#pragma once

#include <cstdint>
#include <string>

namespace smsdrv::bench {

struct mms_bench_options {
  std::string module;
  std::string sim;  // mmsc-sim
  std::uint64_t count = 5'000;
  std::uint64_t inbound = 2'000;  // 0: no inbound run
  std::uint32_t concurrency = 16;
  std::size_t image_size = 30'000;
  std::uint32_t held = 0;  // 0: no memory run
  std::uint32_t held_ms = 5'000;
  bool progress = true;
};

// Returns the result line (JSON).
std::string run_mms(const mms_bench_options& o);

}  // namespace smsdrv::bench
