#include "smpp/codec.hpp"

#include <fmt/format.h>

#include <cstring>
#include <optional>
#include <tuple>
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

void store_u16(char* p, std::uint16_t v) noexcept {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}

codec_status fail(std::uint32_t status, std::string_view field, std::string_view reason,
                  std::size_t size = 0, std::size_t limit = 0) {
  return codec_status{status, field, reason, size, limit};
}

constexpr std::string_view truncated = "the PDU ends inside this field";

// A TLV of a tag the spec defines, with a length outside its row of table 5-6 (SMPP v3.4
// §5.3.2): the same failure whether decoding or encoding.
codec_status tlv_length_failure(const tlv_info& info, std::size_t length) {
  return length < info.min_length
             ? fail(cs::esme_rinvparlen, info.name, "TLV value shorter than SMPP v3.4 allows",
                    length, info.min_length)
             : fail(cs::esme_rinvparlen, info.name, "TLV value longer than SMPP v3.4 allows",
                    length, info.max_length);
}

// Fields are walked with a fold over the layout's field list; each step returns a bool (cheap to
// chain) and a failing step leaves its codec_status in the walker, so the hot path never copies
// a codec_status per field.

// Calls visit(field) for each field of a field list, in wire order, while it returns true; true
// when every call did.
template <class Fields, class Visit>
bool all_fields(const Fields& fields, Visit&& visit) {
  return std::apply([&](const auto&... f) { return (visit(f) && ...); }, fields);
}

// The same for the fields of the alternative of a choice that `flag` selects; nullopt when no
// alternative names `flag` (nothing visited).
template <class B, class... Whens, class Visit>
std::optional<bool> chosen_fields(const layout::choice<B, Whens...>& f, std::uint8_t flag,
                                  Visit&& visit) {
  std::optional<bool> result;
  auto try_one = [&](const auto& w) {
    if (!result && w.value == flag) result = all_fields(w.fields, visit);
  };
  std::apply([&](const auto&... w) { (try_one(w), ...); }, f.alternatives);
  return result;
}

// ---- decoding --------------------------------------------------------------------------------

struct reader {
  const char* p;
  const char* end;
  codec_status error{};  // the first failure

  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end - p); }
  bool failed(codec_status st) {
    error = st;
    return false;
  }
};

// A C-Octet String of at most max_size octets including the NUL. Fields are short (at most 65
// octets): a plain loop finds the NUL faster than a call to memchr.
bool read_c_string(reader& r, std::string_view& value, std::string_view name, std::size_t max_size,
                   std::uint32_t status) {
  const std::size_t window = std::min(r.remaining(), max_size);
  std::size_t len = 0;
  while (len < window && r.p[len] != '\0')
    ++len;
  if (len == window) {
    if (r.remaining() < max_size) return r.failed(fail(cs::esme_rinvcmdlen, name, truncated));
    // Too long: count what the peer gave, up to its NUL or the end of the PDU.
    std::size_t given = window;
    while (given < r.remaining() && r.p[given] != '\0')
      ++given;
    if (given == r.remaining())
      return r.failed(
          fail(status, name, "not NUL-terminated before the end of the PDU", given, max_size - 1));
    return r.failed(fail(status, name, "longer than the field allows", given, max_size - 1));
  }
  value = std::string_view(r.p, len);
  r.p += len + 1;
  return true;
}

bool read_u8(reader& r, std::uint8_t& v, std::string_view name) {
  if (r.p == r.end) return r.failed(fail(cs::esme_rinvcmdlen, name, truncated));
  v = static_cast<std::uint8_t>(*r.p++);
  return true;
}

template <class T, class B>
bool decode_field(reader& r, T& obj, const layout::u8<B>& f) {
  return read_u8(r, obj.*(f.member), f.name);
}

template <class T, class B>
bool decode_field(reader& r, T& obj, const layout::c_string<B>& f) {
  return read_c_string(r, obj.*(f.member), f.name, f.max_size, f.error_status);
}

template <class T, class B>
bool decode_field(reader& r, T& obj, const layout::time_string<B>& f) {
  return read_c_string(r, obj.*(f.member), f.name, 17, f.error_status);
}

