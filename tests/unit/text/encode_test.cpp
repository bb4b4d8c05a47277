#include "text/encode.hpp"

#include <catch2/catch.hpp>

#include "hex.hpp"
#include "text/data_coding.hpp"
#include "text/utf8.hpp"

using namespace smsdrv::text;
using testing::to_hex;

namespace {

encoded_text run(std::string_view utf8, encode_options o) {
  encoded_text out;
  const status st = encode(utf8, o, out);
  REQUIRE(st.ok());
  return out;
}

encode_options req(encoding e, ucs2_schema s = ucs2_schema::utf16be,
                   national_language l = national_language::none) {
  return encode_options{e, s, l};
}

}  // namespace

TEST_CASE("each requested alphabet carries its own characters") {
  SECTION("GSM, data_coding 0") {
    const encoded_text t = run("Hi @ 5€", req(encoding::gsm7));
    CHECK(t.result.used == encoding::gsm7);
    CHECK(t.result.data_coding == 0);
    CHECK_FALSE(t.result.fallback);
    CHECK(to_hex(t.octets) == "48 69 20 00 20 35 1b 65");
  }
  SECTION("IA5, data_coding 1") {
    const encoded_text t = run("A~\x7f", req(encoding::ascii));
    CHECK(t.result.data_coding == 1);
    CHECK(to_hex(t.octets) == "41 7e 7f");
  }
  SECTION("Latin-1, data_coding 3") {
    const encoded_text t = run("né ÿ", req(encoding::latin1));
    CHECK(t.result.data_coding == 3);
    CHECK(to_hex(t.octets) == "6e e9 20 ff");
  }
  SECTION("UCS-2, data_coding 8") {
    const encoded_text t = run("Aé€", req(encoding::ucs2));
    CHECK(t.result.data_coding == 8);
    CHECK(t.result.used == encoding::ucs2);
    CHECK(to_hex(t.octets) == "00 41 00 e9 20 ac");
  }
  SECTION("UTF-16BE surrogate pairs") {
    const encoded_text t = run("a\xF0\x9F\x98\x80", req(encoding::utf16be));  // a😀
    CHECK(t.result.used == encoding::utf16be);
    CHECK_FALSE(t.result.fallback);
    CHECK(to_hex(t.octets) == "00 61 d8 3d de 00");
  }
}

TEST_CASE("text the requested alphabet cannot carry falls back to data_coding 8") {
  SECTION("GSM -> UTF-16BE, reporting the first character that forced it") {
    const encoded_text t = run("ab\xE4\xBD\xA0", req(encoding::gsm7));  // ab你
    CHECK(t.result.fallback);
    CHECK(t.result.fallback_offset == 2);
    CHECK(t.result.fallback_char == U'你');
    CHECK(t.result.used == encoding::utf16be);
    CHECK(t.result.data_coding == 8);
    CHECK(to_hex(t.octets) == "00 61 00 62 4f 60");
  }
  SECTION("@ never becomes anything but GSM 0x00; ç is not mangled into Ç") {
    CHECK(to_hex(run("@", req(encoding::gsm7)).octets) == "00");
    const encoded_text t = run("ç", req(encoding::gsm7));
    CHECK(t.result.fallback);
    CHECK(to_hex(t.octets) == "00 e7");
  }
  SECTION("ascii and latin1") {
    CHECK(run("é", req(encoding::ascii)).result.fallback);
    CHECK(run("€", req(encoding::latin1)).result.fallback);
    CHECK_FALSE(run("é", req(encoding::latin1)).result.fallback);
  }
  SECTION("schema UCS-2 replaces non-BMP characters and counts them") {
    const encoded_text t =
        run("a\xF0\x9F\x98\x80\xF0\x9F\x98\x81", req(encoding::gsm7, ucs2_schema::ucs2));
    CHECK(t.result.used == encoding::ucs2);
    CHECK(t.result.fallback);
    CHECK(t.result.replaced == 2);
    CHECK(to_hex(t.octets) == "00 61 ff fd ff fd");
  }
  SECTION("requested ucs2 with an emoji: UTF-16BE per schema, or U+FFFD") {
    const encoded_text a = run("\xF0\x9F\x98\x80", req(encoding::ucs2));
    CHECK(a.result.used == encoding::utf16be);
    CHECK(a.result.fallback);
    CHECK(a.result.fallback_offset == 0);
    const encoded_text b = run("\xF0\x9F\x98\x80", req(encoding::ucs2, ucs2_schema::ucs2));
    CHECK(b.result.used == encoding::ucs2);
    CHECK_FALSE(b.result.fallback);
    CHECK(b.result.replaced == 1);
  }
  SECTION("requested utf16be ignores the UCS-2 schema") {
    const encoded_text t = run("\xF0\x9F\x98\x80", req(encoding::utf16be, ucs2_schema::ucs2));
    CHECK(t.result.replaced == 0);
    CHECK(to_hex(t.octets) == "d8 3d de 00");
  }
}

