#include "http/gateway_url.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::http;

namespace {

gateway_url ok(std::string_view text) {
  auto r = parse_gateway_url(text);
  if (auto* p = std::get_if<std::string>(&r)) FAIL(*p);
  return std::get<gateway_url>(r);
}

std::string problem(std::string_view text) {
  auto r = parse_gateway_url(text);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("an SMS URL is http or https with a host, a port, a path and one query parameter") {
  gateway_url u = ok("https://api.example.com/http/sendmsg");
  CHECK(u.https);
  CHECK(u.host == "api.example.com");
  CHECK(u.port == 443);
  CHECK_FALSE(u.has_query);

  u = ok("http://127.0.0.1:13013/cgi-bin/sendsms?token=abc");
  CHECK_FALSE(u.https);
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 13013);
  CHECK(u.has_query);

  u = ok("HTTP://[::1]:8080/send");
  CHECK(u.host == "[::1]");
  CHECK(u.port == 8080);
  CHECK(ok("http://h/p?").has_query == false);  // an empty query is no parameter
  CHECK(ok("http://h/p?token").has_query);      // a bare token is one
  CHECK(ok("https://user:pw@h/").host == "h");
}

TEST_CASE("more than one query parameter is refused with the rule") {
  CHECK(problem("https://api.example.com/send?a=1&b=2") ==
        "carries 2 query parameters; at most one is allowed (such as an access token, which "
        "stays first): give the others as x-http-param-<N>");
  CHECK(problem("https://api.example.com/send?a=1&b=2&c").starts_with("carries 3 "));
}

TEST_CASE("what is not an http(s) URL with a host is refused") {
  CHECK(problem("ftp://example.com/x") == "must start with http:// or https://");
  CHECK(problem("api.example.com/send").starts_with("must be a URL"));
  CHECK(problem("http:///send") == "must name the gateway's host (http(s)://host/...)");
  CHECK(problem("http://h/send#frag") == "must not have a fragment ('#...')");
  CHECK(problem("http://h/a b").starts_with("must be a URL"));
  CHECK(problem("http://h:0/") == "has a port that is not 1-65535");
  CHECK(problem("http://h:99999/") == "has a port that is not 1-65535");
  CHECK(problem("").starts_with("must be a URL"));
}

TEST_CASE("a proxy is a bare host or an http(s) URL without path, query or credentials") {
  auto ok_proxy = [](std::string_view text) {
    auto r = parse_proxy_url(text);
    if (auto* p = std::get_if<std::string>(&r)) FAIL(*p);
    return std::get<proxy_url>(r);
  };
  CHECK(ok_proxy("proxy.example.com").host == "proxy.example.com");
  CHECK(ok_proxy("proxy.example.com").port == 0);
  CHECK(ok_proxy("http://proxy:3128").port == 3128);
  CHECK(ok_proxy("http://proxy:3128/").port == 3128);
  CHECK(ok_proxy("https://proxy:8443").https);
  auto bad = [](std::string_view text) { return std::get<std::string>(parse_proxy_url(text)); };
  CHECK(bad("http://u:p@proxy:3128").starts_with("must not carry a user or password"));
  CHECK(bad("http://proxy:3128/path") ==
        "must be the proxy alone, without a path, query or fragment");
  CHECK(bad("socks5://proxy:1080").starts_with("must be an HTTP proxy"));
}

TEST_CASE("masked_url hides query values and the password of user information") {
  CHECK(masked_url("https://api.example.com/send?token=abc123") ==
        "https://api.example.com/send?token=********");
  CHECK(masked_url("https://bob:s3cret@api.example.com:8443/send?abc123") ==
        "https://bob:********@api.example.com:8443/send?********");
  CHECK(masked_url("https://api.example.com/send?a=1&b=2#frag") ==
        "https://api.example.com/send?a=********&b=********");
  CHECK(masked_url("https://api.example.com/send") == "https://api.example.com/send");
  // Not a URL: only the start, up to where a secret could begin.
  CHECK(masked_url("http://bob:s3cr et@host/") == "http://bob********");
  CHECK(masked_url("no url at all") == "no url at all");
  CHECK(masked_url("api.example.com/send?tok en=x") == "api.example.com********");
}
