// Fault modes of the simulator (docs/smsc-sim.md, "Fault injection"). One table names every fault;
// the command line
// (`--delay-ms 50`) and the stdin command (`{"cmd":"fault","delay-ms":50}`) both go through it,
// so the two spellings cannot drift apart.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "smpp/command_id.hpp"

namespace smsdrv::sim {

struct fault_config {
  // Close the connection when its Nth PDU arrives; that PDU is not answered.
  std::uint64_t drop_after = 0;
  // Every response waits this long (uniformly random in [min, max]) before it is written.
  std::chrono::milliseconds delay_min{0};
  std::chrono::milliseconds delay_max{0};
  // Responses leave one at a time, at least this long after the previous one on the connection,
  // in the order their requests arrived: an SMSC that works through its input serially.
  std::chrono::milliseconds pace{0};
  // At most this many submissions accepted per account in any sliding second; the others are
  // answered ESME_RTHROTTLED. 0: unlimited.
  std::uint32_t throttle = 0;
  // Every Nth submission (counted over the whole simulator) is answered with fail_status.
  std::uint64_t fail_every = 0;
  std::uint32_t fail_status = 0;
  // Every Nth submission is answered with generic_nack (status nack_status) instead.
  std::uint64_t nack_every = 0;
  std::uint32_t nack_status = 0;
  // Every bind is answered with this status (0: binds are checked normally).
  std::uint32_t refuse_binds = 0;
  bool no_enquire_link_resp = false;  // enquire_link is read and never answered
  bool silent = false;                // nothing is answered or sent at all
  bool no_submit_resp = false;        // submissions are read and never answered
  // One-shot injections, triggered when the connection's Nth PDU arrives (after answering it).
  std::uint64_t close_mid_pdu_after = 0;    // write half of the response, then close
  std::uint64_t garbage_after = 0;          // 16 octets with command_length 5
  std::uint64_t unknown_command_after = 0;  // a request with command_id 0x00000666
  std::uint64_t unknown_seq_after = 0;      // a submit_sm_resp for a sequence never used
  // Every Nth submission is answered ESME_ROK with a response of another command (a hostile
  // SMSC): wrong_response carrying the submission's sequence number.
  std::uint64_t wrong_response_every = 0;
  smpp::command_id wrong_response = smpp::command_id::deliver_sm_resp;
  // The responses of the first N submissions of each connection are held back, then written
  // after an unbind of the SMSC, all in one write.
  std::uint64_t unbind_with_responses = 0;
  // Every octet written goes out alone, this long after the previous one (0: off).
  std::chrono::milliseconds drip{0};

  bool delays() const noexcept { return delay_max.count() > 0 || pace.count() > 0; }
};

// One-shot faults: each fires once, when a connection's Nth PDU (counted from when the fault was
// set) arrives. `drop` closes the connection before that PDU is answered; the others are
// injected after its answer, in this order.
enum class one_shot : std::uint8_t { drop, garbage, unknown_command, unknown_seq, close_mid_pdu };

struct one_shot_fault {
  one_shot kind;
  std::string_view option;  // the fault option that arms it: "garbage-after"
  std::string_view name;    // of the `inject` command and the fault-applied event
  std::uint64_t fault_config::*after;
};

inline constexpr std::array<one_shot_fault, 5> one_shot_faults{{
    {one_shot::drop, "drop-after", "drop-after", &fault_config::drop_after},
    {one_shot::garbage, "garbage-after", "garbage", &fault_config::garbage_after},
    {one_shot::unknown_command, "unknown-command-after", "unknown-command",
     &fault_config::unknown_command_after},
    {one_shot::unknown_seq, "unknown-seq-after", "unknown-seq", &fault_config::unknown_seq_after},
    {one_shot::close_mid_pdu, "close-mid-pdu-after", "close-mid-pdu",
     &fault_config::close_mid_pdu_after},
}};

const one_shot_fault& one_shot_fault_of(one_shot kind) noexcept;

// The PDU counts at which a connection's one-shot faults fire (0: not armed).
class one_shot_triggers {
 public:
  // Arms `f` to fire on PDU `pdus_so_far + faults.*f.after`; disarms it when that setting is 0.
  void arm(const one_shot_fault& f, const fault_config& faults, std::uint64_t pdus_so_far) noexcept;
  void arm_all(const fault_config& faults, std::uint64_t pdus_so_far) noexcept;
  // Whether `kind` fires on PDU number `n`. An armed drop fires on every PDU from its count on
  // (the connection is closing).
  bool fires(one_shot kind, std::uint64_t n) const noexcept;

 private:
  std::array<std::uint64_t, one_shot_faults.size()> at_{};
};

struct fault_option {
  std::string_view name;        // flag without "--", and the key of the stdin command
  std::string_view value_help;  // "" for a switch
  std::string_view help;
  // Parses `value` into the config; returns "" or the reason it was refused.
  std::string (*set)(fault_config& faults, std::string_view value);
};

std::span<const fault_option> fault_options() noexcept;
const fault_option* find_fault_option(std::string_view name) noexcept;

// Every active fault as "name=value" pairs, for the fault-set event: `delay-ms=10-20 throttle=5`.
std::string describe_faults(const fault_config& faults);

// A command_status by spec name (case-insensitive, "ESME_RSYSERR") or number ("8", "0x08").
bool parse_status(std::string_view text, std::uint32_t& status) noexcept;

}  // namespace smsdrv::sim
