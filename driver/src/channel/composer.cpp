#include "channel/composer.hpp"

#include <fmt/format.h>

#include <optional>

#include "smpp/codec.hpp"
#include "smpp/pdu.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::channel {
namespace {

std::optional<std::string_view> find(user_data data, std::string_view key) {
  for (const auto& [k, v] : data)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<bool> parse_bool(std::string_view v) {
  auto is = [&](std::string_view w) {
    if (v.size() != w.size()) return false;
    for (std::size_t i = 0; i < v.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(v[i])) != w[i]) return false;
    return true;
  };
  if (is("true") || is("yes") || is("1") || is("on")) return true;
  if (is("false") || is("no") || is("0") || is("off")) return false;
  return std::nullopt;
}

compose_result refuse(std::int32_t status, std::string text) {
  return {status, std::move(text)};
}

// Reused per thread: send() runs on the host's threads, each keeps its buffers.
thread_local text::encoded_text tl_encoded;
thread_local text::segmented_text tl_segmented;

}  // namespace

compose_result composer::compose(user_data data, prepared_request& out) const {
  const composer_settings& s = settings_;

  const std::string_view dest = find(data, "_smsDestNumber").value_or("");
  if (dest.empty()) return refuse(SMSDRV_E_BAD_REQUEST, "SendSMS: _smsDestNumber is required");
  if (dest.size() > 20)
    return refuse(SMSDRV_E_BAD_REQUEST,
                  fmt::format("_smsDestNumber '{}' has {} characters; SMPP destination_addr "
                              "allows 20",
                              dest, dest.size()));
  std::string_view source = find(data, "_smsSrcNumber").value_or("");
  if (source.empty()) source = s.default_source;
  if (source.size() > 20)
    return refuse(SMSDRV_E_BAD_REQUEST,
                  fmt::format("_smsSrcNumber '{}' has {} characters; SMPP source_addr allows 20",
                              source, source.size()));

  bool delivery_report = s.delivery_report;
  if (auto v = find(data, "x-smpp-delivery-report")) {
    auto b = parse_bool(*v);
    if (!b)
      return refuse(SMSDRV_E_BAD_REQUEST,
                    fmt::format("x-smpp-delivery-report '{}' is not true or false", *v));
    delivery_report = *b;
  }

  // TLVs: the request's extraopt wins; else the channel's (delivery variant when a report is
  // requested and one is configured); else none (spec §4).
  std::vector<smpp::tlv_item> request_tlvs;
  const std::vector<smpp::tlv_item>* tlvs = &s.extraopt;
  if (delivery_report && !s.delivery_extraopt.empty()) tlvs = &s.delivery_extraopt;
  if (auto spec = find(data, "extraopt"); spec && !spec->empty()) {
    auto parsed = smpp::parse_tlv_spec(*spec);
    if (auto* err = std::get_if<smpp::tlv_spec_error>(&parsed))
      return refuse(SMSDRV_E_BAD_REQUEST, fmt::format("extraopt: {}", err->message()));
    request_tlvs = std::move(std::get<std::vector<smpp::tlv_item>>(parsed));
    tlvs = &request_tlvs;
  }

  const std::string_view body = find(data, "_smsText").value_or("");
  if (text::status st = text::encode(body, s.encoding, tl_encoded); !st.ok())
    return refuse(SMSDRV_E_BAD_REQUEST, fmt::format("_smsText: {}", st.message()));
  text::segment_options seg;
  seg.method = s.long_messages;
  seg.max_segments = s.max_segments;
  seg.reference = next_reference_.fetch_add(1, std::memory_order_relaxed);
  if (text::status st = text::split(tl_encoded, seg, tl_segmented); !st.ok()) {
    const std::int32_t code = st.code == text::errc::too_many_segments ? SMSDRV_E_TOO_MANY_SEGMENTS
                                                                       : SMSDRV_E_BAD_REQUEST;
    return refuse(code, fmt::format("_smsText: {}", st.message()));
  }

  smpp::submit_sm sm;
  sm.service_type = s.service_type;
  sm.source_addr_ton = s.source_addr_ton;
  sm.source_addr_npi = s.source_addr_npi;
  sm.source_addr = source;
  sm.dest_addr_ton = s.dest_addr_ton;
  sm.dest_addr_npi = s.dest_addr_npi;
  sm.destination_addr = dest;
  sm.validity_period = s.validity_period;
  sm.registered_delivery =
      delivery_report ? smpp::registered_delivery_bits::receipt_on_final : std::uint8_t{0};
  sm.data_coding = tl_segmented.result.data_coding;
  if (tl_segmented.udhi) sm.esm_class |= smpp::esm_class_bits::udhi;

  const std::size_t parts = tl_segmented.size();
  out.frames.clear();
  out.frames.resize(parts);
  out.wants_receipt = delivery_report;
  out.prompt_response = s.prompt_responses;
  const char sar_ref[2] = {static_cast<char>(tl_segmented.sar_msg_ref_num >> 8),
                           static_cast<char>(tl_segmented.sar_msg_ref_num)};
  const char sar_total = static_cast<char>(tl_segmented.sar_total_segments);
  for (std::size_t i = 0; i < parts; ++i) {
    sm.tlvs.clear();
    char sar_seq = 0;
    if (tl_segmented.method == text::concat_method::sar) {
      sar_seq = static_cast<char>(tl_segmented.sar_segment_seqnum(i));
      sm.tlvs.push_back({smpp::tlv_tag::sar_msg_ref_num, std::string_view(sar_ref, 2)});
      sm.tlvs.push_back({smpp::tlv_tag::sar_total_segments, std::string_view(&sar_total, 1)});
      sm.tlvs.push_back({smpp::tlv_tag::sar_segment_seqnum, std::string_view(&sar_seq, 1)});
    }
    if (tl_segmented.method == text::concat_method::payload) {
      sm.short_message = {};
      sm.tlvs.push_back({smpp::tlv_tag::message_payload, tl_segmented.short_message(i)});
    } else {
      sm.short_message = tl_segmented.short_message(i);
    }
    // The extra TLVs go on every segment (issue 3).
    for (const smpp::tlv_item& t : *tlvs)
      sm.tlvs.push_back({t.tag, t.value});
    out.frames[i].reserve(64 + sm.short_message.size());
    if (smpp::codec_status st = smpp::encode(sm, 0, out.frames[i]); !st.ok())
      return refuse(SMSDRV_E_BAD_REQUEST, fmt::format("submit_sm: {}", st.message()));
  }
  return {};
}

}  // namespace smsdrv::channel