template <class T, class B>
bool decode_field(reader& r, T& obj, const layout::short_message<B>& f) {
  std::uint8_t sm_length = 0;
  if (!read_u8(r, sm_length, "sm_length")) return false;
  // §5.2.21 allows 0..254; 255 still fits the frame and is accepted when reading.
  if (r.remaining() < sm_length)
    return r.failed(fail(cs::esme_rinvcmdlen, "short_message",
                         "sm_length runs past the end of the PDU", sm_length, r.remaining()));
  obj.*(f.member) = std::string_view(r.p, sm_length);
  r.p += sm_length;
  return true;
}

template <class T, class B>
bool decode_field(reader& r, T& obj, const layout::tlvs<B>& f) {
  tlv_list& list = obj.*(f.member);
  list.clear();
  while (r.remaining() > 0) {
    if (r.remaining() < 4)
      return r.failed(fail(cs::esme_rinvoptparstream, "tlv",
                           "fewer than 4 octets left for a TLV header", r.remaining(), 4));
    const std::uint16_t tag = load_u16(r.p);
    const std::uint16_t len = load_u16(r.p + 2);
    r.p += 4;
    if (r.remaining() < len)
      return r.failed(fail(cs::esme_rinvoptparstream, "tlv",
                           "TLV length runs past the end of the PDU", len, r.remaining()));
    if (const tlv_info* info = tlv_length_violation(tag, len))
      return r.failed(tlv_length_failure(*info, len));
    list.push_back(tlv{tag, std::string_view(r.p, len)});
    r.p += len;
  }
  return true;
}

template <class T, class B>
bool decode_field(reader& r, T& obj, const layout::u32<B>& f) {
  if (r.remaining() < 4) return r.failed(fail(cs::esme_rinvcmdlen, f.name, truncated));
  obj.*(f.member) = load_u32(r.p);
  r.p += 4;
  return true;
}

template <class T, class B, class... Whens>
bool decode_field(reader& r, T& obj, const layout::choice<B, Whens...>& f) {
  std::uint8_t& flag = obj.*(f.member);
  if (!read_u8(r, flag, f.name)) return false;
  const auto ok = chosen_fields(f, flag, [&](const auto& g) { return decode_field(r, obj, g); });
  if (!ok) return r.failed(fail(f.error_status, f.name, f.reason, flag));
  return *ok;
}

template <class T, class B, class E>
bool decode_field(reader& r, T& obj, const layout::counted<B, E>& f) {
  std::uint8_t count = 0;
  if (!read_u8(r, count, f.count_name)) return false;
  if (count < f.min_count)
    return r.failed(fail(f.count_status, f.count_name, f.range, count, f.min_count));
  if (count > f.max_count)
    return r.failed(fail(f.count_status, f.count_name, f.range, count, f.max_count));
  auto& list = obj.*(f.member);
  list.clear();
  list.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    E e{};
    if (!all_fields(layout::field_list<E>, [&](const auto& g) { return decode_field(r, e, g); }))
      return false;
    list.push_back(e);
  }
  return true;
}

template <class T>
constexpr bool has_tlvs() {
  return requires(T t) {
    t.tlvs;
  };
}

template <class T>
codec_status decode_body(reader& r, T& body, bool lenient_tail) {
  if (!all_fields(layout::field_list<T>, [&](const auto& f) { return decode_field(r, body, f); }))
    return r.error;
  // Octets after the last mandatory field of a PDU without TLVs. A response is still usable
  // (some SMSCs append v5.0 TLVs to v3.4 responses); a request is malformed.
  if (!has_tlvs<T>() && r.remaining() > 0 && !lenient_tail)
    return fail(cs::esme_rinvcmdlen, "", "unexpected octets after the last field", r.remaining());
  return {};
}

// ---- encoding --------------------------------------------------------------------------------
//
// Two passes over the field list: the first checks every limit and adds up the encoded size, the
// second writes into the output grown once to that size. Nothing is written when a check fails.

struct sizer {
  std::size_t size = header_size;
  codec_status error{};

  bool failed(codec_status st) {
    error = st;
    return false;
  }
};

