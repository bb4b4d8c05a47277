#include "smpp/codec.hpp"

#include <fmt/format.h>

#include <cstring>
#include <utility>

#include "smpp/pdu_layout.hpp"

namespace smsdrv::smpp {
namespace {

namespace cs = command_status;

// ---- big-endian helpers ----------------------------------------------------------------------

std::uint32_t load_u32(const char* p) noexcept {
  auto b = [p](int i) { return static_cast<std::uint32_t>(static_cast<std::uint8_t>(p[i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

std::uint16_t load_u16(const char* p) noexcept {
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(p[0]) << 8) |
                                    static_cast<std::uint8_t>(p[1]));
}

void store_u32(char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

void append_u32(std::string& out, std::uint32_t v) {
  char b[4];
  store_u32(b, v);
  out.append(b, 4);
}

void append_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

codec_status fail(std::uint32_t status, std::string_view field, std::string_view reason,
                  std::size_t size = 0, std::size_t limit = 0) {
  return codec_status{status, field, reason, size, limit};
}

constexpr std::string_view truncated = "the PDU ends inside this field";

// ---- decoding --------------------------------------------------------------------------------

struct reader {
  const char* p;
  const char* end;
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end - p); }
};

// A C-Octet String of at most max_size octets including the NUL.
codec_status read_c_string(reader& r, std::string_view& value, std::string_view name,
                           std::size_t max_size, std::uint32_t status) {
  const std::size_t window = std::min(r.remaining(), max_size);
  const void* nul = std::memchr(r.p, 0, window);
  if (nul == nullptr) {
    if (r.remaining() < max_size) return fail(cs::esme_rinvcmdlen, name, truncated);
    return fail(status, name, "not NUL-terminated within the field's size", max_size, max_size - 1);
  }
  const auto len = static_cast<std::size_t>(static_cast<const char*>(nul) - r.p);
  value = std::string_view(r.p, len);
  r.p += len + 1;
  return {};
}

codec_status read_u8(reader& r, std::uint8_t& v, std::string_view name) {
  if (r.remaining() < 1) return fail(cs::esme_rinvcmdlen, name, truncated);
  v = static_cast<std::uint8_t>(*r.p++);
  return {};
}

template <class T, class B>
codec_status decode_field(reader& r, T& obj, const layout::u8<B>& f) {
  return read_u8(r, obj.*(f.member), f.name);
}

template <class T, class B>
codec_status decode_field(reader& r, T& obj, const layout::c_string<B>& f) {
  return read_c_string(r, obj.*(f.member), f.name, f.max_size, f.error_status);
}

template <class T, class B>
codec_status decode_field(reader& r, T& obj, const layout::time_string<B>& f) {
  return read_c_string(r, obj.*(f.member), f.name, 17, f.error_status);
}

template <class T, class B>
codec_status decode_field(reader& r, T& obj, const layout::short_message<B>& f) {
  std::uint8_t sm_length = 0;
  if (auto st = read_u8(r, sm_length, "sm_length"); !st.ok()) return st;
  // §5.2.21 allows 0..254; 255 still fits the frame and is accepted when reading.
  if (r.remaining() < sm_length)
    return fail(cs::esme_rinvcmdlen, "short_message", "sm_length runs past the end of the PDU",
                sm_length, r.remaining());
  obj.*(f.member) = std::string_view(r.p, sm_length);
  r.p += sm_length;
  return {};
}

template <class T, class B>
codec_status decode_field(reader& r, T& obj, const layout::tlvs<B>& f) {
  tlv_list& list = obj.*(f.member);
  list.clear();
  while (r.remaining() > 0) {
    if (r.remaining() < 4)
      return fail(cs::esme_rinvoptparstream, "tlv", "fewer than 4 octets left for a TLV header",
                  r.remaining(), 4);
    const std::uint16_t tag = load_u16(r.p);
    const std::uint16_t len = load_u16(r.p + 2);
    r.p += 4;
    if (r.remaining() < len)
      return fail(cs::esme_rinvoptparstream, "tlv", "TLV length runs past the end of the PDU", len,
                  r.remaining());
    list.push_back(tlv{tag, std::string_view(r.p, len)});
    r.p += len;
  }
  return {};
}

template <class T, class B>
codec_status decode_field(reader& r, T& obj, const layout::dest_addresses<B>& f) {
  std::uint8_t count = 0;
  if (auto st = read_u8(r, count, "number_of_dests"); !st.ok()) return st;
  if (count == 0) return fail(cs::esme_rinvnumdests, "number_of_dests", "must be at least 1", 0, 1);
  auto& list = obj.*(f.member);
  list.clear();
  list.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    dest_address d;
    if (auto st = read_u8(r, d.dest_flag, "dest_flag"); !st.ok()) return st;
    codec_status st;
    if (d.dest_flag == dest_address::sme_address) {
      if (st = read_u8(r, d.dest_addr_ton, "dest_addr_ton"); st.ok())
        if (st = read_u8(r, d.dest_addr_npi, "dest_addr_npi"); st.ok())
          st = read_c_string(r, d.destination_addr, "destination_addr", 21, cs::esme_rinvdstadr);
    } else if (d.dest_flag == dest_address::distribution_list) {
      st = read_c_string(r, d.dl_name, "dl_name", 21, cs::esme_rinvdlname);
    } else {
      st = fail(cs::esme_rinvdestflag, "dest_flag", "must be 1 (SME address) or 2 (list name)",
                d.dest_flag);
    }
    if (!st.ok()) return st;
    list.push_back(d);
  }
  return {};
}

template <class T, class B>
codec_status decode_field(reader& r, T& obj, const layout::unsuccess_smes<B>& f) {
  std::uint8_t count = 0;
  if (auto st = read_u8(r, count, "no_unsuccess"); !st.ok()) return st;
  auto& list = obj.*(f.member);
  list.clear();
  list.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    unsuccess_sme u;
    codec_status st;
    if (st = read_u8(r, u.dest_addr_ton, "dest_addr_ton"); !st.ok()) return st;
    if (st = read_u8(r, u.dest_addr_npi, "dest_addr_npi"); !st.ok()) return st;
    st = read_c_string(r, u.destination_addr, "destination_addr", 21, cs::esme_rinvdstadr);
    if (!st.ok()) return st;
    if (r.remaining() < 4) return fail(cs::esme_rinvcmdlen, "error_status_code", truncated);
    u.error_status_code = load_u32(r.p);
    r.p += 4;
    list.push_back(u);
  }
  return {};
}

template <class T>
constexpr bool has_tlvs() {
  return requires(T t) {
    t.tlvs;
  };
}

template <class T>
codec_status decode_body(reader& r, T& body, bool lenient_tail) {
  codec_status st;
  std::apply(
      [&](const auto&... f) { static_cast<void>(((st = decode_field(r, body, f)).ok() && ...)); },
      layout::fields_of<T>());
  if (!st.ok()) return st;
  // Octets after the last mandatory field of a PDU without TLVs. A response is still usable
  // (some SMSCs append v5.0 TLVs to v3.4 responses); a request is malformed.
  if (!has_tlvs<T>() && r.remaining() > 0 && !lenient_tail)
    return fail(cs::esme_rinvcmdlen, "", "unexpected octets after the last field", r.remaining());
  return {};
}

// Makes `body` hold the alternative whose command_id is `id`; false when id is unknown.
template <std::size_t... I>
bool emplace_by_id(pdu_body& body, std::uint32_t id, std::index_sequence<I...>) {
  return ((static_cast<std::uint32_t>(std::variant_alternative_t<I, pdu_body>::id) == id
               ? (body.template emplace<I>(), true)
               : false) ||
          ...);
}

// ---- encoding --------------------------------------------------------------------------------

codec_status write_c_string(std::string& out, std::string_view v, std::string_view name,
                            std::size_t max_size, std::uint32_t status) {
  if (v.size() + 1 > max_size)
    return fail(status, name, "longer than the field allows", v.size(), max_size - 1);
  if (v.find('\0') != std::string_view::npos)
    return fail(status, name, "contains a NUL octet", v.size());
  out.append(v);
  out.push_back('\0');
  return {};
}

template <class T, class B>
codec_status encode_field(std::string& out, const T& obj, const layout::u8<B>& f) {
  out.push_back(static_cast<char>(obj.*(f.member)));
  return {};
}

template <class T, class B>
codec_status encode_field(std::string& out, const T& obj, const layout::c_string<B>& f) {
  return write_c_string(out, obj.*(f.member), f.name, f.max_size, f.error_status);
}

template <class T, class B>
codec_status encode_field(std::string& out, const T& obj, const layout::time_string<B>& f) {
  std::string_view v = obj.*(f.member);
  if (!v.empty() && v.size() != 16)
    return fail(f.error_status, f.name, "must be empty or exactly 16 characters", v.size(), 16);
  return write_c_string(out, v, f.name, 17, f.error_status);
}

template <class T, class B>
codec_status encode_field(std::string& out, const T& obj, const layout::short_message<B>& f) {
  std::string_view v = obj.*(f.member);
  if (v.size() > 254)
    return fail(cs::esme_rinvmsglen, "short_message", "longer than 254 octets", v.size(), 254);
  out.push_back(static_cast<char>(v.size()));
  out.append(v);
  return {};
}

template <class T, class B>
codec_status encode_field(std::string& out, const T& obj, const layout::tlvs<B>& f) {
  for (const tlv& t : obj.*(f.member)) {
    if (t.value.size() > 0xFFFF)
      return fail(cs::esme_rinvparlen, "tlv", "value longer than 65535 octets", t.value.size(),
                  0xFFFF);
    append_u16(out, t.tag);
    append_u16(out, static_cast<std::uint16_t>(t.value.size()));
    out.append(t.value);
  }
  return {};
}

template <class T, class B>
codec_status encode_field(std::string& out, const T& obj, const layout::dest_addresses<B>& f) {
  const auto& list = obj.*(f.member);
  if (list.empty() || list.size() > 254)
    return fail(cs::esme_rinvnumdests, "number_of_dests", "must be 1..254", list.size(), 254);
  out.push_back(static_cast<char>(list.size()));
  for (const dest_address& d : list) {
    out.push_back(static_cast<char>(d.dest_flag));
    codec_status st;
    if (d.dest_flag == dest_address::sme_address) {
      out.push_back(static_cast<char>(d.dest_addr_ton));
      out.push_back(static_cast<char>(d.dest_addr_npi));
      st = write_c_string(out, d.destination_addr, "destination_addr", 21, cs::esme_rinvdstadr);
    } else if (d.dest_flag == dest_address::distribution_list) {
      st = write_c_string(out, d.dl_name, "dl_name", 21, cs::esme_rinvdlname);
    } else {
      st = fail(cs::esme_rinvdestflag, "dest_flag", "must be 1 (SME address) or 2 (list name)",
                d.dest_flag);
    }
    if (!st.ok()) return st;
  }
  return {};
}

template <class T, class B>
codec_status encode_field(std::string& out, const T& obj, const layout::unsuccess_smes<B>& f) {
  const auto& list = obj.*(f.member);
  if (list.size() > 254)
    return fail(cs::esme_rinvnumdests, "no_unsuccess", "must be 0..254", list.size(), 254);
  out.push_back(static_cast<char>(list.size()));
  for (const unsuccess_sme& u : list) {
    out.push_back(static_cast<char>(u.dest_addr_ton));
    out.push_back(static_cast<char>(u.dest_addr_npi));
    auto st = write_c_string(out, u.destination_addr, "destination_addr", 21, cs::esme_rinvdstadr);
    if (!st.ok()) return st;
    append_u32(out, u.error_status_code);
  }
  return {};
}

template <class T>
codec_status encode_pdu(const T& body, std::uint32_t status, std::uint32_t sequence,
                        std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + header_size);
  codec_status st;
  std::apply(
      [&](const auto&... f) { static_cast<void>(((st = encode_field(out, body, f)).ok() && ...)); },
      layout::fields_of<T>());
  if (!st.ok()) {
    out.resize(start);
    return st;
  }
  char* h = out.data() + start;
  store_u32(h, static_cast<std::uint32_t>(out.size() - start));
  store_u32(h + 4, static_cast<std::uint32_t>(T::id));
  store_u32(h + 8, status);
  store_u32(h + 12, sequence);
  return {};
}

// ---- describing ------------------------------------------------------------------------------

struct describer {
  const describe_options& options;
  std::string& out;