TEST_CASE("a configured national language is tried before UCS-2") {
  SECTION("Turkish: ğ needs the locking or single shift table") {
    const encoded_text t =
        run("Günaydın dağ", req(encoding::gsm7, ucs2_schema::utf16be, national_language::turkish));
    CHECK_FALSE(t.result.fallback);
    CHECK(t.result.used == encoding::gsm7);
    CHECK(t.result.data_coding == 0);
    // One segment either way: the single shift table is preferred.
    CHECK(t.result.locking_shift == national_language::none);
    CHECK(t.result.single_shift == national_language::turkish);
  }
  SECTION("Turkish: the locking table wins when escapes would cost segments") {
    std::string text;
    for (int i = 0; i < 150; ++i)
      text += "ğ";
    const encoded_text t =
        run(text, req(encoding::gsm7, ucs2_schema::utf16be, national_language::turkish));
    CHECK(t.result.locking_shift == national_language::turkish);
    CHECK(t.result.single_shift == national_language::none);
    CHECK(t.octets == std::string(150, '\x0c'));
  }
  SECTION("Spanish has only a single shift table") {
    const encoded_text t =
        run("canción", req(encoding::gsm7, ucs2_schema::utf16be, national_language::spanish));
    CHECK(t.result.locking_shift == national_language::none);
    CHECK(t.result.single_shift == national_language::spanish);
    CHECK(to_hex(t.octets) == "63 61 6e 63 69 1b 6f 6e");
  }
  SECTION("a text the default alphabet carries gets no national IEs") {
    const encoded_text t =
        run("hola", req(encoding::gsm7, ucs2_schema::utf16be, national_language::spanish));
    CHECK(t.result.single_shift == national_language::none);
  }
  SECTION("a character no table of the language has still falls back") {
    const encoded_text t =
        run("dağ 😀", req(encoding::gsm7, ucs2_schema::utf16be, national_language::turkish));
    CHECK(t.result.fallback);
    CHECK(t.result.locking_shift == national_language::none);
    CHECK(t.result.used == encoding::utf16be);
  }
  SECTION("Portuguese") {
    const encoded_text t = run("Informação à você", req(encoding::gsm7, ucs2_schema::utf16be,
                                                        national_language::portuguese));
    CHECK_FALSE(t.result.fallback);
    CHECK(t.result.single_shift == national_language::portuguese);
    CHECK(to_hex(t.octets).substr(0, 26) == "49 6e 66 6f 72 6d 61 1b 09");
  }
}

TEST_CASE("a message class (flash = 0) goes into data_coding for every alphabet") {
  auto flash = [](encoding e, ucs2_schema s = ucs2_schema::utf16be,
                  national_language l = national_language::none) {
    encode_options o{e, s, l};
    o.message_class = 0;
    return o;
  };
  struct row {
    encoding requested;
    std::string_view text;
    encoding used;
    std::uint8_t data_coding;  // TS 23.038 §4: 00 0 1 <alphabet> <class>
    bool fallback;
  };
  const row rows[] = {
      {encoding::gsm7, "Hi @", encoding::gsm7, 0x10, false},
      {encoding::gsm7, "Hi 😀", encoding::utf16be, 0x18, true},
      {encoding::ucs2, "Hi", encoding::ucs2, 0x18, false},
      {encoding::utf16be, "😀", encoding::utf16be, 0x18, false},
      // IA5 and Latin-1 have no class bits: GSM when it carries the text, else UCS-2.
      {encoding::ascii, "Hi {x}", encoding::gsm7, 0x10, false},
      {encoding::ascii, "a`b", encoding::utf16be, 0x18, true},  // '`' is not in GSM 03.38
      {encoding::latin1, "né", encoding::gsm7, 0x10, false},
      {encoding::latin1, "â", encoding::utf16be, 0x18, true},
  };
  for (const row& r : rows) {
    INFO(encoding_name(r.requested) << " '" << r.text << "'");
    const encoded_text t = run(r.text, flash(r.requested));
    CHECK(t.result.used == r.used);
    CHECK(t.result.data_coding == r.data_coding);
    CHECK(t.result.message_class == 0);
    CHECK(t.result.fallback == r.fallback);
    // Read back as the handset would: the alphabet and class 0.
    const data_coding_info i = classify_data_coding(t.result.data_coding, inbound_default::gsm7);
    CHECK(i.message_class == 0);
    CHECK(i.alpha == (r.used == encoding::gsm7 ? alphabet::gsm7 : alphabet::ucs2));
  }
  SECTION("national shift tables keep the class") {
    const encoded_text t =
        run("dağ", flash(encoding::gsm7, ucs2_schema::utf16be, national_language::turkish));
    CHECK(t.result.single_shift == national_language::turkish);
    CHECK(t.result.data_coding == 0x10);
  }
  SECTION("other classes; no class leaves data_coding alone") {
    encode_options o = req(encoding::ucs2);
    o.message_class = 2;
    CHECK(run("x", o).result.data_coding == 0x1A);
    CHECK(run("x", req(encoding::latin1)).result.data_coding == 3);
    CHECK(run("x", req(encoding::latin1)).result.message_class == -1);
    o.message_class = 4;
    encoded_text out;
    CHECK(encode("x", o, out).code == errc::invalid_option);
  }
}

