// The host side of a run through the C ABI (sdk/include/smsdrv/smsdrv.hpp), shared by the
// benchmarks of the HTTP gateway and of MMS: the driver's notify() wakes the host thread, which
// keeps a bounded backlog of requests sent and takes RESPONSE events with poll().
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "smsdrv/smsdrv.hpp"

namespace smsdrv::bench {

// Set by notify() on the driver's I/O thread; the host thread sleeps on it (a futex).
struct notify_flag {
  std::atomic<std::uint32_t> ready{0};
};

// A host whose notify() sets `flag`; the driver logs at `log_level` or more severe, and warnings
// and errors go to stderr as "smpp-bench: driver <channel>: <text>".
smsdrv_host notifying_host(notify_flag& flag, std::int32_t log_level);

// A SendSMS request as the C ABI takes it, built once and sent many times: a text of
// `text_length` characters (message_text()) to one destination, on `channel`.
struct prepared_send_sms {
  std::string text;
  const char* keys[2] = {"_smsDestNumber", "_smsText"};
  const char* values[2] = {"4917600000000", nullptr};
  smsdrv_request request{};

  prepared_send_sms(const char* channel, std::size_t text_length);
  // request points into the object itself
  prepared_send_sms(const prepared_send_sms&) = delete;
  prepared_send_sms& operator=(const prepared_send_sms&) = delete;
};

struct send_outcome {
  std::uint64_t answered = 0;
  std::uint64_t ok = 0;
  std::string first_failure;  // "<status>: <text>" of the first RESPONSE that was not OK
};

// Sends `request` `count` times, keeping at most `backlog` of them unanswered (a send() refused
// with SMSDRV_E_QUEUE_FULL waits for the next RESPONSE), until each has its RESPONSE; other
// events are taken and left. A progress bar labelled `label` counts the answers when `progress`.
// Throws std::runtime_error naming the status when send() refuses a request otherwise.
send_outcome send_and_await(const smsdrv::driver& driver, const smsdrv_request& request,
                            std::uint64_t count, std::uint64_t backlog, notify_flag& flag,
                            const std::string& label, bool progress);

}  // namespace smsdrv::bench
