#include "text/gsm7.hpp"

#include <catch2/catch.hpp>

#include "hex.hpp"
#include "text/gsm7_tables.hpp"

using namespace smsdrv::text;
using testing::from_hex;
using testing::to_hex;
using testing::utf8_of;

namespace {

std::string encode_all(std::string_view utf8, const gsm7_tables& t) {
  std::string out;
  const gsm7_encode_result r = gsm7_encode(utf8, t, out);
  REQUIRE(r.complete());
  REQUIRE(r.septets == out.size());
  return out;
}

std::string decode_all(std::string_view septets, const gsm7_tables& t) {
  std::string out;
  CHECK(gsm7_decode(septets, t, out) == 0);
  return out;
}

std::size_t defined(const gsm7_table& t) {
  std::size_t n = 0;
  for (const char32_t cp : t)
    n += cp != 0;
  return n;
}

}  // namespace

TEST_CASE("every character of every locking shift table, both directions") {
  for (const gsm7_language& lang : gsm7_languages()) {
    if (!lang.locking) continue;
    const gsm7_tables t = gsm7_tables_for(lang.id, national_language::none);
    CHECK(defined(*lang.locking) == 127);  // every septet but ESC
    for (std::size_t septet = 0; septet < 128; ++septet) {
      const char32_t cp = (*lang.locking)[septet];
      if (septet == gsm7_escape) {
        CHECK(cp == 0);
        continue;
      }
      INFO(lang.name << " septet " << septet);
      const std::string one(1, static_cast<char>(septet));
      CHECK(decode_all(one, t) == utf8_of(cp));
      CHECK(encode_all(utf8_of(cp), t) == one);
    }
  }
}

TEST_CASE("every character of every single shift table, both directions") {
  for (const gsm7_language& lang : gsm7_languages()) {
    const gsm7_tables t = gsm7_tables_for(national_language::none, lang.id);
    std::size_t count = 0;
    for (std::size_t septet = 0; septet < 128; ++septet) {
      const char32_t cp = (*lang.single_shift)[septet];
      if (cp == 0) continue;
      ++count;
      INFO(lang.name << " septet " << septet);
      const std::string pair{static_cast<char>(gsm7_escape), static_cast<char>(septet)};
      CHECK(decode_all(pair, t) == utf8_of(cp));
      // A character also in the locking table is sent without the escape.
      const std::uint8_t direct = t.locking_reverse->find(cp);
      CHECK(encode_all(utf8_of(cp), t) ==
            (direct == gsm7_no_septet ? pair : std::string(1, static_cast<char>(direct))));
    }
    CHECK(count >= 10);
  }
}

TEST_CASE("table sizes follow TS 23.038") {
  auto row = [](national_language l) { return *find_gsm7_language(l); };
  CHECK(defined(*row(national_language::none).single_shift) == 10);
  CHECK(defined(*row(national_language::turkish).single_shift) == 17);
  CHECK(defined(*row(national_language::spanish).single_shift) == 19);
  CHECK(defined(*row(national_language::portuguese).single_shift) == 37);
  CHECK(row(national_language::spanish).locking == nullptr);  // Spanish has no locking table
  CHECK_FALSE(has_locking_table(national_language::spanish));
  CHECK(has_single_shift_table(national_language::spanish));
  CHECK(find_gsm7_language(static_cast<national_language>(4)) == nullptr);
}

