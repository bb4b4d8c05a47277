#include "channel/composer.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>

#include "channel/address_rules.hpp"
#include "channel/text_choices.hpp"
#include "config/option_table.hpp"
#include "config/option_value.hpp"
#include "config/text_util.hpp"
#include "smpp/codec.hpp"
#include "smpp/pdu.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::channel {
namespace {

// The per-request overrides: each key is the name of the channel option it overrides.
enum class override_key : std::uint8_t {
  delivery_report,
  encoding,
  flash,
  overwrite,
  validity_period,
  service_type,
  source_addr_ton,
  source_addr_npi,
  dest_addr_ton,
  dest_addr_npi,
  long_message_method,
  use_msg_payload,
};

struct override_row {
  std::string_view name;
  override_key key;
};

constexpr override_row override_rows[] = {
    {"x-smpp-delivery-report", override_key::delivery_report},
    {"x-smpp-outbound-enc-default", override_key::encoding},
    {"x-smpp-flash", override_key::flash},
    {"x-smpp-overwrite", override_key::overwrite},
    {"x-smpp-validity-period", override_key::validity_period},
    {"x-smpp-service-type", override_key::service_type},
    {"x-smpp-src-addr-ton", override_key::source_addr_ton},
    {"x-smpp-src-addr-npi", override_key::source_addr_npi},
    {"x-smpp-dest-addr-ton", override_key::dest_addr_ton},
    {"x-smpp-dest-addr-npi", override_key::dest_addr_npi},
    {"x-smpp-long-message-method", override_key::long_message_method},
    {"x-smpp-use-msg-payload", override_key::use_msg_payload},
};

constexpr auto override_names = [] {
  std::array<std::string_view, std::size(override_rows)> names{};
  for (std::size_t i = 0; i < names.size(); ++i)
    names[i] = override_rows[i].name;
  return names;
}();

constexpr std::string_view override_prefix = "x-smpp-";

// What one message is sent with: the channel's options, then the request's overrides.
struct message_choices {
  bool delivery_report = false;
  bool flash = false;
  bool overwrite = false;
  text::encoding requested = text::encoding::gsm7;
  std::string_view validity_period;
  std::string_view service_type;
  // Given by the request (the channel's apply otherwise, address_rules.hpp).
  std::optional<std::uint8_t> source_addr_ton;
  std::optional<std::uint8_t> source_addr_npi;
  std::optional<std::uint8_t> dest_addr_ton;
  std::optional<std::uint8_t> dest_addr_npi;
  std::optional<text::concat_method> method;  // given by the request
  std::string_view method_value;
  std::optional<bool> payload;  // given by the request
  std::string service_type_storage;
};

std::optional<std::string_view> find(user_data data, std::string_view key) {
  for (const auto& [k, v] : data)
    if (k == key) return v;
  return std::nullopt;
}

compose_result refuse(std::int32_t status, std::string text) {
  compose_result r;
  r.status = status;
  r.error = std::move(text);
  return r;
}

std::string list_of_keys() {
  std::string out;
  for (std::string_view n : override_names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// An x-smpp-* key that is not an override: say whether it is a channel-only option or a
// misspelling, and which keys there are.
std::string unknown_key(std::string_view key) {
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view n : override_names)
    if (std::size_t d = config::edit_distance(key, n); d < best_distance) {
      best_distance = d;
      best = n;
    }
  const std::string shown = config::printable(key);
  if (config::find_option(config::channel_options(), key) != nullptr)
    return fmt::format(
        "{} is a channel option and cannot be given per request (keys that can: "
        "{})",
        shown, list_of_keys());
  if (!best.empty()) return fmt::format("{} is not a request key; did you mean {}?", shown, best);
  return fmt::format("{} is not a request key of this driver (x-smpp-* keys: {})", shown,
                     list_of_keys());
}

std::uint8_t octet_of(const config::typed_value& v) {
  return static_cast<std::uint8_t>(std::get<std::int64_t>(v));
}

// Checks `value` by the rule of the option `row` names and applies it; an error names the key,
// the value and the rule.
std::optional<std::string> apply(const override_row& row, std::string_view value,
                                 message_choices& c) {
  const config::option_def* def = config::find_option(config::channel_options(), row.name);
  if (def == nullptr) return fmt::format("{} has no option row", row.name);  // table mistake
  config::value_check v = config::check_value(*def, value);
  if (!v.problem.empty())
    return fmt::format("{} '{}' {}", row.name, config::printable(value), v.problem);
  switch (row.key) {
    case override_key::delivery_report:
      c.delivery_report = std::get<bool>(v.value);
      break;
    case override_key::encoding:
      c.requested =
          encoding_of(static_cast<config::text_encoding>(std::get<std::int64_t>(v.value)));
      break;
    case override_key::flash:
      c.flash = std::get<bool>(v.value);
      break;
    case override_key::overwrite:
      c.overwrite = std::get<bool>(v.value);
      break;
    case override_key::validity_period:
      c.validity_period = value;
      break;
    case override_key::service_type:
      c.service_type_storage = std::get<std::string>(std::move(v.value));
      c.service_type = c.service_type_storage;
      break;
    case override_key::source_addr_ton:
      c.source_addr_ton = octet_of(v.value);
      break;
    case override_key::source_addr_npi:
      c.source_addr_npi = octet_of(v.value);
      break;
    case override_key::dest_addr_ton:
      c.dest_addr_ton = octet_of(v.value);
      break;
    case override_key::dest_addr_npi:
      c.dest_addr_npi = octet_of(v.value);
      break;
    case override_key::long_message_method:
      c.method = concat_method_of(
          static_cast<config::long_message_method>(std::get<std::int64_t>(v.value)));
      c.method_value = value;
      break;
    case override_key::use_msg_payload:
      c.payload = std::get<bool>(v.value);
      break;
  }
  return std::nullopt;
}

// Reused per thread: send() runs on the host's threads, each keeps its buffers.
struct scratch {
  text::encoded_text encoded;
  text::segmented_text segmented;
};
thread_local scratch tl_scratch;

// compose() looks the buffers up once through this: in a dlopen'ed module every access to a
// thread_local calls __tls_get_addr, and GCC repeats that call at each use of the variable (or
// of a reference to it) rather than keeping the address, unless it cannot see through a call.
[[gnu::noinline]] scratch& thread_scratch() noexcept {
  return tl_scratch;
}

}  // namespace

std::span<const std::string_view> override_keys() noexcept {
  return override_names;
}

std::string encoding_remark(const compose_result& r) {
  const text::encoding_result& e = r.encoding;
  // Flash asked for an alphabet without class bits: GSM was tried instead (text::encode).
  const bool no_class =
      e.message_class >= 0 && !text::data_coding_with_class(r.requested, 0).has_value();
  std::string why;
  if (no_class)
    why = fmt::format("flash needs a message class, which data_coding {} cannot carry",
                      text::data_coding_of(r.requested));
  if (e.fallback)
    why += fmt::format("{}U+{:04X} at byte {} is not in {}", why.empty() ? "" : "; ",
                       static_cast<std::uint32_t>(e.fallback_char), e.fallback_offset,
                       text::encoding_name(no_class ? text::encoding::gsm7 : r.requested));
  std::string out;
  if (!why.empty())
    out = fmt::format("sent as {} (data_coding 0x{:02X}) instead of {}: {}",
                      text::encoding_name(e.used), e.data_coding, text::encoding_name(r.requested),
                      why);
  if (e.replaced > 0)
    out += fmt::format(
        "{}{} character(s) outside the BMP sent as U+FFFD (x-smpp-ucs2-enc-schema "
        "UCS-2)",
        out.empty() ? "" : "; ", e.replaced);
  return out;
}

compose_result composer::compose(user_data data, prepared_request& out) const {
  const composer_settings& s = settings_;

  const std::string_view dest = find(data, "_smsDestNumber").value_or("");
  if (dest.empty()) return refuse(SMSDRV_E_BAD_REQUEST, "SendSMS: _smsDestNumber is required");
  std::string_view source = find(data, "_smsSrcNumber").value_or("");
  const std::string_view source_key = source.empty() ? "default-reply-address" : "_smsSrcNumber";
  if (source.empty()) source = s.default_source;

  message_choices c;
  c.delivery_report = s.delivery_report;
  c.flash = s.flash;
  c.overwrite = s.overwrite;
  c.requested = s.encoding.requested;
  c.validity_period = s.validity_period;
  c.service_type = s.service_type;
  for (const auto& [k, v] : data) {
    if (!k.starts_with(override_prefix)) continue;
    const override_row* row = nullptr;
    for (const override_row& r : override_rows)
      if (r.name == k) row = &r;
    if (row == nullptr) return refuse(SMSDRV_E_BAD_REQUEST, unknown_key(k));
    if (v.empty()) continue;  // an empty value keeps the channel's option
    if (auto problem = apply(*row, v, c)) return refuse(SMSDRV_E_BAD_REQUEST, std::move(*problem));
  }
  // The numbers by their type of number (address_rules.hpp).
  const auto dest_typed =
      type_address({"_smsDestNumber", dest, address_role::destination, c.dest_addr_ton,
                    c.dest_addr_npi, s.dest_addr_ton, s.dest_addr_npi});
  if (const auto* problem = std::get_if<std::string>(&dest_typed))
    return refuse(SMSDRV_E_BAD_REQUEST, *problem);
  const auto source_typed =
      type_address({source_key, source, address_role::source, c.source_addr_ton, c.source_addr_npi,
                    s.source_addr_ton, s.source_addr_npi});
  if (const auto* problem = std::get_if<std::string>(&source_typed))
    return refuse(SMSDRV_E_BAD_REQUEST, *problem);
  const typed_address& to = std::get<typed_address>(dest_typed);
  const typed_address& from = std::get<typed_address>(source_typed);
  if (c.payload.value_or(false) && c.method)
    return refuse(SMSDRV_E_BAD_REQUEST,
                  fmt::format("x-smpp-use-msg-payload 'true' and x-smpp-long-message-method '{}' "
                              "contradict each other; give one of them",
                              config::printable(c.method_value)));
  // The request's choice wins; a request naming a method means that method, not payload.
  const bool payload = c.payload.value_or(!c.method && s.use_message_payload);

  // TLVs: the request's extraopt wins; else the channel's (delivery variant when a report is
  // requested and one is configured); else none (spec §4).
  std::vector<smpp::tlv_item> request_tlvs;
  const std::vector<smpp::tlv_item>* tlvs = &s.extraopt;
  if (c.delivery_report && !s.delivery_extraopt.empty()) tlvs = &s.delivery_extraopt;
  if (auto spec = find(data, "extraopt"); spec && !spec->empty()) {
    auto parsed = smpp::parse_tlv_spec(*spec);
    if (auto* err = std::get_if<smpp::tlv_spec_error>(&parsed))
      return refuse(SMSDRV_E_BAD_REQUEST, fmt::format("extraopt: {}", err->message()));
    request_tlvs = std::move(std::get<std::vector<smpp::tlv_item>>(parsed));
    tlvs = &request_tlvs;
  }

  text::encode_options enc = s.encoding;
  enc.requested = c.requested;
  enc.message_class = c.flash ? std::int8_t{0} : std::int8_t{-1};  // TS 23.038 §4: class 0
  const std::string_view body = find(data, "_smsText").value_or("");
  scratch& tl = thread_scratch();
  text::encoded_text& tl_encoded = tl.encoded;
  text::segmented_text& tl_segmented = tl.segmented;
  if (text::status st = text::encode(body, enc, tl_encoded); !st.ok())
    return refuse(SMSDRV_E_BAD_REQUEST, fmt::format("_smsText: {}", st.message()));
  text::segment_options seg;
  seg.method = payload ? text::concat_method::payload : c.method.value_or(s.long_messages);
  seg.max_segments = s.max_segments;
  seg.reference = next_reference_.fetch_add(1, std::memory_order_relaxed);
  if (text::status st = text::split(tl_encoded, seg, tl_segmented); !st.ok()) {
    if (st.code == text::errc::too_many_segments)
      return refuse(SMSDRV_E_TOO_MANY_SEGMENTS,
                    fmt::format("_smsText: {} (x-smpp-sar-max-segments)", st.message()));
    if (st.code == text::errc::too_long)
      return refuse(SMSDRV_E_BAD_REQUEST,
                    fmt::format("_smsText: {} of one message_payload (x-smpp-use-msg-payload)",
                                st.message()));
    return refuse(SMSDRV_E_BAD_REQUEST, fmt::format("_smsText: {}", st.message()));
  }

  smpp::submit_sm sm;
  sm.service_type = c.service_type;
  sm.source_addr_ton = from.ton;
  sm.source_addr_npi = from.npi;
  sm.source_addr = from.address;
  sm.dest_addr_ton = to.ton;
  sm.dest_addr_npi = to.npi;
  sm.destination_addr = to.address;
  sm.validity_period = c.validity_period;
  sm.registered_delivery =
      c.delivery_report ? smpp::registered_delivery_bits::receipt_on_final : std::uint8_t{0};
  sm.replace_if_present_flag = c.overwrite ? 1 : 0;  // SMPP v3.4 §5.2.18
  sm.data_coding = tl_segmented.result.data_coding;
  if (tl_segmented.udhi) sm.esm_class |= smpp::esm_class_bits::udhi;

  const std::size_t parts = tl_segmented.size();
  out.frames.clear();
  out.frames.reserve(parts * 64 + tl_segmented.octets.size());
  out.wants_receipt = c.delivery_report;
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
    // The extra TLVs go on every segment of a long message (spec §4, docs/text.md).
    for (const smpp::tlv_item& t : *tlvs)
      sm.tlvs.push_back({t.tag, t.value});
    if (smpp::codec_status st = smpp::encode(sm, 0, out.frames.open_frame()); !st.ok())
      return refuse(SMSDRV_E_BAD_REQUEST, fmt::format("submit_sm: {}", st.message()));
    out.frames.close_frame();
  }
  compose_result r;
  r.requested = c.requested;
  r.encoding = tl_segmented.result;
  return r;
}

}  // namespace smsdrv::channel
