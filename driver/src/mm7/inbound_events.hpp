// What the MMSC's requests become for the host (docs/esp.md, docs/mms.md):
//   DeliverReq         INBOUND: the driver guide's inbound attribute set where it applies
//                      (MediaType mmssession, FromAddr, PhoneNumber, ToAddr, Subject,
//                      _smsSrcNumber, _smsDestNumber, _smsText, _umsChannel,
//                      _umsInboundIxnSubmittedBy, _msg_CreatedAt), _mmsLinkedId and _mmsParts
//                      (a summary for hosts older than ABI 1.2), and the parts themselves;
//   DeliveryReportReq  DELIVERY_REPORT with the SMS report attributes (_smsMessageId,
//                      _smsDeliveryStat = MMStatus, _smsDeliveryFinal, _smsDoneDate, FromAddr,
//                      ToAddr, _umsChannel, _msg_CreatedAt) and _mmsStatusText;
//   ReadReplyReq       READ_REPLY with _smsMessageId, _mmsReadStatus (Read, Deleted,
//                      Indeterminate), _mmsStatusText, FromAddr, ToAddr, _umsChannel,
//                      _msg_CreatedAt.
// The request id of a report is the caller's to set (the SendMMS whose MessageID it names).
#pragma once

#include <chrono>
#include <string_view>

#include "channel/channel_event.hpp"
#include "mm7/message.hpp"

namespace smsdrv::mm7 {

struct inbound_context {
  std::string_view channel;                       // _umsChannel
  std::string_view application_name;              // _umsInboundIxnSubmittedBy
  std::size_t subject_characters = 60;            // Subject from the text when the MMS has none
  std::chrono::system_clock::time_point created;  // _msg_CreatedAt
};

// Moves the parts out of m.
channel::channel_event deliver_event(deliver_req&& m, const inbound_context& ctx);
channel::channel_event delivery_report_event(const delivery_report_req& r,
                                             const inbound_context& ctx);
channel::channel_event read_reply_event(const read_reply_req& r, const inbound_context& ctx);

// 3GPP TS 23.140 §8.7.9 MMStatus: Retrieved, Rejected, Expired and Unrecognised (and
// NotSupported, Unreachable of later releases) end the message's life; Deferred, Forwarded and
// Indeterminate may be followed by another report.
bool final_mm_status(std::string_view mm_status) noexcept;

}  // namespace smsdrv::mm7
