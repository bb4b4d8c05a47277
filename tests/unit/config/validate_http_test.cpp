// [channel-<name>] sections of x-gateway-type = http: the x-http-* options, their rules, and
// what an HTTP channel no longer needs (the SMPP options).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/option_table.hpp"
#include "config/validate.hpp"
#include "section_builder.hpp"

using namespace smsdrv::config;
using namespace std::chrono_literals;
using smsdrv::config::test::section_builder;

namespace {

using list = std::vector<std::string>;

// The options every HTTP channel needs, so that a test can look at one other option alone.
section_builder http_channel(std::initializer_list<std::pair<std::string, std::string>> kv) {
  section_builder s("channel-gw",
                    {{"x-gateway-type", "http"},
                     {"x-http-url", "https://api.example.com/send"},
                     {"x-http-destination-param", "to"},
                     {"x-http-message-param", "text"}},
                    "gw.cfg", 1);
  for (const auto& [k, v] : kv)
    s.add(k, v);
  return s;
}

channel_settings settings_of(section_builder s) {
  auto r = validate_channel_section(s.view());
  CAPTURE(r.errors, r.warnings);
  REQUIRE(r.ok());
  return *r.settings;
}

validation_result<channel_settings> validated(section_builder s) {
  return validate_channel_section(s.view());
}

}  // namespace

TEST_CASE("an HTTP channel needs its URL and parameter names, not the SMPP options") {
  auto r = validated(http_channel({}));
  CAPTURE(r.errors);
  REQUIRE(r.ok());
  CHECK(r.warnings.empty());
  const channel_settings& c = *r.settings;
  CHECK(c.gateway == gateway_type::http);
  CHECK(c.http_method_used == http_method::post);
  CHECK(c.http_url == "https://api.example.com/send");
  CHECK(c.http_destination_param == "to");
  CHECK(c.http_message_param == "text");
  CHECK(c.http_sender_param.empty());
  CHECK(c.http_space_encoding_used == http_space_encoding::plus);
  CHECK(c.http_params.empty());
  CHECK(c.http_success_contains.empty());
  CHECK_FALSE(c.http_flash);
  CHECK(c.http_tls_verification == tls_verification::full);
  CHECK(c.http_connect_timeout == 10s);
  CHECK(c.http_request_timeout == 30s);
  CHECK(c.http_max_concurrent_requests == 10);
  CHECK(c.http_max_rate == 10);
  CHECK(c.http_queue_size == 10000);
  CHECK(c.http_keep_alive);
  CHECK(c.http_keep_alive_idle == 4s);
  CHECK(c.http_on_outcome_unknown == in_flight_action::fail);
  CHECK(c.http_io_threads == 0);

  section_builder empty("channel-gw", {{"x-gateway-type", "http"}}, "gw.cfg", 3);
  CHECK(validated(empty).errors ==
        list{"gw.cfg: [channel-gw] x-http-url: required option is missing",
             "gw.cfg: [channel-gw] x-http-destination-param: required option is missing",
             "gw.cfg: [channel-gw] x-http-message-param: required option is missing"});
  // An SMPP channel (the default) does not need the HTTP ones.
  section_builder smpp("channel-sms1", {{"x-smpp-host", "h"}, {"x-smpp-system-id", "e"}});
  CHECK(validated(smpp).ok());
  CHECK(settings_of(smpp).gateway == gateway_type::smpp);
}

