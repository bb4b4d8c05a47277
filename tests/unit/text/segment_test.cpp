#include "text/segment.hpp"

#include <catch2/catch.hpp>

#include "hex.hpp"
#include "text/gsm7.hpp"
#include "text/udh.hpp"

using namespace smsdrv::text;
using testing::to_hex;

namespace {

encoded_text enc(std::string_view utf8, encoding e = encoding::gsm7,
                 national_language l = national_language::none) {
  encoded_text out;
  REQUIRE(encode(utf8, encode_options{e, ucs2_schema::utf16be, l}, out).ok());
  return out;
}

segmented_text cut(const encoded_text& t, concat_method m = concat_method::udh8,
                   std::uint16_t ref = 0x1234, std::size_t max = 255) {
  segmented_text out;
  const status st = split(t, segment_options{m, ref, max}, out);
  REQUIRE(st.ok());
  return out;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

// Payload sizes (without UDH) of every part, in units of the alphabet.
std::vector<std::size_t> payload_units(const segmented_text& s) {
  std::vector<std::size_t> sizes;
  const std::size_t unit =
      s.result.used == encoding::ucs2 || s.result.used == encoding::utf16be ? 2 : 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const std::string_view sm = s.short_message(i);
    const std::size_t udh = s.udhi ? static_cast<std::uint8_t>(sm[0]) + 1u : 0u;
    sizes.push_back((sm.size() - udh) / unit);
  }
  return sizes;
}

using sizes = std::vector<std::size_t>;

}  // namespace

TEST_CASE("part capacities: 160/153/152 septets, 140/134/133 octets, 70/67/66 units") {
  CHECK(part_capacity(encoding::gsm7, 0) == 160);
  CHECK(part_capacity(encoding::gsm7, 6) == 153);
  CHECK(part_capacity(encoding::gsm7, 7) == 152);
  CHECK(part_capacity(encoding::latin1, 0) == 140);
  CHECK(part_capacity(encoding::ascii, 6) == 134);
  CHECK(part_capacity(encoding::latin1, 7) == 133);
  CHECK(part_capacity(encoding::ucs2, 0) == 70);
  CHECK(part_capacity(encoding::utf16be, 6) == 67);
  CHECK(part_capacity(encoding::ucs2, 7) == 66);
}

TEST_CASE("GSM boundaries, 8-bit reference") {
  CHECK(payload_units(cut(enc(repeat("a", 160)))) == sizes{160});
  CHECK(payload_units(cut(enc(repeat("a", 161)))) == sizes{153, 8});
  CHECK(payload_units(cut(enc(repeat("a", 306)))) == sizes{153, 153});
  CHECK(payload_units(cut(enc(repeat("a", 307)))) == sizes{153, 153, 1});
  SECTION("an escape pair that would end a single part makes it two") {
    CHECK(payload_units(cut(enc(repeat("a", 158) + "€"))) == sizes{160});
    CHECK(payload_units(cut(enc(repeat("a", 159) + "€"))) == sizes{153, 8});
  }
  SECTION("an escape pair on the 153 cut moves whole to the next part") {
    const segmented_text s = cut(enc(repeat("a", 152) + "€" + repeat("b", 10)));
    CHECK(payload_units(s) == sizes{152, 12});
    CHECK(s.short_message(1).substr(6, 2) == "\x1b\x65");
    const segmented_text t = cut(enc(repeat("a", 151) + "€" + repeat("b", 10)));
    CHECK(payload_units(t) == sizes{153, 10});
  }
}

TEST_CASE("GSM boundaries, 16-bit reference") {
  CHECK(payload_units(cut(enc(repeat("a", 161)), concat_method::udh16)) == sizes{152, 9});
  CHECK(payload_units(cut(enc(repeat("a", 304)), concat_method::udh16)) == sizes{152, 152});
  const segmented_text s = cut(enc(repeat("a", 151) + "{" + repeat("x", 8)), concat_method::udh16);
  CHECK(payload_units(s) == sizes{151, 10});
}

TEST_CASE("8-bit alphabets: 140/134/133") {
  CHECK(payload_units(cut(enc(repeat("é", 140), encoding::latin1))) == sizes{140});
  CHECK(payload_units(cut(enc(repeat("é", 141), encoding::latin1))) == sizes{134, 7});
  CHECK(payload_units(cut(enc(repeat("x", 141), encoding::ascii), concat_method::udh16)) ==
        sizes{133, 8});
}

