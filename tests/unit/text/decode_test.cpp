#include "text/decode.hpp"

#include <catch2/catch.hpp>

#include "hex.hpp"
#include "text/utf8.hpp"

using namespace smsdrv::text;
using testing::from_hex;

namespace {

decoded_message run(std::string_view hex, std::uint8_t dc, bool udhi = false,
                    inbound_default d = inbound_default::gsm7) {
  decoded_message m;
  decode(from_hex(hex), dc, udhi, decode_options{d}, m);
  CHECK(find_invalid_utf8(m.text) == std::string_view::npos);
  return m;
}

const std::string fffd = "\xEF\xBF\xBD";

}  // namespace

TEST_CASE("data_coding 0 follows x-smpp-inbound-enc-default") {
  const std::string hex = "00 40 e9";
  CHECK(run(hex, 0, false, inbound_default::gsm7).text == "@¡" + fffd);
  CHECK(run(hex, 0, false, inbound_default::gsm7).replacements == 1);
  CHECK(run(hex, 0, false, inbound_default::latin1).text == std::string("\0@é", 4));
  const decoded_message a = run(hex, 0, false, inbound_default::ascii);
  CHECK(a.text == std::string("\0@", 2) + fffd);
  CHECK(a.coding.alpha == alphabet::ia5);
  CHECK(run(hex, 0).inb_data_enc() == "0");
}

TEST_CASE("the SMPP data_coding values") {
  SECTION("1: IA5, bytes above 0x7F replaced and counted") {
    const decoded_message m = run("48 69 80 ff", 1);
    CHECK(m.text == "Hi" + fffd + fffd);
    CHECK(m.replacements == 2);
    CHECK(m.inb_data_enc() == "1");
  }
  SECTION("3: Latin-1, every byte valid") {
    std::string all;
    for (int b = 0; b < 256; ++b)
      all.push_back(static_cast<char>(b));
    decoded_message m;
    decode(all, 3, false, {}, m);
    CHECK(m.replacements == 0);
    std::string expected;
    for (char32_t b = 0; b < 256; ++b)
      append_utf8(expected, b);
    CHECK(m.text == expected);
  }
  SECTION("8: UCS-2 / UTF-16BE with surrogates tolerated") {
    CHECK(run("00 48 04 36 20 ac", 8).text == "Hж€");
    CHECK(run("d8 3d de 00", 8).text == "\xF0\x9F\x98\x80");
    const decoded_message lone = run("d8 3d 00 41 de 00", 8);
    CHECK(lone.text == fffd + "A" + fffd);
    CHECK(lone.replacements == 2);
    const decoded_message odd = run("00 41 00", 8);
    CHECK(odd.text == "A" + fffd);
    CHECK(odd.replacements == 1);
    CHECK(run("", 8).text.empty());
  }
  SECTION("2 and 4: 8-bit binary as lowercase hex") {
    for (std::uint8_t dc : {2, 4}) {
      const decoded_message m = run("00 ff 7F 10", dc);
      CHECK(m.text == "00ff7f10");
      CHECK(m.hex());
      CHECK_FALSE(m.unsupported());
      CHECK(m.replacements == 0);
    }
  }
  SECTION("character sets SMPP names but this library does not decode: hex, flagged") {
    for (std::uint8_t dc : {5, 6, 7, 9, 10, 13, 14}) {
      const decoded_message m = run("41 42", dc);
      CHECK(m.text == "4142");
      CHECK(m.unsupported());
      CHECK(m.coding.alpha == alphabet::unsupported);
    }
  }
}

