// Side by side against one smsc-sim --quiet: the ceiling (smsc-sim-flood: pre-encoded submit_sm,
// no logic), the npm `smpp` client (tests/interop/esme-client.js) and the driver through the C
// ABI (this program's `driver` command, in a process of its own), for each window, `runs` times,
// interleaved so that the three share the machine's conditions. Every run also records the
// simulator's CPU (its `stats` events): it must stay well below one core, or the figure would be
// the simulator's.
//
// Prints one table with medians, spreads and same-run ratios (driver / ceiling and driver / npm
// of each run, then their median), and writes every run and the summaries as JSON lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smsdrv::bench {

struct compare_options {
  std::string self;         // this program, for the driver runs
  std::string module;       // libsmsmms.so
  std::string sim_program;  // smsc-sim
  std::string flood;        // smsc-sim-flood
  std::string node = "node";
  std::string npm_client;  // esme-client.js; empty or missing: the npm column is left out
  std::vector<std::uint32_t> windows = {1, 10, 100};
  int runs = 5;
  double scale = 1.0;  // multiplies the message counts (a smoke test uses 0.01)
  std::size_t text_length = 20;
  std::string out;  // JSON lines file; empty: none
};

// Returns the process exit status (0 when every run completed).
int run_compare(const compare_options& o);

}  // namespace smsdrv::bench
