// The x-shared-limits-* options: Redis URLs checked, each value refused with the option's name
// and rule, the password never shown, and an option that only means something with Redis refused
// when set without x-shared-limits-redis-url.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/option_table.hpp"
#include "config/option_value.hpp"
#include "config/redis_url.hpp"
#include "config/validate.hpp"
#include "section_builder.hpp"

using namespace smsdrv::config;
using smsdrv::config::test::channel;
using smsdrv::config::test::section_builder;

namespace {

std::string problem(std::string_view option, std::string_view raw) {
  const option_def* def = find_option(channel_options(), option);
  REQUIRE(def != nullptr);
  return check_value(*def, raw).problem;
}

}  // namespace

TEST_CASE("redis URLs: host, port 6379 and database 0 unless given; no user information") {
  auto ok = [](std::string_view text) {
    auto r = parse_redis_url(text);
    CAPTURE(text);
    REQUIRE(std::holds_alternative<redis_url>(r));
    return std::get<redis_url>(r);
  };
  auto bad = [](std::string_view text) {
    auto r = parse_redis_url(text);
    CAPTURE(text);
    REQUIRE(std::holds_alternative<std::string>(r));
    return std::get<std::string>(r);
  };
  CHECK(ok("redis://10.0.0.5").host == "10.0.0.5");
  CHECK(ok("redis://10.0.0.5").port == 6379);
  CHECK(ok("redis://redis.example.com:6380/3").port == 6380);
  CHECK(ok("redis://redis.example.com:6380/3").db == 3);
  CHECK(ok("redis://[::1]:7000").host == "::1");
  CHECK(ok("redis://h/").db == 0);
  CHECK(bad("http://h") == "must be redis://host[:port][/db], e.g. redis://10.0.0.5:6379/0");
  CHECK(bad("rediss://h") == "must be redis://: TLS to Redis (rediss://) is not supported");
  CHECK(bad("redis://:pw@h") ==
        "must not carry user information: the password goes in x-shared-limits-redis-password");
  CHECK(bad("redis://h:0") == "must give a port from 1 to 65535 after the ':'");
  CHECK(bad("redis://h:") == "must give a port from 1 to 65535 after the ':'");
  CHECK(bad("redis://h/16") == "must name a database 0-15 after the '/' (redis://host:port/0)");
  CHECK(bad("redis://:6379") == "must name the Redis host (redis://host[:port][/db])");
}

TEST_CASE("x-shared-limits-*: values checked by their rule") {
  CHECK(problem("x-shared-limits-redis-url", "redis://10.0.0.5:6379/0").empty());
  CHECK(problem("x-shared-limits-redis-url", "redis://h:99999") ==
        "must give a port from 1 to 65535 after the ':'");
  CHECK(problem("x-shared-limits-rate", "300").empty());
  CHECK_FALSE(problem("x-shared-limits-rate", "0").empty());
  CHECK_FALSE(problem("x-shared-limits-local-share", "101").empty());
  CHECK_FALSE(problem("x-shared-limits-lease-size", "many").empty());
  CHECK(problem("x-shared-limits-account", "operator-a").empty());
  CHECK(problem("x-shared-limits-reassembly", "off").empty());
  CHECK_FALSE(problem("x-shared-limits-reassembly", "sometimes").empty());
  CHECK(problem("x-shared-limits-window", "8").empty());
  CHECK(problem("x-shared-limits-window", "0").empty());
  CHECK_FALSE(problem("x-shared-limits-window", "-1").empty());
  CHECK_FALSE(problem("x-shared-limits-window", "100001").empty());
  CHECK_FALSE(problem("x-shared-limits-window", "eight").empty());
}

TEST_CASE("x-shared-limits-*: named in the error, the password never shown") {
  auto r = validate_channel_section(channel({{"x-shared-limits-redis-url", "redis://:pw1@h"},
                                             {"x-shared-limits-redis-password", "hunter22"},
                                             {"x-shared-limits-local-share", "0"}})
                                        .view());
  CHECK_FALSE(r.ok());
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].find("x-shared-limits-redis-url = 'redis://:********@h': must not carry user "
                         "information") != std::string::npos);
  CHECK(r.errors[1].find("x-shared-limits-local-share = '0': must be") != std::string::npos);
  for (const std::string& e : r.errors) {
    CHECK(e.find("pw1") == std::string::npos);
    CHECK(e.find("hunter22") == std::string::npos);
  }
  // Every option set: taken as given.
  auto set = validate_channel_section(channel({{"x-shared-limits-redis-url", "redis://h:6380/2"},
                                               {"x-shared-limits-redis-password", "hunter22"},
                                               {"x-shared-limits-account", "operator-a"},
                                               {"x-shared-limits-rate", "300"},
                                               {"x-shared-limits-local-share", "34"},
                                               {"x-shared-limits-lease-size", "10"},
                                               {"x-shared-limits-reassembly", "no"},
                                               {"x-shared-limits-window", "8"}})
                                          .view());
  REQUIRE(set.ok());
  CHECK(set.settings->shared_limits_redis_url == "redis://h:6380/2");
  CHECK(set.settings->shared_limits_rate == 300);
  CHECK(set.settings->shared_limits_local_share == 34);
  CHECK(set.settings->shared_limits_lease_size == 10);
  CHECK_FALSE(set.settings->shared_limits_reassembly);
  CHECK(set.settings->shared_limits_window == 8);
  // Left out, every default is valid and the channel limits itself.
  auto plain = validate_channel_section(channel({}).view());
  REQUIRE(plain.ok());
  CHECK(plain.settings->shared_limits_redis_url.empty());
  CHECK(plain.settings->shared_limits_local_share == 50);
  CHECK(plain.settings->shared_limits_lease_size == 20);
  CHECK(plain.settings->shared_limits_reassembly);
  CHECK(plain.settings->shared_limits_window == 0);
}

