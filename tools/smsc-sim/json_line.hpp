// The simulator's event lines on stdout (docs/smsc-sim.md, "Events"): jsonl::line_writer with
// strings read as octets, each one character U+0000..U+00FF (ISO 8859-1), since SMPP C-octet
// strings from a peer need not be UTF-8 and must come through unchanged (SMPP v3.4 §3.1);
// binary data goes through hex().
#pragma once

#include <string>

#include "jsonl/line_writer.hpp"

namespace smsdrv::sim {

class json_line : public jsonl::line_writer {
 public:
  // Starts `{` at the end of out.
  explicit json_line(std::string& out) : line_writer(out, jsonl::strings::octets) {}
};

}  // namespace smsdrv::sim
