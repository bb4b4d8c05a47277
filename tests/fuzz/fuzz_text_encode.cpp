// Outbound round trip: input = one options octet, then the text. Invalid UTF-8 must be refused
// at the right offset; valid text must come back unchanged through split, decode and reassembly
// (non-BMP characters as U+FFFD when the UCS-2 schema replaced them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "text/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smsdrv::text;
  if (size < 1) return 0;
  const std::uint8_t o = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  encode_options eo;
  eo.requested = static_cast<encoding>(o % 5);
  eo.schema = (o >> 3) & 1 ? ucs2_schema::ucs2 : ucs2_schema::utf16be;
  eo.language = static_cast<national_language>((o >> 4) & 3);
  constexpr concat_method methods[] = {concat_method::udh8, concat_method::udh16,
                                       concat_method::sar, concat_method::payload};
  segment_options so;
  so.method = methods[(o >> 6) & 3];
  so.reference = static_cast<std::uint16_t>(size * 7919);

  encoded_text enc;
  const status st = encode(text, eo, enc);
  if (!st.ok()) {
    if (st.code != errc::invalid_utf8 || st.offset != find_invalid_utf8(text)) std::abort();
    return 0;
  }
  if (find_invalid_utf8(text) != std::string_view::npos) std::abort();
  segmented_text seg;
  const status sp = split(enc, so, seg);
  if (!sp.ok()) {
    if (sp.code != errc::too_many_segments && sp.code != errc::too_long) std::abort();
    return 0;
  }
  std::string expected;
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8_char c = next_utf8(text, pos);
    append_utf8(expected, c.code_point >= 0x10000 && enc.result.replaced ? replacement_character
                                                                         : c.code_point);
    pos += c.length;
  }
  decoded_message dec;
  std::string got;
  reassembler r;
  reassembled_message done;
  for (std::size_t i = 0; i < seg.size(); ++i) {
    const std::string_view sm = seg.short_message(i);
    if (seg.method != concat_method::payload) {
      // 140 octets of TP-UD; GSM septets counted packed, after the UDH and its fill bits.
      const std::size_t udh = seg.udhi ? static_cast<std::uint8_t>(sm[0]) + 1u : 0u;
      std::string air(sm.substr(0, udh));
      if (seg.result.used == encoding::gsm7)
        gsm7_pack(sm.substr(udh), gsm7_fill_bits(udh), air);
      else
        air.append(sm.substr(udh));
      if (air.size() > 140) std::abort();
    }
    decode(sm, seg.result.data_coding, seg.udhi, {}, dec);
    if (seg.size() == 1) {
      got = dec.text;
      break;
    }
    inbound_part p = make_part(dec, sm, "s", "d", i);
    if (seg.method == concat_method::sar)
      p.concat = concat_info{concat_method::sar, seg.sar_msg_ref_num, seg.sar_total_segments,
                             seg.sar_segment_seqnum(i)};
    const add_result res = r.add(p, {}, done);
    if (res == add_result::completed)
      got = done.text;
    else if (res != add_result::held)
      std::abort();
  }
  if (got != expected) std::abort();
  return 0;
}
