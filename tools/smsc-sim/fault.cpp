#include "fault.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "smpp/command_status.hpp"

namespace smsdrv::sim {
namespace {

namespace cs = smpp::command_status;

bool parse_u64(std::string_view text, std::uint64_t& out) noexcept {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
  }
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && p == text.data() + text.size();
}

bool parse_bool(std::string_view text, bool& out) noexcept {
  if (text.empty() || text == "true" || text == "1" || text == "on") {
    out = true;
    return true;
  }
  if (text == "false" || text == "0" || text == "off") {
    out = false;
    return true;
  }
  return false;
}

std::string count_setter(std::uint64_t fault_config::*member, fault_config& f,
                         std::string_view value) {
  std::uint64_t n = 0;
  if (!parse_u64(value, n)) return "expected a count (0 turns it off)";
  f.*member = n;
  return {};
}

std::string switch_setter(bool fault_config::*member, fault_config& f, std::string_view value) {
  bool on = false;
  if (!parse_bool(value, on)) return "expected true or false";
  f.*member = on;
  return {};
}

// "N" or "N:STATUS".
std::string every_setter(std::uint64_t fault_config::*every, std::uint32_t fault_config::*status,
                         std::uint32_t default_status, fault_config& f, std::string_view value) {
  const auto colon = value.find(':');
  std::uint64_t n = 0;
  if (!parse_u64(value.substr(0, colon), n)) return "expected N or N:STATUS";
  std::uint32_t st = default_status;
  if (colon != std::string_view::npos && !parse_status(value.substr(colon + 1), st))
    return fmt::format("unknown command_status '{}'", value.substr(colon + 1));
  f.*every = n;
  f.*status = st;
  return {};
}

std::string set_delay(fault_config& f, std::string_view value) {
  const auto dash = value.find('-');
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  if (!parse_u64(value.substr(0, dash), lo)) return "expected D or MIN-MAX (milliseconds)";
  hi = lo;
  if (dash != std::string_view::npos && !parse_u64(value.substr(dash + 1), hi))
    return "expected D or MIN-MAX (milliseconds)";
  if (hi < lo) return "MIN-MAX: MAX is below MIN";
  f.delay_min = std::chrono::milliseconds(lo);
  f.delay_max = std::chrono::milliseconds(hi);
  return {};
}

std::string set_pace(fault_config& f, std::string_view value) {
  std::uint64_t ms = 0;
  if (!parse_u64(value, ms) || ms > 60'000)
    return "expected milliseconds, 0 to 60000 (0 turns it off)";
  f.pace = std::chrono::milliseconds(ms);
  return {};
}

std::string set_throttle(fault_config& f, std::string_view value) {
  std::uint64_t n = 0;
  if (!parse_u64(value, n) || n > 100'000'000) return "expected submissions per second";
  f.throttle = static_cast<std::uint32_t>(n);
  return {};
}

std::string set_refuse_binds(fault_config& f, std::string_view value) {
  std::uint32_t st = 0;
  if (value == "off") {
    f.refuse_binds = 0;
    return {};
  }
  if (value.empty() || value == "true") {
    f.refuse_binds = cs::esme_rbindfail;
    return {};
  }
  if (!parse_status(value, st)) return fmt::format("unknown command_status '{}'", value);
  f.refuse_binds = st;
  return {};
}

// "N" or "N:COMMAND", COMMAND a response other than the submission's own.
std::string set_wrong_response(fault_config& f, std::string_view value) {
  const auto colon = value.find(':');
  std::uint64_t n = 0;
  if (!parse_u64(value.substr(0, colon), n)) return "expected N or N:COMMAND";
  smpp::command_id id = smpp::command_id::deliver_sm_resp;
  if (colon != std::string_view::npos) {
    const std::string_view name = value.substr(colon + 1);
    bool found = false;
#define SMSDRV_SIM_RESPONSE_BY_NAME_(cmd, value, layout, response)          \
  if (!found && smpp::is_response(smpp::command_id::cmd) && name == #cmd && \
      smpp::command_id::cmd != smpp::command_id::generic_nack) {            \
    id = smpp::command_id::cmd;                                             \
    found = true;                                                           \
  }
    SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SIM_RESPONSE_BY_NAME_)
#undef SMSDRV_SIM_RESPONSE_BY_NAME_
    if (!found)
      return fmt::format("'{}' is not a response command (e.g. deliver_sm_resp, query_sm_resp)",
                         name);
  }
  f.wrong_response_every = n;
  f.wrong_response = id;
  return {};
}

std::string set_drip(fault_config& f, std::string_view value) {
  std::uint64_t ms = 0;
  if (!parse_u64(value, ms) || ms > 60'000)
    return "expected milliseconds per octet (0 turns it off)";
  f.drip = std::chrono::milliseconds(ms);
  return {};
}

#define SMSDRV_SIM_COUNT(member) \
  [](fault_config& f, std::string_view v) { return count_setter(&fault_config::member, f, v); }
#define SMSDRV_SIM_SWITCH(member) \
  [](fault_config& f, std::string_view v) { return switch_setter(&fault_config::member, f, v); }

constexpr std::array<fault_option, 17> options{{
    {"drop-after", "N", "close the connection when its Nth PDU arrives (not answered)",
     SMSDRV_SIM_COUNT(drop_after)},
    {"delay-ms", "D|MIN-MAX", "delay every response by D ms, or uniformly within MIN-MAX",
     set_delay},
    {"pace-ms", "D", "answer one response at a time, D ms after the previous one, in order",
     set_pace},
    {"throttle", "R", "ESME_RTHROTTLED above R submissions per sliding second (per account)",
     set_throttle},
    {"fail-every", "N[:STATUS]", "answer every Nth submission with STATUS (ESME_RSYSERR)",
     [](fault_config& f, std::string_view v) {
       return every_setter(&fault_config::fail_every, &fault_config::fail_status, cs::esme_rsyserr,
                           f, v);
     }},
    {"nack-every", "N[:STATUS]",
     "answer every Nth submission with generic_nack (ESME_RSYSERR) instead of its response",
     [](fault_config& f, std::string_view v) {
       return every_setter(&fault_config::nack_every, &fault_config::nack_status, cs::esme_rsyserr,
                           f, v);
     }},
    {"refuse-binds", "[STATUS]", "answer every bind with STATUS (ESME_RBINDFAIL); off: accept",
     set_refuse_binds},
    {"no-enquire-link-resp", "", "never answer enquire_link",
     SMSDRV_SIM_SWITCH(no_enquire_link_resp)},
    {"silent", "", "answer nothing and send nothing (a hung SMSC)", SMSDRV_SIM_SWITCH(silent)},
    {"no-submit-resp", "", "never answer submissions (the client must time out)",
     SMSDRV_SIM_SWITCH(no_submit_resp)},
    {"close-mid-pdu-after", "N", "after the Nth PDU, write half of the response and close",
     SMSDRV_SIM_COUNT(close_mid_pdu_after)},
    {"garbage-after", "N", "after the Nth PDU, send 16 octets with command_length 5",
     SMSDRV_SIM_COUNT(garbage_after)},
    {"unknown-command-after", "N", "after the Nth PDU, send a request with command_id 0x666",
     SMSDRV_SIM_COUNT(unknown_command_after)},
    {"unknown-seq-after", "N",
     "after the Nth PDU, send a submit_sm_resp with a sequence number never used",
     SMSDRV_SIM_COUNT(unknown_seq_after)},
    {"wrong-response-every", "N[:COMMAND]",
     "answer every Nth submission ESME_ROK with COMMAND (deliver_sm_resp) instead of its own "
     "response",
     set_wrong_response},
    {"unbind-with-responses", "N",
     "hold the responses of a connection's first N submissions, then write an unbind followed "
     "by them in one write",
     SMSDRV_SIM_COUNT(unbind_with_responses)},
    {"drip-ms", "D", "write every octet alone, D ms after the previous one (0: off)", set_drip},
}};

#undef SMSDRV_SIM_COUNT
#undef SMSDRV_SIM_SWITCH

std::string status_text(std::uint32_t st) {
  const std::string_view name = smpp::status_name(st);
  return name.empty() ? fmt::format("0x{:08X}", st) : std::string(name);
}

}  // namespace

std::span<const fault_option> fault_options() noexcept {
  return options;
}

static_assert(
    [] {
      for (std::size_t i = 0; i < one_shot_faults.size(); ++i)
        if (static_cast<std::size_t>(one_shot_faults[i].kind) != i) return false;
      return true;
    }(),
    "one_shot_faults is indexed by one_shot");

const one_shot_fault& one_shot_fault_of(one_shot kind) noexcept {
  return one_shot_faults[static_cast<std::size_t>(kind)];
}

void one_shot_triggers::arm(const one_shot_fault& f, const fault_config& faults,
                            std::uint64_t pdus_so_far) noexcept {
  const std::uint64_t after = faults.*(f.after);
  at_[static_cast<std::size_t>(f.kind)] = after == 0 ? 0 : pdus_so_far + after;
}

void one_shot_triggers::arm_all(const fault_config& faults, std::uint64_t pdus_so_far) noexcept {
  for (const one_shot_fault& f : one_shot_faults)
    arm(f, faults, pdus_so_far);
}

bool one_shot_triggers::fires(one_shot kind, std::uint64_t n) const noexcept {
  const std::uint64_t at = at_[static_cast<std::size_t>(kind)];
  if (at == 0) return false;
  return kind == one_shot::drop ? n >= at : n == at;
}

const fault_option* find_fault_option(std::string_view name) noexcept {
  for (const fault_option& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

std::string describe_faults(const fault_config& f) {
  std::string out;
  auto add = [&out](std::string_view name, const std::string& value) {
    if (!out.empty()) out.push_back(' ');
    out += fmt::format("{}={}", name, value);
  };
  if (f.drop_after) add("drop-after", std::to_string(f.drop_after));
  if (f.delay_max.count() > 0)
    add("delay-ms", f.delay_min == f.delay_max
                        ? std::to_string(f.delay_min.count())
                        : fmt::format("{}-{}", f.delay_min.count(), f.delay_max.count()));
  if (f.pace.count() > 0) add("pace-ms", std::to_string(f.pace.count()));
  if (f.throttle) add("throttle", std::to_string(f.throttle));
  if (f.fail_every)
    add("fail-every", fmt::format("{}:{}", f.fail_every, status_text(f.fail_status)));
  if (f.nack_every)
    add("nack-every", fmt::format("{}:{}", f.nack_every, status_text(f.nack_status)));
  if (f.refuse_binds) add("refuse-binds", status_text(f.refuse_binds));
  if (f.no_enquire_link_resp) add("no-enquire-link-resp", "true");
  if (f.silent) add("silent", "true");
  if (f.no_submit_resp) add("no-submit-resp", "true");
  if (f.close_mid_pdu_after) add("close-mid-pdu-after", std::to_string(f.close_mid_pdu_after));
  if (f.garbage_after) add("garbage-after", std::to_string(f.garbage_after));
  if (f.unknown_command_after)
    add("unknown-command-after", std::to_string(f.unknown_command_after));
  if (f.unknown_seq_after) add("unknown-seq-after", std::to_string(f.unknown_seq_after));
  if (f.wrong_response_every)
    add("wrong-response-every",
        fmt::format("{}:{}", f.wrong_response_every, smpp::command_name(f.wrong_response)));
  if (f.unbind_with_responses)
    add("unbind-with-responses", std::to_string(f.unbind_with_responses));
  if (f.drip.count() > 0) add("drip-ms", std::to_string(f.drip.count()));
  return out;
}

bool parse_status(std::string_view text, std::uint32_t& status) noexcept {
  std::uint64_t n = 0;
  if (parse_u64(text, n)) {
    if (n > 0xFFFFFFFFu) return false;
    status = static_cast<std::uint32_t>(n);
    return true;
  }
  static constexpr std::uint32_t known[] = {
#define SMSDRV_SIM_STATUS_VALUE_(name, value, text) value,
      SMSDRV_SMPP_STATUS_MAP(SMSDRV_SIM_STATUS_VALUE_)
#undef SMSDRV_SIM_STATUS_VALUE_
  };
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             auto up = [](char c) {
               return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
             };
             return up(x) == up(y);
           });
  };
  for (std::uint32_t v : known) {
    if (same(smpp::status_name(v), text)) {
      status = v;
      return true;
    }
  }
  return false;
}

}  // namespace smsdrv::sim
