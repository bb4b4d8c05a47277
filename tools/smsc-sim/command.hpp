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

}  // namespace smsdrv::sim