  shown_field shown(std::string_view field, std::string_view value) const {
    return options.filter ? options.filter(field, value) : shown_field{};
  }

  void quoted(std::string_view field, std::string_view v) {
    out += fmt::format(" {}=\"", field);
    for (char c : v) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\')
        out += fmt::format("\\{}", c);
      else if (u < 0x20 || u == 0x7F)
        out += fmt::format("\\x{:02x}", u);
      else
        out.push_back(c);
    }
    out.push_back('"');
  }

  // label: how the field is named in the line; name: how the filter knows it.
  void text(std::string_view label, std::string_view value, std::string_view name = {}) {
    const shown_field s = shown(name.empty() ? label : name, value);
    if (s.action == shown_field::how::left_out) return;
    quoted(label, s.action == shown_field::how::replaced ? std::string_view(s.text) : value);
  }

  void octets(std::string_view label, std::string_view value, std::string_view name = {}) {
    const shown_field s = shown(name.empty() ? label : name, value);
    if (s.action == shown_field::how::left_out) return;
    if (s.action == shown_field::how::replaced) return quoted(label, s.text);
    out += fmt::format(" {}=<{} octets", label, value.size());
    if (!value.empty()) {
      out += ": ";
      const std::size_t n = std::min(value.size(), options.max_octets);
      for (std::size_t i = 0; i < n; ++i)
        out += fmt::format("{:02x}", static_cast<unsigned char>(value[i]));
      if (n < value.size()) out += "...";
    }
    out.push_back('>');
  }

