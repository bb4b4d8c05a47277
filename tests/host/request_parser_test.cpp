#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "host/request_parser.hpp"
#include "smsdrv/smsdrv.h"

using smsdrv::host::parsed_request;
using smsdrv::host::request_parser;

namespace {

struct outcome {
  bool ok = false;
  int32_t code = 0;
  std::string text;
  parsed_request request;
  std::vector<std::pair<std::string, std::string>> user_data;
  std::string buffer;  // keeps the views of request alive
};

outcome parse(const std::string& line) {
  static request_parser parser;  // reused, as the reader does
  outcome o;
  o.buffer = line + '\n';
  auto problem = parser.parse(o.buffer.data(), line.size(), o.request);
  o.ok = !problem;
  if (problem) {
    o.code = problem->code;
    o.text = problem->text;
  }
  for (size_t i = 0; i < o.request.keys.size(); ++i)
    o.user_data.emplace_back(o.request.keys[i], o.request.values[i]);
  return o;
}

using kv = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("request: a SendSMS request", "[request]") {
  const auto o = parse(
      R"({"id":"r1","request":"SendSMS","channel":"channel-sms1","userData":{"_smsDestNumber":"4917612345678","_smsText":"Hi \"there\" \u00e9"}})");
  REQUIRE(o.ok);
  CHECK(o.request.has_id);
  CHECK(o.request.id == "r1");
  CHECK(std::string(o.request.request) == "SendSMS");
  CHECK(std::string(o.request.channel) == "channel-sms1");
  CHECK(o.user_data == kv{{"_smsDestNumber", "4917612345678"}, {"_smsText", "Hi \"there\" é"}});
}

TEST_CASE("request: numbers and booleans become strings", "[request]") {
  const auto o = parse(
      R"({"request":"SendSMS","channel":"c","userData":{"a":42,"b":-7,"c":1.5,"d":true,"e":false,"f":18446744073709551615,"g":1e3}})");
  REQUIRE(o.ok);
  CHECK_FALSE(o.request.has_id);
  CHECK(o.user_data == kv{{"a", "42"},
                          {"b", "-7"},
                          {"c", "1.5"},
                          {"d", "true"},
                          {"e", "false"},
                          {"f", "18446744073709551615"},
                          {"g", "1000"}});
}

TEST_CASE("request: the channel may come from userData._umsChannel", "[request]") {
  const auto o = parse(R"({"id":"x","request":"SendSMS","userData":{"_umsChannel":"channel-b"}})");
  REQUIRE(o.ok);
  CHECK(std::string(o.request.channel) == "channel-b");
}

TEST_CASE("request: userData may be absent", "[request]") {
  const auto o = parse(R"({"request":"Ping","channel":"c"})");
  REQUIRE(o.ok);
  CHECK(o.user_data.empty());
}

TEST_CASE("request: problems name the member at fault", "[request]") {
  struct row {
    const char* line;
    bool has_id;
    int32_t code;
    const char* text;
  };
  const row rows[] = {
      {R"({"id":"r1",)", false, SMSDRV_E_INVALID_ARGUMENT,
       "invalid JSON at column 12: Missing a name for object member."},
      {R"(["SendSMS"])", false, SMSDRV_E_INVALID_ARGUMENT, "a request must be a JSON object"},
      {R"({"id":7,"request":"SendSMS","channel":"c"})", false, SMSDRV_E_INVALID_ARGUMENT,
       "id must be a non-empty string"},
      {R"({"id":"","request":"SendSMS","channel":"c"})", false, SMSDRV_E_INVALID_ARGUMENT,
       "id must be a non-empty string"},
      {R"({"id":"r1","channel":"c"})", true, SMSDRV_E_INVALID_ARGUMENT,
       "missing member \"request\", e.g. \"SendSMS\""},
      {R"({"id":"r1","request":"SendSMS"})", true, SMSDRV_E_INVALID_ARGUMENT,
       "missing member \"channel\" (or userData._umsChannel), e.g. \"channel-sms1\""},
      {R"({"id":"r1","request":"SendSMS","channel":5})", true, SMSDRV_E_INVALID_ARGUMENT,
       "channel must be a non-empty string, e.g. \"channel-sms1\""},
      {R"({"id":"r1","request":"","channel":"c"})", true, SMSDRV_E_INVALID_ARGUMENT,
       "request must be a non-empty string, e.g. \"SendSMS\""},
      {R"({"id":"r1","request":"SendSMS","channel":"c","userdata":{}})", true,
       SMSDRV_E_INVALID_ARGUMENT,
       "unknown member \"userdata\" (a request has id, request, channel, userData and parts)"},
      {R"({"id":"r1","request":"A","request":"B","channel":"c"})", true, SMSDRV_E_INVALID_ARGUMENT,
       "member \"request\" appears twice"},
      {R"({"id":"r1","request":"SendSMS","channel":"c","userData":[]})", true,
       SMSDRV_E_INVALID_ARGUMENT, "userData must be an object of strings"},
      {R"({"id":"r1","request":"SendSMS","channel":"c","userData":{"x":{"y":"z"}}})", true,
       SMSDRV_E_BAD_REQUEST,
       "userData.x is an object; user data values are strings (numbers and booleans are "
       "converted), nested values are not allowed"},
      {R"({"id":"r1","request":"SendSMS","channel":"c","userData":{"x":[1]}})", true,
       SMSDRV_E_BAD_REQUEST,
       "userData.x is an array; user data values are strings (numbers and booleans are "
       "converted), nested values are not allowed"},
      {R"({"id":"r1","request":"SendSMS","channel":"c","userData":{"x":null}})", true,
       SMSDRV_E_BAD_REQUEST, "userData.x is null; user data values are strings"},
      {R"({"id":"r1","request":"SendSMS","channel":"c","userData":{"x":"a\u0000b"}})", true,
       SMSDRV_E_BAD_REQUEST, "userData.x contains a NUL character"},
      {R"({"id":"r1","request":"SendSMS","channel":"c"} trailing)", false,
       SMSDRV_E_INVALID_ARGUMENT,
       "invalid JSON at column 47: The document root must not be followed by other values."},
  };
  for (const auto& r : rows) {
    INFO(r.line);
    const auto o = parse(r.line);
    CHECK_FALSE(o.ok);
    CHECK(o.request.has_id == r.has_id);
    CHECK(o.code == r.code);
    CHECK(o.text == r.text);
  }
}

