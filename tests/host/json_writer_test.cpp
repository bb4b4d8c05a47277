// dms-stub's JSON lines: the ABI's key/value arrays and parts as members. Escaping and UTF-8
// repair are jsonl::line_writer's (tests/unit/jsonl/line_writer_test.cpp); here, that the host's
// lines get them.
#include <catch2/catch.hpp>

#include <string>

#include "host/json_writer.hpp"

using smsdrv::host::json_line;

TEST_CASE("json: strings in the host's lines are escaped and repaired", "[json]") {
  std::string out;
  json_line(out).str("text", "a\"b\nc\xff").finish();
  CHECK(out == "{\"text\":\"a\\\"b\\nc\xEF\xBF\xBD\"}\n");
}

TEST_CASE("json: a line with fields, nested maps and numbers", "[json]") {
  std::string out;
  const char* keys[] = {"_smsMessageId", "n"};
  const char* values[] = {"abc", nullptr};
  json_line j(out);
  j.str("event", "esp-response").num("line", -42).boolean("ok", true);
  j.string_map("userData", 2, keys, values);
  j.begin_object("error").num("code", 0).end_object();
  j.string_map("attributes", 0, nullptr, nullptr);
  j.finish();
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
  json_line j(out);
  j.str("event", "interaction");
  j.parts("parts", 2, parts);
  j.finish();
  CHECK(out ==
        "{\"event\":\"interaction\",\"parts\":[{\"contentType\":\"image/gif\",\"name\":\"a.gif\","
        "\"size\":8,\"base64\":\"R0lGODlhAQI=\"},{\"contentType\":\"text/plain\",\"name\":\"\","
        "\"size\":0,\"base64\":\"\"}]}\n");
}
