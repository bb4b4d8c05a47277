// The stdin command protocol: one JSON object per line, `{"cmd":"mo","from":"4912",...}`
// (docs/smsc-sim.md). Parsing turns it into names and string values so the SMSC core needs no
// JSON library: numbers become decimal text, booleans "true"/"false", and a "tlvs" object
// ({"0x0424":"48656c6c6f"} or {"1060":"..."}) the hex of the TLVs in wire form.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smsdrv::sim {

struct command {
  std::string name;  // the "cmd" member
  std::vector<std::pair<std::string, std::string>> args;

  // The value of a member, or nullptr.
  const std::string* arg(std::string_view key) const noexcept;
};

// Returns "" or what is wrong with the line.
std::string parse_command(std::string_view line, command& out);

// The stdin commands, for --help and for the message naming an unknown one; the SMSC's dispatch
// table (smsc_command.cpp) has one entry per name.
struct command_doc {
  std::string_view name;
  std::string_view example;  // a whole line, as typed on stdin
  std::string_view help;
};
inline constexpr command_doc command_docs[] = {
    {"mo", R"({"cmd":"mo","from":"4917...","to":"123","text":"Hi"})",
     "queue an MO deliver_sm (also data_coding, hex, esm_class, tlvs, system_id, ...); "
     "\"split\":\"udh\"|\"sar\" sends it as concatenated parts, \"spread\":true each part over "
     "another bind"},
    {"mo-burst", R"({"cmd":"mo-burst","count":1000,"text":"MO {n}"})",
     "count MO messages as mo; {n} in text becomes 1..count"},
    {"account-limit", R"({"cmd":"account-limit","system_id":"esme","binds":2,"rate":300})",
     "set an account's limits as --account-limit (a key 0 or absent: no such limit)"},
    {"dlr", R"({"cmd":"dlr","message_id":"0000002a","stat":"UNDELIV","err":"001"})",
     "a delivery receipt now"},
    {"unbind", R"({"cmd":"unbind"})", "SMSC-initiated unbind (filter: system_id, conn)"},
    {"close", R"({"cmd":"close"})", "close every connection abruptly (filter: system_id, conn)"},
    {"fault", R"({"cmd":"fault","fail-every":10})",
     "change faults at run time (the fault flags above as keys; \"clear\":true first clears all)"},
    {"inject", R"({"cmd":"inject","what":"garbage"})",
     "garbage, unknown-command, unknown-seq or close-mid-pdu, now"},
    {"stats", R"({"cmd":"stats"})", "print a stats event"},
    {"exit", R"({"cmd":"exit"})", "close everything and exit 0"},
};

}  // namespace smsdrv::sim