TEST_CASE("request: the PII requests need no channel", "[request]") {
  for (const char* name : {"DataByRegEx", "DataByRule", "DataByGroup"}) {
    auto o =
        parse(std::string(R"({"id":"p1","request":")") + name + R"(","userData":{"Text":"x"}})");
    CAPTURE(name, o.text);
    REQUIRE(o.ok);
    CHECK(o.request.channel == nullptr);
  }
  CHECK_FALSE(parse(R"({"id":"p1","request":"DataByRegex","userData":{"Text":"x"}})").ok);
}

TEST_CASE("request: invalid UTF-8 is refused", "[request]") {
  const auto o = parse("{\"request\":\"SendSMS\",\"channel\":\"c\",\"userData\":{\"t\":\"\xff\"}}");
  CHECK_FALSE(o.ok);
  CHECK(o.text.find("Invalid encoding") != std::string::npos);
}

TEST_CASE("request: deep nesting does not overflow the stack", "[request]") {
  const std::string deep =
      "{\"request\":\"S\",\"channel\":\"c\",\"userData\":{\"x\":" + std::string(100000, '[') +
      std::string(100000, ']') + "}}";
  const auto o = parse(deep);
  CHECK_FALSE(o.ok);
  CHECK(o.code == SMSDRV_E_BAD_REQUEST);
}

TEST_CASE("request: a large request with many numbers", "[request]") {
  std::string line = R"({"request":"SendSMS","channel":"c","userData":{)";
  for (int i = 0; i < 500; ++i)
    line += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":" + std::to_string(i));
  line += "}}";
  const auto o = parse(line);
  REQUIRE(o.ok);
  REQUIRE(o.user_data.size() == 500);
  CHECK(o.user_data[0] == std::pair<std::string, std::string>{"k0", "0"});
  CHECK(o.user_data[499] == std::pair<std::string, std::string>{"k499", "499"});
}

TEST_CASE("request: SendMMS parts are decoded from base64", "[request]") {
  const auto o = parse(
      R"({"id":"m1","request":"SendMMS","channel":"c","userData":{"_smsDestNumber":"1"},"parts":[{"contentType":"image/gif","name":"a.gif","base64":"R0lGODlhAQI="},{"contentType":"text/plain","base64":""}]})");
  REQUIRE(o.ok);
  REQUIRE(o.request.parts.size() == 2);
  CHECK(o.request.parts[0].content_type == "image/gif");
  CHECK(o.request.parts[0].name == "a.gif");
  CHECK(o.request.parts[0].bytes == std::string("GIF89a\x01\x02", 8));
  CHECK(o.request.parts[1].name.empty());
  CHECK(o.request.parts[1].bytes.empty());
  auto problem = [](const std::string& parts) {
    return parse(R"({"id":"m","request":"SendMMS","channel":"c","parts":)" + parts + "}");
  };
  CHECK(problem(R"({})").text ==
        R"(parts must be an array of {"contentType", "name", "base64"} objects)");
  CHECK(problem(R"([{"contentType":"a/b","base64":"!!!!"}])").text ==
        "parts[0].base64 is not base64");
  CHECK(problem(R"([{"contentType":"a/b","base64":"QQ=A"}])").text ==
        "parts[0].base64 is not base64");
  CHECK(problem(R"([{"base64":"QUJD"}])").text == "parts[0].contentType is required");
  CHECK(problem(R"([{"contentType":"a/b"}])").text == "parts[0].base64 is required");
  CHECK(problem(R"([{"contentType":"a/b","base64":"QUJD","size":3}])").text ==
        "unknown member \"size\" in parts[0] (a part has contentType, name and base64)");
  CHECK(problem(R"([{"contentType":1,"base64":"QUJD"}])").code == SMSDRV_E_BAD_REQUEST);
}