bool measure_c_string(sizer& s, std::string_view v, std::string_view name, std::size_t max_size,
                      std::uint32_t status) {
  if (v.size() + 1 > max_size)
    return s.failed(fail(status, name, "longer than the field allows", v.size(), max_size - 1));
  for (const char c : v)
    if (c == '\0') return s.failed(fail(status, name, "contains a NUL octet", v.size()));
  s.size += v.size() + 1;
  return true;
}

template <class T, class B>
bool measure_field(sizer& s, const T&, const layout::u8<B>&) {
  s.size += 1;
  return true;
}

template <class T, class B>
bool measure_field(sizer& s, const T& obj, const layout::c_string<B>& f) {
  return measure_c_string(s, obj.*(f.member), f.name, f.max_size, f.error_status);
}

template <class T, class B>
bool measure_field(sizer& s, const T& obj, const layout::time_string<B>& f) {
  const std::string_view v = obj.*(f.member);
  if (!v.empty() && v.size() != 16)
    return s.failed(
        fail(f.error_status, f.name, "must be empty or exactly 16 characters", v.size(), 16));
  return measure_c_string(s, v, f.name, 17, f.error_status);
}

template <class T, class B>
bool measure_field(sizer& s, const T& obj, const layout::short_message<B>& f) {
  const std::string_view v = obj.*(f.member);
  if (v.size() > 254)
    return s.failed(
        fail(cs::esme_rinvmsglen, "short_message", "longer than 254 octets", v.size(), 254));
  s.size += 1 + v.size();
  return true;
}

template <class T, class B>
bool measure_field(sizer& s, const T& obj, const layout::tlvs<B>& f) {
  for (const tlv& t : obj.*(f.member)) {
    if (t.value.size() > 0xFFFF)
      return s.failed(fail(cs::esme_rinvparlen, "tlv", "value longer than 65535 octets",
                           t.value.size(), 0xFFFF));
    if (const tlv_info* info = tlv_length_violation(t.tag, t.value.size()))
      return s.failed(tlv_length_failure(*info, t.value.size()));
    s.size += 4 + t.value.size();
  }
  return true;
}

template <class T, class B>
bool measure_field(sizer& s, const T&, const layout::u32<B>&) {
  s.size += 4;
  return true;
}

template <class T, class B, class... Whens>
bool measure_field(sizer& s, const T& obj, const layout::choice<B, Whens...>& f) {
  const std::uint8_t flag = obj.*(f.member);
  s.size += 1;
  const auto ok = chosen_fields(f, flag, [&](const auto& g) { return measure_field(s, obj, g); });
  if (!ok) return s.failed(fail(f.error_status, f.name, f.reason, flag));
  return *ok;
}

template <class T, class B, class E>
bool measure_field(sizer& s, const T& obj, const layout::counted<B, E>& f) {
  const auto& list = obj.*(f.member);
  if (list.size() < f.min_count || list.size() > f.max_count)
    return s.failed(fail(f.count_status, f.count_name, f.range, list.size(), f.max_count));
  s.size += 1;
  for (const E& e : list) {
    if (!all_fields(layout::field_list<E>, [&](const auto& g) { return measure_field(s, e, g); }))
      return false;
  }
  return true;
}

// Writers: the sizes were checked by the measure pass.

char* write_bytes(char* p, std::string_view v) noexcept {
  if (!v.empty()) std::memcpy(p, v.data(), v.size());
  return p + v.size();
}

char* write_c_string(char* p, std::string_view v) noexcept {
  p = write_bytes(p, v);
  *p = '\0';
  return p + 1;
}

template <class T, class B>
void write_field(char*& p, const T& obj, const layout::u8<B>& f) {
  *p++ = static_cast<char>(obj.*(f.member));
}

template <class T, class B>
void write_field(char*& p, const T& obj, const layout::c_string<B>& f) {
  p = write_c_string(p, obj.*(f.member));
}

template <class T, class B>
void write_field(char*& p, const T& obj, const layout::time_string<B>& f) {
  p = write_c_string(p, obj.*(f.member));
}

template <class T, class B>
void write_field(char*& p, const T& obj, const layout::short_message<B>& f) {
  const std::string_view v = obj.*(f.member);
  *p++ = static_cast<char>(v.size());
  p = write_bytes(p, v);
}

