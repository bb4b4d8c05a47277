// A SendSMS for an HTTP gateway channel, built on the caller's thread (http_composer.hpp) and
// handed to the channel's I/O thread, which only sends it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "channel/unsent_request.hpp"
#include "http/request_builder.hpp"

namespace smsdrv::channel {

struct http_prepared_request {
  std::uint64_t request_id = 0;
  http::built_request request;
  std::chrono::steady_clock::time_point accepted{};
  kept_user_data kept;  // as prepared_request::kept
  // Exchanges started for it (also those that never reached the gateway).
  std::uint32_t attempts = 0;
};

// For the request tracker (request_tracker.hpp): one exchange is the whole request.
inline std::size_t part_count(const http_prepared_request&) noexcept {
  return 1;
}
inline bool answers_at_first_part(const http_prepared_request&) noexcept {
  return false;
}

}  // namespace smsdrv::channel
