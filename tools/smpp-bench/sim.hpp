// smsc-sim as the benchmarks' SMSC: started with --quiet (no per-PDU events), its port read from
// the `listening` line, its own CPU and submissions read from `stats` events on demand, so that
// every result can show the simulator's headroom.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace smsdrv::bench {

// What smsc-sim's `stats` event says (docs/smsc-sim.md).
struct sim_stats {
  double uptime_s = 0;
  double cpu_s = 0;
  double submissions = 0;
  double accepted = 0;  // submissions answered ESME_ROK
};

// The simulator's load between two stats events: its CPU time per wall second (100 = one core
// saturated) and what it counted.
struct sim_load {
  double cpu_percent = 0;
  double submissions = 0;
  double accepted = 0;
  double seconds = 0;
};
sim_load load_between(const sim_stats& before, const sim_stats& after);

class sim_process {
 public:
  // Starts `program` --quiet with `extra` flags. Throws std::runtime_error when it does not
  // report listening within 10 s.
  sim_process(const std::string& program, const std::vector<std::string>& extra = {});
  ~sim_process();

  int port() const noexcept { return port_; }
  pid_t pid() const noexcept { return proc_->pid(); }
  // Asks for a stats event; nullopt when the simulator does not answer within 5 s.
  std::optional<sim_stats> stats();

 private:
  std::unique_ptr<child> proc_;
  int port_ = 0;
};

}  // namespace smsdrv::bench
