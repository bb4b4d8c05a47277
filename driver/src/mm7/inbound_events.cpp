#include "mm7/inbound_events.hpp"

#include <fmt/format.h>

#include "channel/inbound.hpp"

namespace smsdrv::mm7 {
namespace {

std::string first_value(const std::vector<address>& list) {
  return list.empty() ? std::string() : list.front().value;
}

std::string value_of(const std::optional<address>& a) {
  return a ? a->value : std::string();
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

}  // namespace

bool final_mm_status(std::string_view s) noexcept {
  for (std::string_view f : {"Retrieved", "Rejected", "Expired", "Unrecognised", "Unrecognized",
                             "NotSupported", "Unreachable"})
    if (equal_ignoring_case(s, f)) return true;
  return false;
}

channel::channel_event deliver_event(deliver_req&& m, const inbound_context& ctx) {
  channel::channel_event e;
  e.type = SMSDRV_EVENT_INBOUND;
  const std::string from = value_of(m.sender);
  const std::string to = first_value(m.to);
  std::string subject = m.subject;
  if (subject.empty()) subject = std::string(channel::utf8_prefix(m.text, ctx.subject_characters));
  std::string summary;
  for (const auto& p : m.parts) {
    if (!summary.empty()) summary += ", ";
    summary += fmt::format("{} {} ({} bytes)", p.content_type, p.name, p.bytes.size());
  }
  auto& a = e.attrs;
  a.reserve(14);
  a.emplace_back("MediaType", "mmssession");
  a.emplace_back("FromAddr", from);
  a.emplace_back("PhoneNumber", from);
  a.emplace_back("ToAddr", to);
  a.emplace_back("Subject", std::move(subject));
  a.emplace_back("_smsSrcNumber", from);
  a.emplace_back("_smsDestNumber", to);
  a.emplace_back("_smsText", m.text);
  a.emplace_back("_umsChannel", std::string(ctx.channel));
  a.emplace_back("_umsInboundIxnSubmittedBy", std::string(ctx.application_name));
  a.emplace_back("_msg_CreatedAt", channel::iso8601_utc_ms(ctx.created));
  if (!m.linked_id.empty()) a.emplace_back("_mmsLinkedId", m.linked_id);
  a.emplace_back("_mmsParts", std::move(summary));
  e.parts.reserve(m.parts.size());
  for (auto& p : m.parts)
    e.parts.push_back({std::move(p.content_type), std::move(p.name), std::move(p.bytes)});
  m.parts.clear();
  return e;
}

channel::channel_event delivery_report_event(const delivery_report_req& r,
                                             const inbound_context& ctx) {
  channel::channel_event e;
  e.type = SMSDRV_EVENT_DELIVERY_REPORT;
  auto& a = e.attrs;
  a.reserve(10);
  a.emplace_back(channel::attr::message_id, r.message_id);
  a.emplace_back(channel::attr::delivery_stat, r.mm_status);
  a.emplace_back(channel::attr::delivery_final, final_mm_status(r.mm_status) ? "true" : "false");
  if (!r.date.empty()) a.emplace_back(channel::attr::done_date, r.date);
  if (!r.status_text.empty()) a.emplace_back("_mmsStatusText", r.status_text);
  // The report travels from the recipient's handset back to our number.
  a.emplace_back("FromAddr", value_of(r.recipient));
  a.emplace_back("ToAddr", value_of(r.sender));
  a.emplace_back("MediaType", "mmssession");
  a.emplace_back("_umsChannel", std::string(ctx.channel));
  a.emplace_back("_msg_CreatedAt", channel::iso8601_utc_ms(ctx.created));
  return e;
}

channel::channel_event read_reply_event(const read_reply_req& r, const inbound_context& ctx) {
  channel::channel_event e;
  e.type = SMSDRV_EVENT_READ_REPLY;
  auto& a = e.attrs;
  a.reserve(9);
  a.emplace_back(channel::attr::message_id, r.message_id);
  a.emplace_back("_mmsReadStatus", r.mm_status);
  if (!r.status_text.empty()) a.emplace_back("_mmsStatusText", r.status_text);
  if (!r.time_stamp.empty()) a.emplace_back("_mmsTimeStamp", r.time_stamp);
  a.emplace_back("FromAddr", value_of(r.recipient));
  a.emplace_back("ToAddr", value_of(r.sender));
  a.emplace_back("MediaType", "mmssession");
  a.emplace_back("_umsChannel", std::string(ctx.channel));
  a.emplace_back("_msg_CreatedAt", channel::iso8601_utc_ms(ctx.created));
  return e;
}

}  // namespace smsdrv::mm7
