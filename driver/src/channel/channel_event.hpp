// An event of a channel, owned (strings copied), on its way to the host's poll().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smsdrv/smsdrv.h"

namespace smsdrv::channel {

using attributes = std::vector<std::pair<std::string, std::string>>;

// A part of an inbound multimedia message (ABI 1.2 smsdrv_part), owned.
struct event_part {
  std::string content_type;
  std::string name;  // safe as the last component of a path (mm7::safe_part_name)
  std::string bytes;
};

struct channel_event {
  smsdrv_event_type type = SMSDRV_EVENT_RESPONSE;
  std::uint64_t request_id = 0;  // RESPONSE, DELIVERY_REPORT
  std::int32_t status = SMSDRV_OK;
  std::string text;
  attributes attrs;
  std::uint64_t ack_id = 0;       // non-zero: the host must acknowledge (SMSDRV_EVENT_NEEDS_ACK)
  std::vector<event_part> parts;  // INBOUND of an MMS
};

// Attribute names used by the channel's events besides the inbound set of the spec (docs/esp.md).
namespace attr {
inline constexpr std::string_view message_id = "_smsMessageId";
inline constexpr std::string_view message_ids = "_smsMessageIds";
inline constexpr std::string_view message_id_missing = "_smsMessageIdMissing";
inline constexpr std::string_view segments = "_smsSegments";
inline constexpr std::string_view error_code = "_smsErrorCode";
inline constexpr std::string_view error_name = "_smsErrorName";
inline constexpr std::string_view failed_segment = "_smsFailedSegment";
inline constexpr std::string_view retries = "_smsRetries";
inline constexpr std::string_view delivery_stat = "_smsDeliveryStat";
inline constexpr std::string_view delivery_state = "_smsDeliveryState";
inline constexpr std::string_view delivery_final = "_smsDeliveryFinal";
inline constexpr std::string_view delivery_error = "_smsDeliveryError";
inline constexpr std::string_view network_error = "_smsNetworkErrorCode";
inline constexpr std::string_view submit_date = "_smsSubmitDate";
inline constexpr std::string_view done_date = "_smsDoneDate";
inline constexpr std::string_view segment = "_smsSegment";
inline constexpr std::string_view report_kind = "_smsReportKind";
inline constexpr std::string_view user_response_code = "_smsUserResponseCode";
inline constexpr std::string_view report_text = "_smsText";
inline constexpr std::string_view state = "state";
inline constexpr std::string_view smsc = "smsc";
inline constexpr std::string_view reason = "reason";
inline constexpr std::string_view retry_in_ms = "retryInMs";
// On a `down` event of an SMPP channel: "true" when the reconnect goes to the primary again and
// the channel's own secondary SMSC (x-smpp-failover-host) is still to be tried if it fails.
inline constexpr std::string_view secondary_pending = "secondaryPending";
inline constexpr std::string_view smsc_system_id = "smscSystemId";
inline constexpr std::string_view smsc_role = "smscRole";
inline constexpr std::string_view gateway = "gateway";           // an HTTP gateway, masked
inline constexpr std::string_view gateway_type = "gatewayType";  // "smpp" or "http"
// x-failover-channel: the gateway that carries the channel's new requests (a CHANNEL_STATE
// attribute), and the channel that carried a request (a RESPONSE attribute).
inline constexpr std::string_view gateway_in_use = "gatewayInUse";
// A channel of several binds (x-smpp-sessions): the session a CHANNEL_STATE event is about (from
// 1), how many the channel opens, and how many are bound after it.
inline constexpr std::string_view session = "session";
inline constexpr std::string_view sessions = "sessions";
inline constexpr std::string_view sessions_bound = "sessionsBound";
inline constexpr std::string_view carried_by = "_smsCarriedBy";
}  // namespace attr

}  // namespace smsdrv::channel
