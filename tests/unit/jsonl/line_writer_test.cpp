#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "jsonl/line_writer.hpp"

using smsdrv::jsonl::line_writer;
using smsdrv::jsonl::strings;

namespace {

std::string one(std::string_view value, strings mode = strings::utf8) {
  std::string out;
  line_writer(out, mode).str("s", value).finish();
  return out;
}

// The value of "s" in a line, as a JSON reader sees it.
std::string read_back(const std::string& line) {
  rapidjson::Document d;
  d.Parse(line.data(), line.size());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.IsObject());
  const auto& v = d["s"];
  return std::string(v.GetString(), v.GetStringLength());
}

}  // namespace

TEST_CASE("jsonl: escapes quotes, backslashes and control characters", "[jsonl]") {
  CHECK(one("plain") == "{\"s\":\"plain\"}\n");
  CHECK(one("a\"b\\c") == "{\"s\":\"a\\\"b\\\\c\"}\n");
  CHECK(one("l1\nl2\r\t\b\f") == "{\"s\":\"l1\\nl2\\r\\t\\b\\f\"}\n");
  CHECK(one(std::string("\x01\x1f", 2)) == "{\"s\":\"\\u0001\\u001F\"}\n");
  CHECK(one(std::string("nul\0in", 6)) == "{\"s\":\"nul\\u0000in\"}\n");
  CHECK(read_back(one(std::string("nul\0in", 6))) == std::string("nul\0in", 6));
}

TEST_CASE("jsonl: valid UTF-8 passes, each invalid byte becomes U+FFFD", "[jsonl]") {
  CHECK(one("Grüße €, 😀") == "{\"s\":\"Grüße €, 😀\"}\n");
  CHECK(one("a\xff"
            "b") ==
        "{\"s\":\"a\xEF\xBF\xBD"
        "b\"}\n");
  CHECK(one("\xC3") == "{\"s\":\"\xEF\xBF\xBD\"}\n");                  // truncated sequence
  CHECK(one("\xC0\xAF") == "{\"s\":\"\xEF\xBF\xBD\xEF\xBF\xBD\"}\n");  // overlong '/'
  CHECK(one("\xED\xA0\x80") ==
        "{\"s\":\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"}\n");  // UTF-16 surrogate
  CHECK(one("\xF4\x90\x80\x80") ==
        "{\"s\":\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"}\n");  // above U+10FFFF
  CHECK(smsdrv::jsonl::valid_utf8("ok\xE2\x82") == "ok\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("jsonl: keys are escaped and repaired like values", "[jsonl]") {
  std::string out;
  line_writer(out).str("a\"b\xff", "v").finish();
  CHECK(out == "{\"a\\\"b\xEF\xBF\xBD\":\"v\"}\n");
}

TEST_CASE("jsonl: octet strings read as ISO 8859-1, every byte one character", "[jsonl]") {
  CHECK(one("caf\xE9", strings::octets) == "{\"s\":\"caf\xC3\xA9\"}\n");
  std::string all;
  for (int b = 0; b < 256; ++b)
    all.push_back(static_cast<char>(b));
  const std::string back = read_back(one(all, strings::octets));
  std::string expected;  // U+0000..U+00FF in UTF-8
  for (int b = 0; b < 256; ++b) {
    if (b < 0x80) {
      expected.push_back(static_cast<char>(b));
    } else {
      expected.push_back(static_cast<char>(0xC0 | (b >> 6)));
      expected.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  CHECK(back == expected);
}

TEST_CASE("jsonl: numbers, booleans, null, hex, raw values, nesting", "[jsonl]") {
  std::string out = "before\n";
  line_writer(out)
      .str("event", "x")
      .num("i", -42)
      .num("min", std::numeric_limits<std::int64_t>::min())
      .num("max", std::numeric_limits<std::uint64_t>::max())
      .num("u8", std::uint8_t{200})
      .fixed("f", 2.0 / 3.0, 3)
      .fixed("whole", 1234.5, 0)
      .fixed("nan", std::numeric_limits<double>::quiet_NaN(), 2)
      .boolean("ok", true)
      .null("none")
      .hex("bytes", std::string("\x00\xAB\x7f", 3))
      .raw("nested", "{\"a\":[1,2]}")
      .begin_object("error")
      .num("code", 0)
      .end_object()
      .begin_array("list")
      .item("one")
      .begin_object()
      .str("k", "v")
      .end_object()
      .end_array()
      .begin_object("empty")
      .end_object()
      .finish();
  CHECK(out ==
        "before\n"
        "{\"event\":\"x\",\"i\":-42,\"min\":-9223372036854775808,\"max\":18446744073709551615,"
        "\"u8\":200,\"f\":0.667,\"whole\":1234,\"nan\":null,\"ok\":true,\"none\":null,"
        "\"bytes\":\"00ab7f\",\"nested\":{\"a\":[1,2]},\"error\":{\"code\":0},"
        "\"list\":[\"one\",{\"k\":\"v\"}],\"empty\":{}}\n");
}

TEST_CASE("jsonl: whatever the bytes, every line is valid JSON", "[jsonl]") {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(length(random), '\0');
    for (auto& c : bytes)
      c = static_cast<char>(byte(random));
    for (const strings mode : {strings::utf8, strings::octets}) {
      std::string out;
      line_writer(out, mode).str(bytes, bytes).finish();
      REQUIRE(out.back() == '\n');
      rapidjson::Document d;
      d.Parse<rapidjson::kParseValidateEncodingFlag>(out.data(), out.size() - 1);
      REQUIRE_FALSE(d.HasParseError());
      REQUIRE(d.IsObject());
      REQUIRE(d.MemberCount() == 1);
    }
  }
}