  void tlv_value(const tlv& t) {
    const tlv_info* info = find_tlv_info(t.tag);
    const std::string label =
        info ? fmt::format("{}(0x{:04x})", info->name, t.tag) : fmt::format("0x{:04x}", t.tag);
    if (info && info->kind == tlv_kind::integer && tlv_integer(t)) {
      out += fmt::format(" {}={}", label, *tlv_integer(t));
    } else if (info && info->kind == tlv_kind::c_string) {
      text(label, tlv_c_string(t), info->name);
    } else {
      octets(label, t.value, info ? std::string_view(info->name) : std::string_view(label));
    }
  }

  template <class T, class B>
  void field(const T& obj, const layout::u8<B>& f) {
    out += fmt::format(" {}={}", f.name, obj.*(f.member));
  }
  template <class T, class B>
  void field(const T& obj, const layout::c_string<B>& f) {
    if (f.secret)
      out += fmt::format(" {}=\"********\"", f.name);
    else
      text(f.name, obj.*(f.member));
  }
  template <class T, class B>
  void field(const T& obj, const layout::time_string<B>& f) {
    text(f.name, obj.*(f.member));
  }
  template <class T, class B>
  void field(const T& obj, const layout::short_message<B>& f) {
    octets("short_message", obj.*(f.member));
  }
  template <class T, class B>
  void field(const T& obj, const layout::tlvs<B>& f) {
    for (const tlv& t : obj.*(f.member))
      tlv_value(t);
  }
  template <class T, class B>
  void field(const T& obj, const layout::dest_addresses<B>& f) {
    const auto& list = obj.*(f.member);
    out += fmt::format(" number_of_dests={}", list.size());
    for (const dest_address& d : list) {
      if (d.dest_flag == dest_address::distribution_list) {
        text("dl_name", d.dl_name);
      } else {
        out += fmt::format(" dest_addr_ton={} dest_addr_npi={}", d.dest_addr_ton, d.dest_addr_npi);
        text("destination_addr", d.destination_addr);
      }
    }
  }
  template <class T, class B>
  void field(const T& obj, const layout::unsuccess_smes<B>& f) {
    const auto& list = obj.*(f.member);
    out += fmt::format(" no_unsuccess={}", list.size());
    for (const unsuccess_sme& u : list) {
      text("destination_addr", u.destination_addr);
      out += fmt::format(" error_status_code={}", status_display(u.error_status_code));
    }
  }
};

}  // namespace

