// status_json.hpp - GET /api/channels: what the console's channel page shows.
//
//   {"now": "2026-12-04T22:40:01Z", "channels": [
//     {"name": "channel-a", "driver": "smsmms",
//      "state": {"reported": true, "status": 0, "name": "SMSDRV_OK", "text": "bound ...",
//                "attributes": {...}, "since": "...", "changes": 3},
//      "metrics": {"smsdrv_queue_depth": 0, "smsdrv_link_up": 1, ...}}]}
//
// "metrics" holds the channel's unlabelled samples by name (histogram buckets left out); a
// driver of ABI 1.0 reports none.
#ifndef SMSDRV_CONSOLE_STATUS_JSON_HPP
#define SMSDRV_CONSOLE_STATUS_JSON_HPP

#include <chrono>
#include <string>
#include <vector>

#include "host/channel_status.hpp"
#include "host/prometheus.hpp"
#include "host/test_messages.hpp"

namespace smsdrv::console {

std::string channels_json(const std::vector<host::channel_state>& channels,
                          const std::vector<host::driver_metrics>& metrics,
                          std::chrono::system_clock::time_point now);

// GET /api/test-sms: {"messages": [{"id", "channel", "to" (masked), "sent", "answered", "ok",
// "status", "text", "messageId", "report": {...}}]}, newest first.
std::string tests_json(const std::vector<host::test_message>& messages);

}  // namespace smsdrv::console

#endif  // SMSDRV_CONSOLE_STATUS_JSON_HPP