TEST_CASE("every field of the usual generic HTTP(s) SMS plugin has an option (docs/http.md)") {
  channel_settings c = settings_of(http_channel({
      {"x-http-method", "get"},
      {"x-http-sender-param", "from"},
      {"x-http-space-encoding", "%20"},
      {"x-http-param-2", "type=text"},
      {"x-http-password-param-1", "password=s3cr=t pw"},
      {"x-http-param-10", "user=me"},
      {"x-http-success-contains", "0: Accepted"},
      {"x-http-message-id-regex", "id: ([0-9a-f-]+)"},
      {"x-http-flash", "true"},
      {"x-http-flash-param", "mclass=0"},
      {"x-http-overwrite-param", "replace=1"},
      {"x-http-proxy-url", "http://proxy.example.com"},
      {"x-http-proxy-port", "3128"},
      {"x-http-proxy-user", "proxyuser"},
      {"x-http-proxy-password", "proxypw"},
      {"x-http-connect-timeout", "5"},
      {"x-http-request-timeout", "60"},
      {"x-http-max-concurrent-requests", "32"},
      {"x-http-max-rate", "500"},
      {"x-http-keep-alive", "no"},
      {"x-http-on-outcome-unknown", "resubmit"},
  }));
  CHECK(c.http_method_used == http_method::get);
  CHECK(c.http_sender_param == "from");
  CHECK(c.http_space_encoding_used == http_space_encoding::percent20);
  // By N, and the value is everything after the first '='.
  CHECK(c.http_params == std::vector<http_param>{{1, "password", "s3cr=t pw", true},
                                                 {2, "type", "text", false},
                                                 {10, "user", "me", false}});
  CHECK(c.http_success_contains == "0: Accepted");
  CHECK(c.http_message_id_regex == "id: ([0-9a-f-]+)");
  CHECK(c.http_flash);
  CHECK(c.http_flash_param == "mclass=0");
  CHECK(c.http_overwrite_param == "replace=1");
  CHECK(c.http_proxy_url == "http://proxy.example.com");
  CHECK(c.http_proxy_port == 3128);
  CHECK(c.http_proxy_user == "proxyuser");
  CHECK(c.http_proxy_password == "proxypw");
  CHECK(c.http_connect_timeout == 5s);
  CHECK(c.http_request_timeout == 60s);
  CHECK(c.http_max_concurrent_requests == 32);
  CHECK(c.http_max_rate == 500);
  CHECK_FALSE(c.http_keep_alive);
  CHECK(c.http_on_outcome_unknown == in_flight_action::resubmit);
}

TEST_CASE("x-http-io-threads: 0 to 16 threads of the channel's own; anything else named") {
  CHECK(settings_of(http_channel({{"x-http-io-threads", "3"}})).http_io_threads == 3);
  CHECK(settings_of(http_channel({{"x-http-io-threads", "16"}})).http_io_threads == 16);
  CHECK(validated(http_channel({{"x-http-io-threads", "17"}})).errors ==
        list{"gw.cfg:5: [channel-gw] x-http-io-threads = '17': must be a whole "
             "number from 0 to 16"});
  CHECK(validated(http_channel({{"x-http-io-threads", "-1"}})).errors ==
        list{"gw.cfg:5: [channel-gw] x-http-io-threads = '-1': must be a whole "
             "number from 0 to 16"});
  CHECK(validated(http_channel({{"x-http-io-threads", "two"}})).errors ==
        list{"gw.cfg:5: [channel-gw] x-http-io-threads = 'two': must be a whole "
             "number from 0 to 16"});
}

TEST_CASE("a URL with more than one query parameter is refused, named masked, with the rule") {
  auto r = validated(http_channel({}));
  section_builder s("channel-gw",
                    {{"x-gateway-type", "http"},
                     {"x-http-url", "https://api.example.com/send?token=T0k3n&user=bob"},
                     {"x-http-destination-param", "to"},
                     {"x-http-message-param", "text"}},
                    "gw.cfg", 1);
  r = validated(s);
  CHECK(r.errors ==
        list{"gw.cfg:2: [channel-gw] x-http-url = "
             "'https://api.example.com/send?token=********&user=********': carries 2 query "
             "parameters; at most one is allowed (such as an access token, which stays first): "
             "give the others as x-http-param-<N>"});
  s.values[1] = "ftp://x/";
  CHECK(validated(s).errors ==
        list{"gw.cfg:2: [channel-gw] x-http-url = 'ftp://x/': must start with http:// or "
             "https://"});
}

