#include "http/request_builder.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::http;

namespace {

request_settings kannel_like() {
  request_settings s;
  s.verb = method::get;
  s.url = "http://127.0.0.1:13013/cgi-bin/sendsms";
  s.destination_param = "to";
  s.message_param = "text";
  s.sender_param = "from";
  s.extra = {{"username", "tester", false}, {"password", "s3cr&t pw", true}};
  return s;
}

built_request build(const request_builder& b, const sms_message& m) {
  built_request out;
  auto problem = b.build(m, out);
  if (problem) FAIL(problem->field + " " + problem->rule);
  return out;
}

std::string plain(std::string_view key, std::string_view value) {
  (void)key;
  return std::string(value);
}

}  // namespace

TEST_CASE("GET: the parameters follow the URL in order, '+' for a blank") {
  request_builder b(kannel_like());
  built_request r = build(b, {"+4917612345678", "Hello world & more", "+12345", false, false});
  CHECK(r.verb == method::get);
  CHECK(r.url ==
        "http://127.0.0.1:13013/cgi-bin/sendsms?to=4917612345678&text=Hello+world+%26+more&"
        "from=12345&username=tester&password=s3cr%26t+pw");
  CHECK(r.body.empty());
}

TEST_CASE("GET with %20, after the URL's own query parameter") {
  request_settings s = kannel_like();
  s.spaces = space_encoding::percent20;
  s.url = "https://api.example.com/send?token=ab%2Fc";
  request_builder b(s);
  built_request r = build(b, {"4917612345678", "a b+c", "", false, false});
  CHECK(r.url ==
        "https://api.example.com/send?token=ab%2Fc&to=4917612345678&text=a%20b%2Bc&"
        "username=tester&password=s3cr%26t%20pw");
}

TEST_CASE("GET after a URL that ends in '?'") {
  request_settings s = kannel_like();
  s.url = "http://h/send?";
  s.extra.clear();
  s.sender_param.clear();
  built_request r = build(request_builder(s), {"4917612345678", "x", "1", false, false});
  CHECK(r.url == "http://h/send?to=4917612345678&text=x");
}

TEST_CASE("POST: the SMS URL as configured, the parameters as a form body") {
  request_settings s = kannel_like();
  s.verb = method::post;
  s.url = "https://api.example.com/send?token=abc";
  request_builder b(s);
  built_request r = build(b, {"4917612345678", "Grüße 😀", "MyBrand", false, false});
  CHECK(r.verb == method::post);
  CHECK(r.url == "https://api.example.com/send?token=abc");
  CHECK(r.body ==
        "to=4917612345678&text=Gr%C3%BC%C3%9Fe+%F0%9F%98%80&from=MyBrand&username=tester&"
        "password=s3cr%26t+pw");
}

TEST_CASE("a long text goes whole in one request") {
  request_settings s = kannel_like();
  s.verb = method::post;
  std::string text(2000, 'x');
  built_request r = build(request_builder(s), {"4917612345678", text, "", false, false});
  CHECK(r.body.find("text=" + text + "&") != std::string::npos);
  text.assign(max_text_octets + 1, 'x');
  built_request out;
  auto problem = request_builder(s).build({"4917612345678", text, "", false, false}, out);
  REQUIRE(problem);
  CHECK(problem->field == "_smsText");
  CHECK(problem->rule == "has 65537 octets; one HTTP request carries at most 65536");
}

TEST_CASE("flash and overwrite go as their parameters, or are refused") {
  request_settings s = kannel_like();
  s.extra.clear();
  s.sender_param.clear();
  built_request out;
  request_builder cannot(s);
  auto p = cannot.build({"4917612345678", "x", "", true, false}, out);
  REQUIRE(p);
  CHECK(p->field == "x-smpp-flash");
  CHECK(p->rule ==
        "asks for flash SMS, which this HTTP gateway cannot send (x-http-flash-param is not set)");
  p = cannot.build({"4917612345678", "x", "", false, true}, out);
  REQUIRE(p);
  CHECK(p->field == "x-smpp-overwrite");
  CHECK(p->rule ==
        "asks to overwrite a pending message, which this HTTP gateway cannot do "
        "(x-http-overwrite-param is not set)");

  s.flash = parameter{"mclass", "0"};
  s.overwrite = parameter{"replace", "1"};
  request_builder can(s);
  CHECK(build(can, {"4917612345678", "x", "", true, true}).url ==
        "http://127.0.0.1:13013/cgi-bin/sendsms?to=4917612345678&text=x&mclass=0&replace=1");
  CHECK(build(can, {"4917612345678", "x", "", false, false}).url ==
        "http://127.0.0.1:13013/cgi-bin/sendsms?to=4917612345678&text=x");
}

TEST_CASE("bad user data is refused naming the key") {
  request_builder b(kannel_like());
  built_request out;
  auto p = b.build({"0176 123", "x", "", false, false}, out);
  REQUIRE(p);
  CHECK(p->field == "_smsDestNumber");
  p = b.build({"4917612345678", "\xC3\x28", "", false, false}, out);
  REQUIRE(p);
  CHECK(p->field == "_smsText");
  CHECK(p->rule == "is not valid UTF-8");
  p = b.build({"4917612345678", "x", "\xFF", false, false}, out);
  REQUIRE(p);
  CHECK(p->field == "_smsSrcNumber");
}

TEST_CASE("describe masks passwords and the URL's secrets, and shows user data as told") {
  request_settings s = kannel_like();
  s.url = "https://bob:pw@api.example.com/send?token=abc123";
  request_builder b(s);
  sms_message m{"+4917612345678", "Hi there", "12345", false, false};
  const std::string line = b.describe(m, plain);
  CHECK(line ==
        "GET https://bob:********@api.example.com/send?token=********&to=4917612345678&text=Hi "
        "there&from=12345&username=tester&password=********");
  const std::string hidden = b.describe(m, [](std::string_view key, std::string_view) {
    return key == "_smsText" ? std::string("****") : std::string("#");
  });
  CHECK(hidden.find("text=****") != std::string::npos);
  CHECK(hidden.find("Hi there") == std::string::npos);
  CHECK(hidden.find("4917612345678") == std::string::npos);

  s.verb = method::post;
  CHECK(request_builder(s).describe(m, plain) ==
        "POST https://bob:********@api.example.com/send?token=******** to=4917612345678&text=Hi "
        "there&from=12345&username=tester&password=********");
}

TEST_CASE("the builder's secrets cover password parameters and the URL's") {
  request_settings s = kannel_like();
  s.url = "https://bob:pw99@api.example.com/send?token=abc123";
  request_builder b(s);
  CHECK(b.secrets().masked("x s3cr&t pw s3cr%26t+pw abc123 pw99") ==
        "x ******** ******** ******** ********");
  CHECK(b.secrets().masked("tester") == "tester");  // not a password parameter
}
