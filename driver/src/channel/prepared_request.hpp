// A SendSMS request turned into wire form on the caller's thread (composer.hpp), ready for the
// channel's I/O thread, which only assigns sequence numbers and writes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace smsdrv::channel {

struct prepared_request {
  std::uint64_t request_id = 0;
  // One encoded submit_sm per segment, in order, sequence_number 0 (patched when sent).
  std::vector<std::string> frames;
  // registered_delivery was set: remember each segment's message id for its receipt.
  bool wants_receipt = false;
  // x-smpp-sar-prompt-responses: answer the request when the first segment is acknowledged.
  bool prompt_response = false;
  std::chrono::steady_clock::time_point accepted{};
};

}  // namespace smsdrv::channel