template <class T, class B>
void write_field(char*& p, const T& obj, const layout::tlvs<B>& f) {
  for (const tlv& t : obj.*(f.member)) {
    store_u16(p, t.tag);
    store_u16(p + 2, static_cast<std::uint16_t>(t.value.size()));
    p = write_bytes(p + 4, t.value);
  }
}

template <class T, class B>
void write_field(char*& p, const T& obj, const layout::u32<B>& f) {
  store_u32(p, obj.*(f.member));
  p += 4;
}

template <class T, class B, class... Whens>
void write_field(char*& p, const T& obj, const layout::choice<B, Whens...>& f) {
  const std::uint8_t flag = obj.*(f.member);
  *p++ = static_cast<char>(flag);
  chosen_fields(f, flag, [&](const auto& g) {
    write_field(p, obj, g);
    return true;
  });
}

template <class T, class B, class E>
void write_field(char*& p, const T& obj, const layout::counted<B, E>& f) {
  const auto& list = obj.*(f.member);
  *p++ = static_cast<char>(list.size());
  for (const E& e : list)
    all_fields(layout::field_list<E>, [&](const auto& g) {
      write_field(p, e, g);
      return true;
    });
}

template <class T>
codec_status encode_pdu(const T& body, std::uint32_t status, std::uint32_t sequence,
                        std::string& out) {
  sizer s;
  if (!all_fields(layout::field_list<T>, [&](const auto& f) { return measure_field(s, body, f); }))
    return s.error;
  const std::size_t start = out.size();
  out.resize(start + s.size);
  char* h = out.data() + start;
  store_u32(h, static_cast<std::uint32_t>(s.size));
  store_u32(h + 4, static_cast<std::uint32_t>(T::id));
  store_u32(h + 8, status);
  store_u32(h + 12, sequence);
  char* p = h + header_size;
  all_fields(layout::field_list<T>, [&](const auto& f) {
    write_field(p, body, f);
    return true;
  });
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
  void field(const T& obj, const layout::u32<B>& f) {
    if (f.is_status)
      out += fmt::format(" {}={}", f.name, status_display(obj.*(f.member)));
    else
      out += fmt::format(" {}={}", f.name, obj.*(f.member));
  }
  template <class T, class B, class... Whens>
  void field(const T& obj, const layout::choice<B, Whens...>& f) {
    const std::uint8_t flag = obj.*(f.member);
    out += fmt::format(" {}={}", f.name, flag);
    chosen_fields(f, flag, [&](const auto& g) {
      field(obj, g);
      return true;
    });
  }
  template <class T, class B, class E>
  void field(const T& obj, const layout::counted<B, E>& f) {
    const auto& list = obj.*(f.member);
    out += fmt::format(" {}={}", f.count_name, list.size());
    for (const E& e : list)
      all_fields(layout::field_list<E>, [&](const auto& g) {
        field(e, g);
        return true;
      });
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
  reader r{frame.data() + header_size, frame.data() + frame.size()};
  const bool response = (h.command_id & response_bit) != 0;
  // A response carrying an error may come without a body (§4: "the body is not returned when
  // command_status is non-zero" is common practice; v3.4 §3.3 allows it for generic_nack-like
  // answers). Its fields then keep their defaults.
  const bool no_body = response && h.command_status != cs::esme_rok && r.remaining() == 0;
  // A body of the same type is reused as it is: decoding writes every field of its layout. Only
  // a body without fields read must start from the defaults.
  if (no_body || out.body.valueless_by_exception() ||
      static_cast<std::uint32_t>(out.id()) != h.command_id) {
    if (!make_body(h.command_id, out.body))
      return fail(cs::esme_rinvcmdid, "command_id", "not an SMPP v3.4 command", h.command_id);
  }
  if (no_body) return {};
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

// One explicit instantiation of the template encode() per PDU type.
#define SMSDRV_SMPP_INSTANTIATE_ENCODE_(name, value, layout, response) \
  template codec_status encode<name>(const name&, std::uint32_t, std::string&, std::uint32_t);
SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SMPP_INSTANTIATE_ENCODE_)
#undef SMSDRV_SMPP_INSTANTIATE_ENCODE_

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
        all_fields(layout::field_list<std::decay_t<decltype(body)>>, [&](const auto& f) {
          d.field(body, f);
          return true;
        });
      },
      p.body);
  return out;
}

}  // namespace smsdrv::smpp
