#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "host/cfg_file.hpp"
#include "host/routing.hpp"

using smsdrv::host::inbound_router;
using smsdrv::host::parse_cfg;

namespace {

inbound_router router(const std::string& options) {
  const auto cfg = parse_cfg("[channel-a]\n" + options, "r.cfg");
  return inbound_router(cfg.sections.at(0), cfg.source);
}

std::string config_error(const std::string& options) {
  try {
    router(options);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("routing: paging only", "[routing]") {
  const auto r = router("inbound-route = 101:sms_endpoint\n");
  const auto picked = r.pick("4917612345678", "hello");
  CHECK(picked.endpoint == "101:sms_endpoint");
  CHECK(picked.mode == "paging");
}

TEST_CASE("routing: chat by address or by text", "[routing]") {
  const auto r = router(
      "inbound-route = 101:sms_endpoint ,101:chat_endpoint\n"
      "session-by-address = ^\\+?4917\n"
      "session-by-text = ^[Cc]hat\\b\n");
  CHECK(r.pick("+4917612345678", "hello").mode == "chat");
  CHECK(r.pick("+4917612345678", "hello").endpoint == "101:chat_endpoint");
  CHECK(r.pick("4930123", "Chat please").mode == "chat");
  CHECK(r.pick("4930123", "chatter").mode == "paging");
  CHECK(r.pick("4930123", "hello").endpoint == "101:sms_endpoint");
}

TEST_CASE("routing: a second endpoint alone does not make chat", "[routing]") {
  const auto r = router("inbound-route = 1:sms, 1:chat\n");
  CHECK(r.pick("4917", "chat").mode == "paging");
}

TEST_CASE("routing: no inbound-route", "[routing]") {
  const auto r = router("x-smpp-host = h\n");
  CHECK_FALSE(r.has_route());
  CHECK(r.pick("1", "t").endpoint.empty());
  CHECK(r.pick("1", "t").mode == "paging");
}

TEST_CASE("routing: long texts", "[routing]") {
  const auto r = router("inbound-route = 1:sms, 1:chat\nsession-by-text = ^.*chat.*$\n");
  CHECK(r.pick("1", std::string(100000, 'a') + "chat").mode == "chat");
  CHECK(r.pick("1", std::string(100000, 'a')).mode == "paging");
  CHECK_FALSE(r.pick("1", std::string(100000, 'a')).regex_gave_up);
}

TEST_CASE("routing: a regex too complex for the input counts as no match", "[routing]") {
  const auto r = router("inbound-route = 1:sms, 1:chat\nsession-by-text = ^(a|b)*c$\n");
  const auto picked = r.pick("1", std::string(100000, 'a') + "c");
  CHECK(picked.mode == "paging");
  CHECK(picked.regex_gave_up);
  CHECK(r.pick("1", "abac").mode == "chat");
}

TEST_CASE("routing: configuration errors name file:line, option, value and rule", "[routing]") {
  CHECK(config_error("inbound-route = 101:sms\nsession-by-address = ^49\n") ==
        "r.cfg:3: [channel-a] session-by-address = \"^49\": a session regex needs a chat-session "
        "endpoint: give inbound-route a second endpoint, e.g. 101:sms_endpoint, "
        "101:chat_endpoint");
  CHECK(config_error("session-by-text = x\n") ==
        "r.cfg:2: [channel-a] session-by-text = \"x\": a session regex needs a chat-session "
        "endpoint: give inbound-route a second endpoint, e.g. 101:sms_endpoint, "
        "101:chat_endpoint");
  CHECK(config_error("inbound-route = sms_endpoint\n") ==
        "r.cfg:2: [channel-a] inbound-route = \"sms_endpoint\": 'sms_endpoint' is not an "
        "endpoint; expected <tenant>:<endpoint> (paging) or <tenant>:<endpoint>, "
        "<tenant>:<endpoint> (paging, chat session), e.g. 101:sms_endpoint");
  CHECK(config_error("inbound-route = 1:a, 1:b, 1:c\n").find("too many endpoints") !=
        std::string::npos);
  CHECK(config_error("inbound-route = 1:a,\n").find("'' is not an endpoint") != std::string::npos);
  CHECK(config_error("inbound-route = t1:sms\n").find("'t1:sms' is not an endpoint") !=
        std::string::npos);
  CHECK(config_error("inbound-route = 1:sms endpoint\n").find("'1:sms endpoint' is not") !=
        std::string::npos);
  const auto bad_regex = config_error("inbound-route = 1:a, 1:b\nsession-by-text = (unclosed\n");
  CHECK(bad_regex.rfind("r.cfg:3: [channel-a] session-by-text = \"(unclosed\": not a valid regex: ",
                        0) == 0);
}
