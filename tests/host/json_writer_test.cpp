#include <catch2/catch.hpp>

#include <string>

#include "host/json_writer.hpp"

using smsdrv::host::append_json_string;
using smsdrv::host::json_line;

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace

TEST_CASE("json: escapes quotes, backslashes and control characters", "[json]") {
  CHECK(quoted("plain") == "\"plain\"");
  CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quoted("l1\nl2\r\t\b\f") == "\"l1\\nl2\\r\\t\\b\\f\"");
  CHECK(quoted(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(quoted(std::string("nul\0in", 6)) == "\"nul\\u0000in\"");
}

TEST_CASE("json: valid UTF-8 passes, invalid bytes become U+FFFD", "[json]") {
  CHECK(quoted("Grüße €, 😀") == "\"Grüße €, 😀\"");
  CHECK(quoted("a\xff"
               "b") ==
        "\"a\xEF\xBF\xBD"
        "b\"");
  CHECK(quoted("\xC3") == "\"\xEF\xBF\xBD\"");                  // truncated sequence
  CHECK(quoted("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong '/'
  CHECK(quoted("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

TEST_CASE("json: a line with fields, nested maps and numbers", "[json]") {
  std::string out;
  const char* keys[] = {"_smsMessageId", "n"};
  const char* values[] = {"abc", nullptr};
  json_line(out)
      .str("event", "esp-response")
      .num("line", -42)
      .boolean("ok", true)
      .string_map("userData", 2, keys, values)
      .begin_object("error")
      .num("code", 0)
      .end_object()
      .string_map("attributes", 0, nullptr, nullptr)
      .finish();
  CHECK(out ==
        "{\"event\":\"esp-response\",\"line\":-42,\"ok\":true,\"userData\":{\"_smsMessageId\":"
        "\"abc\",\"n\":\"\"},\"error\":{\"code\":0},\"attributes\":{}}\n");
}

TEST_CASE("json: ABI 1.2 parts as base64, read by their struct_size", "[json]") {
  std::string out;
  const std::uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 0x01, 0x02};
  smsdrv_part a{};
  a.struct_size = sizeof a;
  a.content_type = "image/gif";
  a.name = "a.gif";
  a.data = gif;
  a.size = sizeof gif;
  smsdrv_part empty{};
  empty.struct_size = sizeof empty;
  empty.content_type = "text/plain";
  const smsdrv_part* parts[] = {&a, &empty, nullptr};
  json_line(out).str("event", "interaction").parts("parts", 2, parts).finish();
  CHECK(out ==
        "{\"event\":\"interaction\",\"parts\":[{\"contentType\":\"image/gif\",\"name\":\"a.gif\","
        "\"size\":8,\"base64\":\"R0lGODlhAQI=\"},{\"contentType\":\"text/plain\",\"name\":\"\","
        "\"size\":0,\"base64\":\"\"}]}\n");
}
