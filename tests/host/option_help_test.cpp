// What the console's settings page learns from a driver's shipped options file
// (host/option_help.hpp), read from the real cfg/SmsMmsDriver.cfg and from small texts.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "host/option_help.hpp"

using smsdrv::host::option_help;
using smsdrv::host::read_option_help;

namespace {

std::string shipped_cfg() {
  std::ifstream in(std::string(PROJECT_SOURCE_DIR) + "/cfg/SmsMmsDriver.cfg", std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const option_help& find(const std::vector<option_help>& all, const std::string& name) {
  for (const auto& h : all)
    if (h.name == name) return h;
  FAIL("no option " << name);
  return all.front();
}

}  // namespace

TEST_CASE("option help: the shipped SmsMmsDriver.cfg, option by option", "[console]") {
  const auto all = read_option_help(shipped_cfg());
  REQUIRE(all.size() > 60);
  CHECK(all.front().name == "x-gateway-type");

  const auto& port = find(all, "x-smpp-port");
  CHECK(port.kind == option_help::value_kind::integer);
  CHECK(port.min == 1);
  CHECK(port.max == 65535);
  CHECK(port.default_value == "2775");
  CHECK(port.meaning == "TCP port of the SMSC");

  const auto& waiting = find(all, "x-smpp-response-max-waiting-time");
  CHECK(waiting.min == 1000);
  CHECK(waiting.max == 180000);
  CHECK(waiting.unit == "milliseconds");

  const auto& type = find(all, "x-gateway-type");
  CHECK(type.kind == option_help::value_kind::choice);
  CHECK(type.choices == std::vector<std::string>{"smpp", "http"});

  const auto& flash = find(all, "x-smpp-flash");
  CHECK(flash.kind == option_help::value_kind::boolean);
  CHECK(flash.default_value == "false");

  const auto& host = find(all, "x-smpp-host");
  CHECK_FALSE(host.default_value);
  CHECK(host.example == "smsc.example.com");
  CHECK(host.required == "SMPP");
  CHECK(host.kind == option_help::value_kind::text);

  const auto& password = find(all, "password");
  CHECK(password.secret);
  CHECK_FALSE(password.default_value);
  CHECK(password.meaning == "password of the bind (SMPP v3.4 §4.1: at most 8 characters)");

  CHECK(find(all, "inbound-route").host_option);
  CHECK(find(all, "x-http-url").required == "HTTP");
  // A quoted default comes back as the value it stands for.
  CHECK(find(all, "x-smpp-empty-message").default_value == " ");
  // Parentheses that do not give values stay in the meaning.
  CHECK(find(all, "x-failover-channel").meaning.ends_with("(docs/reliability.md)"));
  CHECK(find(all, "x-failover-channel").kind == option_help::value_kind::text);

  const auto& limits = find(all, "x-shared-limits-rate");
  CHECK(limits.supported);
  CHECK(limits.not_supported.empty());

  // The extra parameters are indexed families.
  const auto& param = find(all, "x-http-param-<N>");
  CHECK(param.family);
  CHECK(param.matches("x-http-param-1"));
  CHECK(param.matches("x-http-param-42"));
  CHECK_FALSE(param.matches("x-http-param-"));
  CHECK_FALSE(param.matches("x-http-param-01"));
  CHECK_FALSE(param.matches("x-http-param-1x"));
  const auto& secret_param = find(all, "x-http-password-param-<N>");
  CHECK(secret_param.family);
  CHECK(secret_param.secret);
}

TEST_CASE("option help: only the first channel section, blocks as written, CRLF", "[console]") {
  const std::string text =
      "# header\r\n\r\n[channel-x]\r\n# a port (1-9 seconds) [secret] [host option]\r\n"
      "p = 3\r\n\r\n# stray comment\r\n\r\n# no default (a, b)\r\n# q = a\r\n\r\n"
      "[channel-y]\r\n# other\r\nr = 1\r\n";
  const auto all = read_option_help(text);
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "p");
  CHECK(all[0].unit == "seconds");
  CHECK(all[0].secret);
  CHECK(all[0].host_option);
  CHECK(all[0].meaning == "a port");
  CHECK(all[1].name == "q");
  CHECK(all[1].choices == std::vector<std::string>{"a", "b"});
  CHECK(all[1].example == "a");
  CHECK(read_option_help("[settings]\n# x\ny = 1\n").empty());
}

TEST_CASE("option help: names that read like secrets", "[console]") {
  CHECK(smsdrv::host::looks_secret("x-proxy-password"));
  CHECK(smsdrv::host::looks_secret("api-token"));
  CHECK_FALSE(smsdrv::host::looks_secret("x-http-keep-alive"));
}