TEST_CASE("extra parameters: <name>=<value>, N from 1 to 99, no N or name twice") {
  auto errors = [](std::initializer_list<std::pair<std::string, std::string>> kv) {
    return validated(http_channel(kv)).errors;
  };
  CHECK(errors({{"x-http-param-1", "user = me"}}) ==
        list{"gw.cfg:5: [channel-gw] x-http-param-1 = 'user = me': must be <name>=<value> with a "
             "name of printable characters and no blanks (write it without blanks around '=')"});
  CHECK(errors({{"x-http-param-1", "novalue"}}) ==
        list{"gw.cfg:5: [channel-gw] x-http-param-1 = 'novalue': must be <name>=<value>, e.g. "
             "user=myaccount"});
  CHECK(errors(
            {{"x-http-param-0", "a=1"}, {"x-http-param-100", "b=1"}, {"x-http-param-07", "c=1"}}) ==
        list{"gw.cfg:5: [channel-gw] x-http-param-0 = 'a=1': the <N> of x-http-param-<N> must be a "
             "whole number from 1 to 99 without leading zeros",
             "gw.cfg:6: [channel-gw] x-http-param-100 = 'b=1': the <N> of x-http-param-<N> must be "
             "a whole number from 1 to 99 without leading zeros",
             "gw.cfg:7: [channel-gw] x-http-param-07 = 'c=1': the <N> of x-http-param-<N> must be "
             "a whole number from 1 to 99 without leading zeros"});
  CHECK(errors({{"x-http-param-3", "a=1"}, {"x-http-password-param-3", "pw=s3cret"}}) ==
        list{"gw.cfg:6: [channel-gw] x-http-password-param-3 = '********': x-http-param-3 is given "
             "too; x-http-param-<N> and x-http-password-param-<N> share their numbers, so use "
             "another N"});
  CHECK(errors({{"x-http-param-1", "to=x"}}) ==
        list{"gw.cfg:5: [channel-gw] x-http-param-1 = 'to=x': the parameter 'to' is "
             "x-http-destination-param already"});
  CHECK(errors({{"x-http-param-1", "a=x"}, {"x-http-password-param-2", "a=y"}}) ==
        list{"gw.cfg:6: [channel-gw] x-http-password-param-2 = '********': the parameter 'a' is "
             "x-http-param-1 already"});
  CHECK(errors({{"x-http-param-4", "a=1"}, {"x-http-param-4", "b=1"}}) ==
        list{"gw.cfg:6: [channel-gw] x-http-param-4 = 'b=1': given twice (lines 5 and 6); keep "
             "one"});
  // Empty: not set.
  CHECK(errors({{"x-http-param-5", ""}}).empty());
}

TEST_CASE("password values never appear in a message, also in a URL") {
  const std::string secret = "Pa55-w0rd";
  auto r = validated(http_channel({{"x-http-password-param-1", "pw"},  // malformed
                                   {"x-http-password-param-2", "key=" + secret},
                                   {"x-http-password-param-2", "key=" + secret},
                                   {"x-http-proxy-password", secret},
                                   {"x-http-tls-certificate-file-password", secret},
                                   {"x-smpp-host", secret},
                                   {"x-http-pasword-param-3", "k=" + secret}}));
  CHECK_FALSE(r.errors.empty());
  for (const auto& m : r.errors) {
    CAPTURE(m);
    CHECK(m.find(secret) == std::string::npos);
  }
  for (const auto& m : r.warnings) {
    CAPTURE(m);
    CHECK(m.find(secret) == std::string::npos);
  }
  section_builder url("channel-gw",
                      {{"x-gateway-type", "http"},
                       {"x-http-url", "https://bob:" + secret + "@h/send?k=" + secret + "&x=1"},
                       {"x-http-destination-param", "to"},
                       {"x-http-message-param", "text"}});
  r = validated(url);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].find(secret) == std::string::npos);
  CHECK(r.errors[0].starts_with(
      "[channel-gw] x-http-url = 'https://bob:********@h/send?k=********&x=********'"));
}