TEST_CASE("x-shared-limits-*: set without x-shared-limits-redis-url, refused by name") {
  const std::string rule =
      "needs x-shared-limits-redis-url: without Redis this channel limits itself and this option "
      "has no effect; set x-shared-limits-redis-url or remove this option";
  section_builder s("channel-sms1",
                    {{"x-smpp-host", "smsc.example.com"},
                     {"x-smpp-system-id", "esme1"},
                     {"x-shared-limits-redis-password", "hunter22"},
                     {"x-shared-limits-account", "operator-a"},
                     {"x-shared-limits-rate", "300"},
                     {"x-shared-limits-local-share", "34"},
                     {"x-shared-limits-lease-size", "10"},
                     {"x-shared-limits-window", "8"},
                     {"x-shared-limits-reassembly", "off"}},
                    "sms.cfg", 10);
  auto r = validate_channel_section(s.view());
  CHECK_FALSE(r.settings.has_value());
  CHECK(r.errors ==
        std::vector<std::string>{
            "sms.cfg:12: [channel-sms1] x-shared-limits-redis-password = '********': " + rule,
            "sms.cfg:13: [channel-sms1] x-shared-limits-account = 'operator-a': " + rule,
            "sms.cfg:14: [channel-sms1] x-shared-limits-rate = '300': " + rule,
            "sms.cfg:15: [channel-sms1] x-shared-limits-local-share = '34': " + rule,
            "sms.cfg:16: [channel-sms1] x-shared-limits-lease-size = '10': " + rule,
            "sms.cfg:17: [channel-sms1] x-shared-limits-window = '8': " + rule,
            "sms.cfg:18: [channel-sms1] x-shared-limits-reassembly = 'off': " + rule});
  for (const std::string& e : r.errors)
    CHECK(e.find("hunter22") == std::string::npos);
  // An empty URL is no URL.
  auto empty_url = validate_channel_section(
      channel({{"x-shared-limits-redis-url", ""}, {"x-shared-limits-window", "8"}}).view());
  REQUIRE(empty_url.errors.size() == 1);
  CHECK(empty_url.errors[0] == "[channel-sms1] x-shared-limits-window = '8': " + rule);
  // Every option at its default, written as the shipped file or otherwise spelt: accepted.
  auto defaults = validate_channel_section(channel({{"x-shared-limits-redis-password", ""},
                                                    {"x-shared-limits-account", ""},
                                                    {"x-shared-limits-rate", "10"},
                                                    {"x-shared-limits-local-share", "50"},
                                                    {"x-shared-limits-lease-size", "20"},
                                                    {"x-shared-limits-window", "0"},
                                                    {"x-shared-limits-reassembly", "yes"}})
                                               .view());
  CAPTURE(defaults.errors);
  CHECK(defaults.ok());
  // A URL refused on its own is reported once, not again for each option that needs it; a value
  // refused on its own, by its own rule only.
  auto bad_url = validate_channel_section(
      channel({{"x-shared-limits-redis-url", "http://h"}, {"x-shared-limits-window", "8"}}).view());
  REQUIRE(bad_url.errors.size() == 1);
  CHECK(bad_url.errors[0].find("x-shared-limits-redis-url = 'http://h': must be redis://") !=
        std::string::npos);
  auto bad_value = validate_channel_section(channel({{"x-shared-limits-window", "-1"}}).view());
  REQUIRE(bad_value.errors.size() == 1);
  CHECK(bad_value.errors[0].find("x-shared-limits-redis-url") == std::string::npos);
  // An HTTP gateway channel ignores the SMPP options with a warning, as before.
  auto http = validate_channel_section(
      section_builder("channel-web", {{"x-gateway-type", "http"},
                                      {"x-http-url", "https://api.example.com/s"},
                                      {"x-http-destination-param", "to"},
                                      {"x-http-message-param", "text"},
                                      {"x-shared-limits-window", "8"}})
          .view());
  CAPTURE(http.errors);
  CHECK(http.ok());
  REQUIRE(http.warnings.size() == 1);
  CHECK(http.warnings[0].find("x-shared-limits-window: ignored") != std::string::npos);
}