TEST_CASE("TS 23.038 coding groups") {
  struct row {
    std::uint8_t dc;
    alphabet alpha;
    int message_class;
  };
  const row rows[] = {
      {0x0B, alphabet::ucs2, -1},       {0x0C, alphabet::reserved, -1},
      {0x0F, alphabet::reserved, -1},   {0x10, alphabet::gsm7, 0},
      {0x11, alphabet::gsm7, 1},        {0x12, alphabet::gsm7, 2},
      {0x13, alphabet::gsm7, 3},        {0x14, alphabet::octets, 0},
      {0x15, alphabet::octets, 1},      {0x18, alphabet::ucs2, 0},
      {0x19, alphabet::ucs2, 1},        {0x1C, alphabet::reserved, 0},
      {0x20, alphabet::compressed, -1}, {0x30, alphabet::compressed, 0},
      {0x3A, alphabet::compressed, 2},  {0x40, alphabet::gsm7, -1},
      {0x44, alphabet::octets, -1},     {0x48, alphabet::ucs2, -1},
      {0x51, alphabet::gsm7, 1},        {0x60, alphabet::compressed, -1},
      {0x80, alphabet::reserved, -1},   {0xBF, alphabet::reserved, -1},
      {0xC0, alphabet::gsm7, -1},       {0xCF, alphabet::gsm7, -1},
      {0xD3, alphabet::gsm7, -1},       {0xE0, alphabet::ucs2, -1},
      {0xEF, alphabet::ucs2, -1},       {0xF0, alphabet::gsm7, 0},
      {0xF1, alphabet::gsm7, 1},        {0xF2, alphabet::gsm7, 2},
      {0xF3, alphabet::gsm7, 3},        {0xF4, alphabet::octets, 0},
      {0xF5, alphabet::octets, 1},      {0xF6, alphabet::octets, 2},
      {0xF7, alphabet::octets, 3},      {0xFB, alphabet::gsm7, 3},
      {0xFF, alphabet::octets, 3},
  };
  for (const row& r : rows) {
    INFO("data_coding " << int(r.dc));
    const data_coding_info i = classify_data_coding(r.dc, inbound_default::latin1);
    CHECK(i.alpha == r.alpha);
    CHECK(i.message_class == r.message_class);
  }
  // Only data_coding 0 follows the inbound default; the GSM groups are GSM 7 bit.
  CHECK(run("00", 0xF0, false, inbound_default::latin1).text == "@");
  CHECK(run("00 41", 0x18).text == "A");
  CHECK(run("41", 0xF4).text == "41");
  CHECK(run("41 42", 0x20).unsupported());
  CHECK(run("41", 0xF1).inb_data_enc() == "241");
}

TEST_CASE("every data_coding, with and without UDHI, decodes arbitrary bytes to valid UTF-8") {
  std::string junk;
  for (int i = 0; i < 300; ++i)
    junk.push_back(static_cast<char>((i * 73 + 11) & 0xFF));
  decoded_message m;
  for (int dc = 0; dc < 256; ++dc) {
    for (const bool udhi : {false, true}) {
      for (std::size_t len : {0, 1, 2, 7, 140, 300}) {
        decode(std::string_view(junk).substr(0, len), static_cast<std::uint8_t>(dc), udhi, {}, m);
        CHECK(find_invalid_utf8(m.text) == std::string_view::npos);
        CHECK(m.data_coding == dc);
      }
    }
  }
}