TEST_CASE("flash and overwrite need their parameter; the proxy its port, once") {
  CHECK(validated(http_channel({{"x-http-flash", "true"}})).errors ==
        list{"gw.cfg:5: [channel-gw] x-http-flash = 'true': needs x-http-flash-param: the "
             "parameter that asks this gateway for it"});
  CHECK(validated(http_channel({{"x-http-overwrite", "yes"}})).errors ==
        list{"gw.cfg:5: [channel-gw] x-http-overwrite = 'true': needs x-http-overwrite-param: "
             "the parameter that asks this gateway for it"});
  CHECK(validated(http_channel({{"x-http-proxy-url", "proxy.example.com"}})).errors ==
        list{"gw.cfg:5: [channel-gw] x-http-proxy-url = 'proxy.example.com': has no port: give "
             "it in the URL (http://proxy:3128) or as x-http-proxy-port"});
  CHECK(validated(
            http_channel({{"x-http-proxy-url", "http://p:3128"}, {"x-http-proxy-port", "8080"}}))
            .errors ==
        list{"gw.cfg:6: [channel-gw] x-http-proxy-port = '8080': differs from the port 3128 in "
             "x-http-proxy-url; give the port once"});
  CHECK(validated(http_channel({{"x-http-proxy-user", "u"}})).errors ==
        list{"gw.cfg:5: [channel-gw] x-http-proxy-user: has no effect without x-http-proxy-url; "
             "set x-http-proxy-url or remove this option"});
  CHECK(validated(
            http_channel({{"x-http-proxy-url", "http://p:3128"}, {"x-http-proxy-password", "pw"}}))
            .errors ==
        list{"gw.cfg:6: [channel-gw] x-http-proxy-password: needs x-http-proxy-user: Basic "
             "authentication sends both"});
  CHECK(validated(http_channel({{"x-http-proxy-url", "http://u:p@proxy:3128"}})).errors ==
        list{"gw.cfg:5: [channel-gw] x-http-proxy-url = 'http://u:********@proxy:3128': must not "
             "carry a user or password: give them as x-http-proxy-user and x-http-proxy-password"});
  CHECK(validated(http_channel({{"x-http-message-id-regex", "(a"}})).errors.size() == 1);
}

TEST_CASE("options of the other gateway type are ignored, pointed out when set") {
  auto r = validated(http_channel({{"x-smpp-host", "smsc.example.com"},
                                   {"x-smpp-port", "2775"},  // its default: quiet
                                   {"password", "secret"}}));
  CHECK(r.ok());
  CHECK(r.warnings ==
        list{"gw.cfg:5: [channel-gw] x-smpp-host: ignored: x-gateway-type is http, and this "
             "option configures SMPP gateways",
             "gw.cfg:7: [channel-gw] password: ignored: x-gateway-type is http, and this option "
             "configures SMPP gateways"});
  section_builder smpp("channel-sms1", {{"x-smpp-host", "h"},
                                        {"x-smpp-system-id", "e"},
                                        {"x-http-url", "https://h/"},
                                        {"x-http-method", "POST"}});
  r = validated(smpp);
  CHECK(r.ok());
  CHECK(r.warnings ==
        list{"[channel-sms1] x-http-url: ignored: x-gateway-type is smpp (the default), and this "
             "option configures HTTP gateways; set x-gateway-type = http to use it"});
  // TLS options with an http:// gateway.
  section_builder plain("channel-gw", {{"x-gateway-type", "http"},
                                       {"x-http-url", "http://h/send"},
                                       {"x-http-destination-param", "to"},
                                       {"x-http-message-param", "text"},
                                       {"x-http-tls-path-to-certificate", "ca.p12"}});
  r = validated(plain);
  CHECK(r.ok());
  CHECK(r.warnings ==
        list{"[channel-gw] x-http-tls-path-to-certificate: ignored: x-http-url is http://, so the "
             "gateway is reached without TLS (use https:// for TLS)"});
  // A bad x-gateway-type: its error, and no kind's options are asked for.
  section_builder bad("channel-gw", {{"x-gateway-type", "htp"}});
  CHECK(validated(bad).errors ==
        list{"[channel-gw] x-gateway-type = 'htp': must be one of smpp, http"});
}

TEST_CASE("a failover channel is another section") {
  auto r = validated(http_channel({{"x-failover-channel", "channel-backup"}}));
  CHECK(r.ok());
  REQUIRE(r.settings);
  CHECK(r.settings->failover_channel == "channel-backup");
  r = validated(http_channel({{"x-failover-channel", "channel-gw"}}));
  CHECK_FALSE(r.ok());
  r = validated(http_channel({{"x-failover-channel", "backup"}}));
  CHECK(r.errors ==
        list{"gw.cfg:5: [channel-gw] x-failover-channel = 'backup': must name another channel "
             "section: channel-<name>"});
}
