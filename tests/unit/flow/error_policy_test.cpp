#include "flow/error_policy.hpp"

#include <catch2/catch.hpp>

#include "smpp/command_status.hpp"

using namespace smsdrv::flow;
using namespace std::chrono_literals;
namespace cs = smsdrv::smpp::command_status;

namespace {

error_policy parsed(std::string_view spec) {
  auto r = error_policy::parse(spec);
  if (auto* e = std::get_if<error_policy_error>(&r)) FAIL("unexpected error: " << e->message());
  return std::get<error_policy>(r);
}

std::string error_of(std::string_view spec) {
  auto r = error_policy::parse(spec);
  if (auto* e = std::get_if<error_policy_error>(&r)) return e->message();
  return "<parsed>";
}

}  // namespace

TEST_CASE("error policy: the defaults") {
  const error_policy p;
  const error_rule throttled = p.rule_for(cs::esme_rthrottled);
  CHECK(throttled.action == error_action::pause);
  CHECK(throttled.delay == 10ms);
  CHECK(throttled.max_delay == 30s);
  CHECK(throttled.retries == 12);
  const error_rule queue_full = p.rule_for(cs::esme_rmsgqful);
  CHECK(queue_full.action == error_action::pause);
  CHECK(queue_full.delay == 10s);
  CHECK(queue_full.max_delay == 120s);
  CHECK(queue_full.retries == 5);
  const error_rule syserr = p.rule_for(cs::esme_rsyserr);
  CHECK(syserr.action == error_action::retry);
  CHECK(syserr.retries == 3);
  CHECK(syserr.delay == 1s);
  const error_rule other = p.rule_for(cs::esme_rinvdstadr);
  CHECK(other.action == error_action::fail);
  CHECK(other.command_status == cs::esme_rinvdstadr);
  CHECK(p.to_string() ==
        "ESME_RSYSERR: retry 3 after 1s, ESME_RMSGQFUL: pause 10s-2min retry 5, "
        "ESME_RTHROTTLED: pause 10ms-30s retry 12");
  CHECK(parsed(default_error_policy).rules() == p.rules());
  CHECK(parsed("").rules() == p.rules());
  CHECK(parsed("  \t ").rules() == p.rules());
}

TEST_CASE("error policy: rules apply over the defaults") {
  const error_policy p = parsed(
      "esme_rthrottled : pause 500ms retry 3; ESME_RINVDSTADR: retry 2, 0x00000401: retry 1 "
      "after 2min, 1060: fail,ESME_RSYSERR:fail");
  CHECK(p.rule_for(cs::esme_rthrottled) ==
        error_rule{cs::esme_rthrottled, error_action::pause, 3, 500ms, 500ms});
  CHECK(p.rule_for(cs::esme_rinvdstadr) ==
        error_rule{cs::esme_rinvdstadr, error_action::retry, 2, 0ms, 0ms});
  CHECK(p.rule_for(0x401) == error_rule{0x401, error_action::retry, 1, 120s, 0ms});
  CHECK(p.rule_for(1060).action == error_action::fail);
  CHECK(p.rule_for(cs::esme_rsyserr).action == error_action::fail);
  CHECK(p.rule_for(cs::esme_rmsgqful).action == error_action::pause);  // default kept
  // The text form reads back to the same policy.
  CHECK(parsed(p.to_string()).rules() == p.rules());
  CHECK(parsed("ESME_RMSGQFUL: PAUSE 1 min - 5 min").rule_for(cs::esme_rmsgqful) ==
        error_rule{cs::esme_rmsgqful, error_action::pause, 10, 60s, 300s});
}

TEST_CASE("error policy: mistakes are refused with the column and the reason") {
  CHECK(error_of("ESME_RTHROTTLED pause 1s") == "column 17: expected ':' after ESME_RTHROTTLED");
  CHECK(error_of("ESME_RTHROTTLE: fail") ==
        "column 1: unknown command_status 'ESME_RTHROTTLE': use the SMPP v3.4 name "
        "(ESME_RTHROTTLED, ESME_RMSGQFUL, ...) or the number");
  CHECK(error_of("ESME_ROK: fail") ==
        "column 1: ESME_ROK (0) is success, not an error; it cannot have a rule");
  CHECK(error_of("0x58: fail, ESME_RTHROTTLED: retry 1") ==
        "column 13: ESME_RTHROTTLED given twice; keep one rule per status");
  CHECK(error_of("ESME_RSYSERR: again") ==
        "column 15: expected an action after 'ESME_RSYSERR:': fail, retry N [after D], or pause "
        "D[-D] [retry N]");
  CHECK(error_of("ESME_RSYSERR: retry") ==
        "column 20: expected the number of retries after 'retry': 1 to 100");
  CHECK(error_of("ESME_RSYSERR: retry 101") ==
        "column 21: expected the number of retries after 'retry': 1 to 100");
  CHECK(error_of("ESME_RSYSERR: retry 0") ==
        "column 21: expected the number of retries after 'retry': 1 to 100");
  CHECK(error_of("ESME_RSYSERR: retry 2 after 5") ==
        "column 30: a duration needs a unit: ms, s or min (e.g. 5s)");
  CHECK(error_of("ESME_RSYSERR: retry 2 after 2h") ==
        "column 30: a duration needs a unit: ms, s or min (e.g. 2s)");
  CHECK(error_of("ESME_RSYSERR: retry 2 after 61min") == "column 29: 61min is outside 0s to 60min");
  CHECK(error_of("ESME_RTHROTTLED: pause 5ms") == "column 24: 5ms is outside 10ms to 60min");
  CHECK(error_of("ESME_RTHROTTLED: pause") ==
        "column 23: expected a duration after 'pause' (e.g. 500ms, 2s, 1min; 10ms to 60min)");
  CHECK(error_of("ESME_RTHROTTLED: pause 30s-1s") ==
        "column 28: the longest pause (1s) is shorter than the first (30s)");
  CHECK(error_of("ESME_RTHROTTLED: fail ESME_RSYSERR: fail") ==
        "column 23: unexpected 'ESME_RSYSERR' after the rule for ESME_RTHROTTLED; rules are "
        "separated by ',' or ';'");
  CHECK(error_of("ESME_RTHROTTLED: fail,") ==
        "column 23: expected a command_status: a spec name such as ESME_RTHROTTLED, or a number "
        "such as 0x00000401");
  CHECK(error_of("0x1FFFFFFFF: fail") ==
        "column 1: '0x1FFFFFFFF' is not a command_status number (decimal, or hex with 0x, at "
        "most 0xFFFFFFFF)");
  CHECK(error_of("é: fail") ==
        "column 1: expected a command_status: a spec name such as ESME_RTHROTTLED, or a number "
        "such as 0x00000401");
  CHECK(error_of("ESME_RSYSERR: retry 1, é") ==
        "column 24: expected a command_status: a spec name such as ESME_RTHROTTLED, or a number "
        "such as 0x00000401");
}