TEST_CASE("UTF-16 boundaries: 70/67/66, surrogate pairs never split") {
  const std::string emoji = "\xF0\x9F\x98\x80";
  CHECK(payload_units(cut(enc(repeat("ж", 70), encoding::ucs2))) == sizes{70});
  CHECK(payload_units(cut(enc(repeat("ж", 71), encoding::ucs2))) == sizes{67, 4});
  CHECK(payload_units(cut(enc(repeat("ж", 71), encoding::ucs2), concat_method::udh16)) ==
        sizes{66, 5});
  SECTION("a pair ending exactly at 70 stays single; one past it splits") {
    CHECK(payload_units(cut(enc(repeat("ж", 68) + emoji, encoding::utf16be))) == sizes{70});
    CHECK(payload_units(cut(enc(repeat("ж", 69) + emoji, encoding::utf16be))) == sizes{67, 4});
  }
  SECTION("a pair on the 67 cut moves whole") {
    const segmented_text s = cut(enc(repeat("ж", 66) + emoji + repeat("ж", 5), encoding::utf16be));
    CHECK(payload_units(s) == sizes{66, 7});
    CHECK(to_hex(s.short_message(1).substr(6, 4)) == "d8 3d de 00");
  }
  SECTION("a pair on the 66 cut (16-bit reference)") {
    const segmented_text s =
        cut(enc(repeat("ж", 65) + emoji + repeat("ж", 5), encoding::utf16be), concat_method::udh16);
    CHECK(payload_units(s) == sizes{65, 7});
  }
  SECTION("emoji only") {
    const segmented_text s = cut(enc(repeat(emoji, 40), encoding::utf16be));
    CHECK(payload_units(s) == sizes{66, 14});
  }
}

TEST_CASE("UDH bytes, UDHI and reference per method") {
  const encoded_text long_text = enc(repeat("a", 200));
  SECTION("8-bit reference: low octet of the caller's reference") {
    const segmented_text s = cut(long_text, concat_method::udh8, 0x1234);
    CHECK(s.method == concat_method::udh8);
    CHECK(s.udhi);
    CHECK(to_hex(s.short_message(0).substr(0, 6)) == "05 00 03 34 02 01");
    CHECK(to_hex(s.short_message(1).substr(0, 6)) == "05 00 03 34 02 02");
  }
  SECTION("16-bit reference") {
    const segmented_text s = cut(long_text, concat_method::udh16, 0x1234);
    CHECK(to_hex(s.short_message(1).substr(0, 7)) == "06 08 04 12 34 02 02");
  }
  SECTION("SAR: no UDH, TLV values, parts sized as with the 8-bit UDH") {
    const segmented_text s = cut(long_text, concat_method::sar, 0xBEEF);
    CHECK(s.method == concat_method::sar);
    CHECK_FALSE(s.udhi);
    CHECK(s.sar_msg_ref_num == 0xBEEF);
    CHECK(s.sar_total_segments == 2);
    CHECK(s.sar_segment_seqnum(0) == 1);
    CHECK(s.sar_segment_seqnum(1) == 2);
    CHECK(s.short_message(0) == repeat("a", 153));
    CHECK(s.short_message(1) == repeat("a", 47));
  }
  SECTION("payload: one part with the whole text") {
    const segmented_text s = cut(long_text, concat_method::payload);
    CHECK(s.method == concat_method::payload);
    CHECK(s.size() == 1);
    CHECK_FALSE(s.udhi);
    CHECK(s.short_message(0) == repeat("a", 200));
  }
  SECTION("a text that fits is sent as is whatever the method") {
    for (const concat_method m : {concat_method::udh8, concat_method::udh16, concat_method::sar}) {
      const segmented_text s = cut(enc("hello"), m);
      CHECK(s.method == concat_method::none);
      CHECK_FALSE(s.udhi);
      CHECK(s.short_message(0) == "hello");
    }
  }
  SECTION("the empty text is one empty part") {
    const segmented_text s = cut(enc(""));
    CHECK(s.size() == 1);
    CHECK(s.short_message(0).empty());
  }
}