TEST_CASE("well-known code points") {
  const gsm7_tables def = gsm7_tables_for(national_language::none, national_language::none);
  CHECK(to_hex(encode_all("@£$¥èéùìòÇ\nØø\rÅå", def)) ==
        "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
  CHECK(to_hex(encode_all("€{}[]~^|\\\f", def)) ==
        "1b 65 1b 28 1b 29 1b 3c 1b 3e 1b 3d 1b 14 1b 40 1b 2f 1b 0a");
  CHECK(to_hex(encode_all("¡¿§¤ÄÖÑÜäöñüà", def)) == "40 60 5f 24 5b 5c 5d 5e 7b 7c 7d 7e 7f");
  const gsm7_tables tr = gsm7_tables_for(national_language::turkish, national_language::turkish);
  CHECK(to_hex(encode_all("ğĞşŞıİç€", tr)) == "0c 0b 1d 1c 07 40 60 04");
  const gsm7_tables es = gsm7_tables_for(national_language::none, national_language::spanish);
  CHECK(to_hex(encode_all("áéíóúÁÍÓÚç", es)) ==
        "1b 61 05 1b 69 1b 6f 1b 75 1b 41 1b 49 1b 4f 1b 55 1b 09");
  const gsm7_tables pt =
      gsm7_tables_for(national_language::portuguese, national_language::portuguese);
  CHECK(to_hex(encode_all("ãõ∞ªº`", pt)) == "7b 7c 15 12 24 7d");
}

TEST_CASE("characters outside the tables stop the encoder at their offset") {
  const gsm7_tables def = gsm7_tables_for(national_language::none, national_language::none);
  std::string out;
  const gsm7_encode_result r = gsm7_encode(
      "ab\xC3\xA7"
      "d",
      def, out);  // "abçd"
  CHECK(r.unmappable_at == 2);
  CHECK(r.unmappable == U'ç');
  CHECK(out == "\x61\x62");
  const gsm7_encode_result bad = gsm7_encode("a\xC3", def, out);
  CHECK(bad.invalid_at == 1);
  CHECK(gsm7_measure("a€b", def).septets == 4);
}

TEST_CASE("decoding oddities: unknown escape, ESC ESC, lone ESC, octets above 0x7F") {
  const gsm7_tables def = gsm7_tables_for(national_language::none, national_language::none);
  std::string out;
  // ESC + a septet the extension table lacks shows the default table's character.
  CHECK(gsm7_decode(from_hex("1b 41"), def, out) == 0);
  CHECK(out == "A");
  out.clear();
  CHECK(gsm7_decode(from_hex("1b 1b 41"), def, out) == 0);
  CHECK(out == " A");
  out.clear();
  CHECK(gsm7_decode(from_hex("41 1b"), def, out) == 1);
  CHECK(out == "A\xEF\xBF\xBD");
  out.clear();
  CHECK(gsm7_decode(from_hex("80 41 ff 1b 80"), def, out) == 3);
  CHECK(out ==
        "\xEF\xBF\xBD"
        "A\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("septet packing, TS 23.038 §6.1.2.1.1") {
  std::string packed;
  gsm7_pack("hellohello", 0, packed);
  CHECK(to_hex(packed) == "e8 32 9b fd 46 97 d9 ec 37");
  std::string back;
  gsm7_unpack(packed, 10, 0, back);
  CHECK(back == "hellohello");

  // After a 6-octet UDH one fill bit aligns the first septet.
  CHECK(gsm7_fill_bits(6) == 1);
  CHECK(gsm7_fill_bits(7) == 0);
  CHECK(gsm7_fill_bits(0) == 0);
  for (unsigned fill = 0; fill < 7; ++fill) {
    for (std::size_t n = 0; n < 20; ++n) {
      std::string septets;
      for (std::size_t i = 0; i < n; ++i)
        septets.push_back(static_cast<char>((i * 37 + fill) & 0x7F));
      std::string p, u;
      gsm7_pack(septets, fill, p);
      CHECK(p.size() == (n * 7 + fill + 7) / 8);
      gsm7_unpack(p, n, fill, u);
      CHECK(u == septets);
    }
  }
}

TEST_CASE("septet capacity after a UDH, TS 23.040 §9.2.3.16") {
  CHECK(gsm7_capacity(0) == 160);
  CHECK(gsm7_capacity(6) == 153);
  CHECK(gsm7_capacity(7) == 152);
  CHECK(gsm7_capacity(4) == 155);  // one national language IE
  CHECK(gsm7_capacity(7) == 152);  // two national language IEs
  for (std::size_t udh = 1; udh < 140; ++udh) {
    const std::size_t n = gsm7_capacity(udh);
    CHECK(udh * 8 + gsm7_fill_bits(udh) + n * 7 <= 140 * 8);
    CHECK(udh * 8 + gsm7_fill_bits(udh) + (n + 1) * 7 > 140 * 8);
  }
}
