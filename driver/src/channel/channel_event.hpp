// An event of a channel, owned (strings copied), on its way to the host's poll().
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "smsdrv/smsdrv.h"

namespace smsdrv::channel {

using attributes = std::vector<std::pair<std::string, std::string>>;

struct channel_event {
  smsdrv_event_type type = SMSDRV_EVENT_RESPONSE;
  std::uint64_t request_id = 0;  // RESPONSE, DELIVERY_REPORT
  std::int32_t status = SMSDRV_OK;
  std::string text;
  attributes attrs;
  std::uint64_t ack_id = 0;  // non-zero: the host must acknowledge (SMSDRV_EVENT_NEEDS_ACK)
};

// Attribute names used by the channel's events besides the inbound set of the spec (docs/esp.md).
namespace attr {
inline constexpr const char* message_id = "_smsMessageId";
inline constexpr const char* message_ids = "_smsMessageIds";
inline constexpr const char* segments = "_smsSegments";
inline constexpr const char* error_code = "_smsErrorCode";
inline constexpr const char* error_name = "_smsErrorName";
inline constexpr const char* failed_segment = "_smsFailedSegment";
inline constexpr const char* retries = "_smsRetries";
inline constexpr const char* delivery_stat = "_smsDeliveryStat";
inline constexpr const char* delivery_state = "_smsDeliveryState";
inline constexpr const char* delivery_final = "_smsDeliveryFinal";
inline constexpr const char* delivery_error = "_smsDeliveryError";
inline constexpr const char* network_error = "_smsNetworkErrorCode";
inline constexpr const char* submit_date = "_smsSubmitDate";
inline constexpr const char* done_date = "_smsDoneDate";
inline constexpr const char* segment = "_smsSegment";
inline constexpr const char* state = "state";
inline constexpr const char* smsc = "smsc";
inline constexpr const char* reason = "reason";
inline constexpr const char* retry_in_ms = "retryInMs";
inline constexpr const char* smsc_system_id = "smscSystemId";
inline constexpr const char* smsc_role = "smscRole";
}  // namespace attr

}  // namespace smsdrv::channel