TEST_CASE("national language IEs shrink the parts") {
  SECTION("single shift only: 155 single, 149 with 8-bit concatenation") {
    const encoded_text t =
        enc(repeat("ç", 1) + repeat("a", 153), encoding::gsm7, national_language::spanish);
    REQUIRE(t.result.single_shift == national_language::spanish);
    const segmented_text one = cut(t);
    CHECK(one.method == concat_method::none);
    CHECK(one.udhi);
    CHECK(to_hex(one.short_message(0).substr(0, 4)) == "03 24 01 02");
    CHECK(payload_units(one) == sizes{155});
    const segmented_text two =
        cut(enc(repeat("ç", 1) + repeat("a", 154), encoding::gsm7, national_language::spanish));
    CHECK(payload_units(two) == sizes{149, 7});
    CHECK(to_hex(two.short_message(0).substr(0, 9)) == "08 00 03 34 02 01 24 01 02");
  }
  SECTION("locking and single shift: 152 single, 146 concatenated") {
    std::string text = repeat("ğ", 100) + "Ş" + repeat("ı", 60);  // needs both tables
    encoded_text t = enc(text, encoding::gsm7, national_language::turkish);
    REQUIRE(t.result.locking_shift == national_language::turkish);
    const segmented_text s = cut(t);
    CHECK(to_hex(s.short_message(0).substr(0, 9)) == "08 00 03 34 02 01 25 01 01");
    for (std::size_t n : payload_units(s))
      CHECK(n <= 149);
  }
  SECTION("SAR with national IEs keeps a UDH for them") {
    const encoded_text t = enc(repeat("á", 100), encoding::gsm7, national_language::spanish);
    const segmented_text s = cut(t, concat_method::sar);
    CHECK(s.method == concat_method::sar);
    CHECK(s.udhi);
    CHECK(to_hex(s.short_message(0).substr(0, 4)) == "03 24 01 02");
    CHECK(payload_units(s) == sizes{148, 52});  // 149 septets, escapes kept whole
  }
}

TEST_CASE("every part fits 140 octets on the air interface") {
  for (const concat_method m : {concat_method::udh8, concat_method::udh16, concat_method::sar}) {
    for (std::size_t n = 150; n < 480; n += 7) {
      const segmented_text s = cut(enc(repeat("a€", n / 2), encoding::gsm7), m);
      for (std::size_t i = 0; i < s.size(); ++i) {
        const std::string_view sm = s.short_message(i);
        // SAR parts get the 8-bit concatenation UDH added by the SMSC.
        const std::size_t udh = m == concat_method::sar ? 6 : static_cast<std::uint8_t>(sm[0]) + 1u;
        const std::size_t septets = m == concat_method::sar ? sm.size() : sm.size() - udh;
        std::string packed;
        gsm7_pack(sm.substr(sm.size() - septets), gsm7_fill_bits(udh), packed);
        CHECK(udh + packed.size() <= 140);
      }
    }
  }
}

TEST_CASE("max segments: needing more is an error naming both numbers") {
  segmented_text out;
  const encoded_text t = enc(repeat("a", 153 * 5 + 1));
  status st = split(t, segment_options{concat_method::udh8, 1, 5}, out);
  CHECK(st.code == errc::too_many_segments);
  CHECK(st.needed == 6);
  CHECK(st.limit == 5);
  CHECK(st.message() == "message needs 6 segments, more than the limit of 5");
  CHECK(split(t, segment_options{concat_method::udh8, 1, 6}, out).ok());
  CHECK(out.size() == 6);

  const encoded_text huge = enc(repeat("a", 153 * 255 + 1));
  st = split(huge, segment_options{concat_method::udh8, 1, 255}, out);
  CHECK(st.code == errc::too_many_segments);
  CHECK(st.needed == 256);
  CHECK(split(enc(repeat("a", 153 * 255)), segment_options{concat_method::udh8, 1, 255}, out).ok());
  CHECK(out.size() == 255);
  CHECK(static_cast<std::uint8_t>(out.short_message(254)[4]) == 255);

  CHECK(split(t, segment_options{concat_method::udh8, 1, 1}, out).code == errc::invalid_option);
  CHECK(split(t, segment_options{concat_method::udh8, 1, 256}, out).code == errc::invalid_option);
  CHECK(split(t, segment_options{concat_method::none, 1, 10}, out).code == errc::invalid_option);
}

TEST_CASE("message_payload holds at most 65535 octets") {
  segmented_text out;
  CHECK(split(enc(repeat("a", 65535)), segment_options{concat_method::payload, 0, 255}, out).ok());
  const status st =
      split(enc(repeat("a", 65536)), segment_options{concat_method::payload, 0, 255}, out);
  CHECK(st.code == errc::too_long);
  CHECK(st.needed == 65536);
}