std::string codec_status::message() const {
  if (ok()) return "ok";
  std::string where = field.empty() ? std::string("PDU") : std::string(field);
  std::string detail;
  if (limit != 0) detail = fmt::format(" ({} given, limit {})", value_size, limit);
  return fmt::format("{}: {}{} -> {}", where, reason, detail, status_display(command_status));
}

frame_check check_frame(std::string_view buffer, std::uint32_t max_command_length) noexcept {
  if (buffer.size() < 4) return {frame_state::need_more, 0};
  const std::uint32_t length = load_u32(buffer.data());
  if (length < header_size || length > max_command_length) return {frame_state::bad_length, length};
  if (buffer.size() < length) return {frame_state::need_more, length};
  return {frame_state::ready, length};
}

pdu_header read_header(std::string_view frame) noexcept {
  const char* p = frame.data();
  return {load_u32(p), load_u32(p + 4), load_u32(p + 8), load_u32(p + 12)};
}

codec_status decode(std::string_view frame, pdu& out) {
  if (frame.size() < header_size)
    return fail(cs::esme_rinvcmdlen, "command_length", "shorter than the 16-octet header",
                frame.size(), header_size);
  const pdu_header h = read_header(frame);
  out.command_status = h.command_status;
  out.sequence_number = h.sequence_number;
  if (h.command_length != frame.size())
    return fail(cs::esme_rinvcmdlen, "command_length", "does not match the frame size",
                h.command_length, frame.size());
  if (!emplace_by_id(out.body, h.command_id,
                     std::make_index_sequence<std::variant_size_v<pdu_body>>{}))
    return fail(cs::esme_rinvcmdid, "command_id", "not an SMPP v3.4 command", h.command_id);

  reader r{frame.data() + header_size, frame.data() + frame.size()};
  const bool response = (h.command_id & response_bit) != 0;
  // A response carrying an error may come without a body (§4: "the body is not returned when
  // command_status is non-zero" is common practice; v3.4 §3.3 allows it for generic_nack-like
  // answers). Its fields then keep their defaults.
  if (response && h.command_status != cs::esme_rok && r.remaining() == 0) return {};
  return std::visit([&](auto& body) { return decode_body(r, body, response); }, out.body);
}

