// The processes of smpp-bench (smsc-sim, smsc-sim-flood, node, dms-stub, http-sink, Kannel,
// smpp-bench itself) and what /proc says about a process.
//
//   child sim({"smsc-sim", "--quiet"});
//   while (auto line = sim.read_line_view(5s)) { ... }
//   sim.try_write("{\"cmd\":\"exit\"}\n");
//   sim.wait(5s);
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "subprocess/subprocess.hpp"

namespace smsdrv::bench {

// A child's stderr is inherited (the user sees it) unless capture_stderr is set, and what its
// stdout writes while wait() waits is dropped (dms-stub writes a million lines).
struct child_options : proc::spawn_options {
  child_options() {
    capture_stderr = false;
    keep_stdout_on_wait = false;
  }
};

// The project's subprocess (subprocess/) with the bench's defaults.
class child final : public proc::subprocess {
 public:
  explicit child(const std::vector<std::string>& argv, const child_options& options = {})
      : subprocess(argv, options) {}
};

// /proc/<pid> figures (pid 0: this process).
struct proc_usage {
  double cpu_user_s = 0;
  double cpu_system_s = 0;
  std::uint64_t rss_kb = 0;   // VmRSS
  std::uint64_t peak_kb = 0;  // VmHWM
};
proc_usage usage_of(pid_t pid = 0);
// CPU seconds (user + system) of a process from /proc (usage_of), of this process and of the
// children it has waited for (getrusage).
double cpu_seconds_of(pid_t pid);
double own_cpu_seconds();
double waited_children_cpu_seconds();

// The directory of this executable (/proc/self/exe), to find the programs built next to it.
std::string own_directory();

}  // namespace smsdrv::bench