TEST_CASE("invalid UTF-8 is refused with the offset of the first bad byte") {
  struct row {
    std::string_view input;
    std::size_t offset;
  };
  const row rows[] = {
      {"ab\x80", 2},                 // lone continuation byte
      {"a\xC3", 1},                  // truncated 2-byte sequence
      {"\xC0\xAF", 0},               // overlong '/'
      {"xy\xE0\x80\xAF", 2},         // overlong 3-byte
      {"\xED\xA0\x80", 0},           // UTF-16 surrogate in UTF-8
      {"12345\xF4\x90\x80\x80", 5},  // above U+10FFFF
      {"\xF0\x9F\x98", 0},           // truncated emoji
      {"\xFF", 0},
  };
  for (const encoding e :
       {encoding::gsm7, encoding::ascii, encoding::latin1, encoding::ucs2, encoding::utf16be}) {
    for (const row& r : rows) {
      encoded_text out;
      const status st =
          encode(r.input, req(e, ucs2_schema::utf16be, national_language::turkish), out);
      INFO(encoding_name(e) << " " << testing::to_hex(r.input));
      CHECK(st.code == errc::invalid_utf8);
      CHECK(st.offset == r.offset);
      CHECK(st.message() == "invalid UTF-8 at byte " + std::to_string(r.offset));
    }
  }
  // Invalid bytes after a character that forces the fallback are still found.
  encoded_text out;
  CHECK(encode("你\xFF", req(encoding::gsm7), out).offset == 3);
  CHECK(find_invalid_utf8("ok \xE2\x82\xAC") == std::string_view::npos);
}

TEST_CASE("option spellings") {
  CHECK(parse_encoding("smscdefault") == encoding::gsm7);
  CHECK(parse_encoding("ASCII") == encoding::ascii);
  CHECK(parse_encoding("latin1") == encoding::latin1);
  CHECK(parse_encoding("ucs2") == encoding::ucs2);
  CHECK(parse_encoding("utf16be") == encoding::utf16be);
  CHECK_FALSE(parse_encoding("utf8"));
  CHECK(encoding_name(encoding::gsm7) == "smscdefault");
  CHECK(parse_ucs2_schema("UTF-16BE") == ucs2_schema::utf16be);
  CHECK(parse_ucs2_schema("ucs-2") == ucs2_schema::ucs2);
  CHECK(ucs2_schema_name(ucs2_schema::ucs2) == "UCS-2");
  CHECK(parse_inbound_default("latin1") == inbound_default::latin1);
  CHECK(parse_inbound_default("smscdefault") == inbound_default::gsm7);
  CHECK_FALSE(parse_inbound_default("ucs2"));
  CHECK(parse_national_language("Turkish") == national_language::turkish);
  CHECK(national_language_name(national_language::portuguese) == "portuguese");
  CHECK_FALSE(parse_national_language("bengali"));
  CHECK(parse_concat_method("udh16") == concat_method::udh16);
  CHECK(concat_method_name(concat_method::sar) == "sar");
  for (const encoding e :
       {encoding::gsm7, encoding::ascii, encoding::latin1, encoding::ucs2, encoding::utf16be})
    CHECK(parse_encoding(encoding_name(e)) == e);
}