codec_status encode(const pdu& p, std::string& out) {
  return std::visit(
      [&](const auto& body) { return encode_pdu(body, p.command_status, p.sequence_number, out); },
      p.body);
}

template <class Body>
codec_status encode(const Body& body, std::uint32_t sequence_number, std::string& out,
                    std::uint32_t status) {
  return encode_pdu(body, status, sequence_number, out);
}

// One explicit instantiation of the template encode() per PDU type (every alternative of
// pdu_body; the static_assert below keeps the list complete).
#define SMSDRV_SMPP_INSTANTIATE_ENCODE_(T) \
  template codec_status encode<T>(const T&, std::uint32_t, std::string&, std::uint32_t);
SMSDRV_SMPP_INSTANTIATE_ENCODE_(generic_nack)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(bind_receiver)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(bind_receiver_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(bind_transmitter)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(bind_transmitter_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(query_sm)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(query_sm_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(submit_sm)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(submit_sm_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(deliver_sm)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(deliver_sm_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(unbind)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(unbind_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(replace_sm)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(replace_sm_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(cancel_sm)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(cancel_sm_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(bind_transceiver)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(bind_transceiver_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(outbind)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(enquire_link)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(enquire_link_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(submit_multi)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(submit_multi_resp)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(alert_notification)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(data_sm)
SMSDRV_SMPP_INSTANTIATE_ENCODE_(data_sm_resp)
#undef SMSDRV_SMPP_INSTANTIATE_ENCODE_
static_assert(std::variant_size_v<pdu_body> == 27, "instantiate encode() for every PDU");

std::string describe(const pdu& p, const describe_options& options) {
  std::string out;
  out.reserve(256);
  const command_id id = p.id();
  out += fmt::format("{} seq={}", command_name(id), p.sequence_number);
  if (is_response(id) || p.command_status != 0) {
    std::string_view name = status_name(p.command_status);
    if (name.empty())
      out += fmt::format(" status=0x{:08x}", p.command_status);
    else
      out += fmt::format(" status={}", name);
  }
  describer d{options, out};
  std::visit(
      [&](const auto& body) {
        std::apply([&](const auto&... f) { (d.field(body, f), ...); },
                   layout::fields_of<std::decay_t<decltype(body)>>());
      },
      p.body);
  return out;
}

}  // namespace smsdrv::smpp