TEST_CASE("UDH: concatenation IEs are read and stripped") {
  SECTION("8-bit reference") {
    const decoded_message m = run("05 00 03 a7 03 02 48 69", 0, true);
    CHECK(m.text == "Hi");
    CHECK(m.udh.length == 6);
    CHECK(m.udh.concat.method == concat_method::udh8);
    CHECK(m.udh.concat.reference == 0xA7);
    CHECK(m.udh.concat.total == 3);
    CHECK(m.udh.concat.seqnum == 2);
    CHECK(m.udh.other.empty());
  }
  SECTION("16-bit reference, UCS-2") {
    const decoded_message m = run("06 08 04 12 34 02 01 00 48", 8, true);
    CHECK(m.text == "H");
    CHECK(m.udh.concat.method == concat_method::udh16);
    CHECK(m.udh.concat.reference == 0x1234);
  }
  SECTION("GSM septets follow the header directly: no fill bits in SMPP's unpacked form") {
    const decoded_message m = run("05 00 03 01 02 01 00 1b 65", 0, true);
    CHECK(m.text == "@€");
  }
  SECTION("without UDHI the same octets are text") {
    const decoded_message m = run("05 00 03 01 02 01", 4);
    CHECK(m.text == "050003010201");
    CHECK(m.udh.length == 0);
  }
  SECTION("void values are kept as other IEs (TS 23.040 §9.2.3.24.1)") {
    for (const char* hex : {"05 00 03 01 00 01 41", "05 00 03 01 02 00 41", "05 00 03 01 02 03 41",
                            "04 00 02 01 02 41"}) {
      const decoded_message m = run(hex, 0, true);
      CHECK(m.udh.concat.method == concat_method::none);
      CHECK(m.udh.other.size() == 1);
      CHECK(m.text == "A");
    }
  }
  SECTION("the last concatenation IE wins") {
    const decoded_message m = run("0a 00 03 01 02 01 00 03 09 03 02 41", 0, true);
    CHECK(m.udh.concat.reference == 9);
    CHECK(m.udh.concat.total == 3);
  }
}

TEST_CASE("UDH: national language shift IEs select the GSM tables") {
  SECTION("Turkish locking shift") {
    const decoded_message m = run("03 25 01 01 0c 07", 0, true);
    CHECK(m.text == "ğı");
    CHECK(m.udh.locking_shift == national_language::turkish);
  }
  SECTION("Turkish single shift") {
    const decoded_message m = run("03 24 01 01 1b 67 67", 0, true);
    CHECK(m.text == "ğg");
    CHECK(m.udh.single_shift == national_language::turkish);
  }
  SECTION("Portuguese both, with concatenation") {
    const decoded_message m = run("0b 00 03 05 02 01 25 01 03 24 01 03 15 1b 7b", 0, true);
    CHECK(m.text == "∞ã");
    CHECK(m.udh.concat.seqnum == 1);
  }
  SECTION("a language without tables here decodes with the default ones, IE listed") {
    const decoded_message m = run("03 25 01 04 0c", 0, true);
    CHECK(m.text == "ø");
    REQUIRE(m.udh.other.size() == 1);
    CHECK(m.udh.other[0].iei == 0x25);
  }
  SECTION("Spanish has no locking shift table") {
    const decoded_message m = run("03 25 01 02 0c", 0, true);
    CHECK(m.text == "ø");
    CHECK(m.udh.other.size() == 1);
  }
  SECTION("the IEs do not apply to UCS-2") {
    CHECK(run("03 25 01 01 00 0c", 8, true).text == "\f");
  }
}

TEST_CASE("UDH: unknown IEs are listed, malformed headers flagged") {
  SECTION("application port addressing is kept") {
    const decoded_message m = run("06 05 04 0b 84 23 f0 01 02", 4, true);
    CHECK(m.text == "0102");
    REQUIRE(m.udh.other.size() == 1);
    CHECK(m.udh.other[0].iei == 0x05);
    CHECK(m.udh.other[0].length == 4);
    CHECK(m.udh.other[0].offset == 3);
  }
  SECTION("UDHL beyond the data: nothing stripped") {
    const decoded_message m = run("09 00 03 01 02 01", 4, true);
    CHECK(m.udh.malformed);
    CHECK(m.udh.length == 0);
    CHECK(m.text == "090003010201");
  }
  SECTION("an element overrunning the header: header stripped, flagged") {
    const decoded_message m = run("03 00 05 01 41", 0, true);
    CHECK(m.udh.malformed);
    CHECK(m.udh.length == 4);
    CHECK(m.text == "A");
  }
  SECTION("empty message with UDHI") {
    const decoded_message m = run("", 0, true);
    CHECK(m.udh.malformed);
    CHECK(m.text.empty());
  }
  SECTION("the user data view") {
    const std::string sm = from_hex("05 00 03 01 02 01 41 42");
    decoded_message m;
    decode(sm, 0, true, {}, m);
    CHECK(m.user_data(sm) == "AB");
  }
}
