#include "channel/inbound.hpp"

#include <fmt/format.h>

#include <ctime>

namespace smsdrv::channel {

std::string iso8601_utc_ms(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(floor<seconds>(ms).count());
  std::tm tm{};
  gmtime_r(&secs, &tm);
  const auto millis = static_cast<int>(ms.count() % 1000 + (ms.count() % 1000 < 0 ? 1000 : 0));
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

std::string_view utf8_prefix(std::string_view text, std::size_t characters) noexcept {
  std::size_t i = 0;
  std::size_t count = 0;
  while (i < text.size() && count < characters) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
      ++i;
    ++count;
  }
  return text.substr(0, i);
}

inbound_message inbound_header(const smpp::sm_body& fields, std::uint32_t sequence_number) {
  inbound_message m;
  m.sequence_number = sequence_number;
  m.source_addr_ton = fields.source_addr_ton;
  m.source_addr_npi = fields.source_addr_npi;
  m.source_addr = std::string(fields.source_addr);
  m.dest_addr_ton = fields.dest_addr_ton;
  m.dest_addr_npi = fields.dest_addr_npi;
  m.destination_addr = std::string(fields.destination_addr);
  m.data_coding = fields.data_coding;
  return m;
}

attributes inbound_attributes(const inbound_message& m, const inbound_context& ctx) {
  const std::string_view text = m.empty ? ctx.empty_message : std::string_view(m.text);
  attributes a;
  a.reserve(17);
  a.emplace_back("MediaType", "smssession");
  a.emplace_back("FromAddr", m.source_addr);
  a.emplace_back("PhoneNumber", m.source_addr);
  a.emplace_back("ToAddr", m.destination_addr);
  a.emplace_back("Subject", std::string(utf8_prefix(text, ctx.subject_characters)));
  a.emplace_back("_smsSeqNumber", std::to_string(m.sequence_number));
  a.emplace_back("_smsInbDataEnc", std::to_string(m.data_coding));
  a.emplace_back("_smsSrcAddrTon", std::to_string(m.source_addr_ton));
  a.emplace_back("_smsSrcAddrNpi", std::to_string(m.source_addr_npi));
  a.emplace_back("_smsSrcNumber", m.source_addr);
  a.emplace_back("_smsDestAddrTon", std::to_string(m.dest_addr_ton));
  a.emplace_back("_smsDestAddrNpi", std::to_string(m.dest_addr_npi));
  a.emplace_back("_smsDestNumber", m.destination_addr);
  a.emplace_back("_smsText", std::string(text));
  a.emplace_back("_umsChannel", std::string(ctx.channel));
  a.emplace_back("_umsInboundIxnSubmittedBy", std::string(ctx.application_name));
  a.emplace_back("_msg_CreatedAt", iso8601_utc_ms(ctx.created));
  return a;
}

attributes receipt_attributes(const smpp::delivery_receipt& r, const inbound_message& m,
                              const inbound_context& ctx, std::uint16_t segment,
                              std::uint16_t segments, std::string_view kind) {
  attributes a;
  a.reserve(17);
  a.emplace_back(attr::report_kind, std::string(kind));
  a.emplace_back(attr::message_id, r.message_id);
  a.emplace_back(attr::delivery_stat, r.stat);
  a.emplace_back(attr::delivery_state, r.state ? std::to_string(*r.state) : std::string());
  a.emplace_back(attr::delivery_final,
                 r.state && smpp::is_final_state(*r.state) ? "true" : "false");
  a.emplace_back(attr::delivery_error, r.err);
  if (!r.network_error_code.empty()) a.emplace_back(attr::network_error, r.network_error_code);
  if (!r.submit_date.empty()) a.emplace_back(attr::submit_date, r.submit_date);
  if (!r.done_date.empty()) a.emplace_back(attr::done_date, r.done_date);
  if (segments != 0) a.emplace_back(attr::segment, fmt::format("{}/{}", segment, segments));
  // The receipt travels from the handset (source) back to our number (destination).
  a.emplace_back("FromAddr", m.source_addr);
  a.emplace_back("ToAddr", m.destination_addr);
  a.emplace_back("_smsSeqNumber", std::to_string(m.sequence_number));
  a.emplace_back("_umsChannel", std::string(ctx.channel));
  a.emplace_back("_msg_CreatedAt", iso8601_utc_ms(ctx.created));
  return a;
}

attributes acknowledgement_attributes(std::string_view kind, std::string_view message_id,
                                      std::int32_t user_response_code, const inbound_message& m,
                                      const inbound_context& ctx, std::uint16_t segment,
                                      std::uint16_t segments) {
  attributes a;
  a.reserve(10);
  a.emplace_back(attr::report_kind, std::string(kind));
  a.emplace_back(attr::message_id, std::string(message_id));
  a.emplace_back(attr::report_text, m.text);
  if (user_response_code >= 0)
    a.emplace_back(attr::user_response_code, std::to_string(user_response_code));
  if (segments != 0) a.emplace_back(attr::segment, fmt::format("{}/{}", segment, segments));
  a.emplace_back("FromAddr", m.source_addr);
  a.emplace_back("ToAddr", m.destination_addr);
  a.emplace_back("_smsSeqNumber", std::to_string(m.sequence_number));
  a.emplace_back("_umsChannel", std::string(ctx.channel));
  a.emplace_back("_msg_CreatedAt", iso8601_utc_ms(ctx.created));
  return a;
}

}  // namespace smsdrv::channel
