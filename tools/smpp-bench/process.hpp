// A child process for smpp-bench (smsc-sim, smsc-sim-flood, node, dms-stub, smpp-bench itself),
// and what /proc says about a process. Built for throughput: stdout is read in large chunks and
// split into lines without copying what is left (dms-stub writes a million lines in seconds).
//
//   child sim({"smsc-sim", "--quiet"});
//   while (auto line = sim.read_line(5s)) { ... }
//   sim.write("{\"cmd\":\"exit\"}\n");
//   sim.wait(5s);
//
// One thread reads stdout at a time; write() may run on another thread. stderr is inherited
// unless capture_stderr is set, in which case it is drained whenever stdout is waited for.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::bench {

struct child_options {
  bool pipe_stdin = true;        // false: /dev/null
  bool capture_stderr = false;   // false: inherited (the user sees it)
  std::vector<std::string> env;  // extra NAME=value entries
};

class child {
 public:
  using duration = std::chrono::milliseconds;

  // Starts argv[0] (searched in PATH when it has no '/'). Throws std::runtime_error naming the
  // program when it cannot start.
  explicit child(const std::vector<std::string>& argv, const child_options& options = {});
  // SIGKILL and reap when still running.
  ~child();
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  pid_t pid() const noexcept { return pid_; }

  // Writes everything (blocking). False when the child no longer reads (EPIPE).
  bool write(std::string_view data);
  void close_stdin();

  // The next line of stdout without its '\n': valid until the next call. nullopt at end of
  // stream or when `timeout` passes first.
  std::optional<std::string_view> read_line(duration timeout);
  // Everything the child wrote to stderr so far (capture_stderr only).
  const std::string& stderr_text();

  // Exit code (128 + signal when killed), or nullopt when it is still running at the timeout.
  // Drains stdout meanwhile (what it wrote is dropped).
  std::optional<int> wait(duration timeout);
  void kill(int signal);

 private:
  bool fill(int timeout_ms);
  void drain_stderr();
  bool reap(bool block);

  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string buffer_;
  std::size_t begin_ = 0;  // start of the unread part of buffer_
  bool eof_ = false;
  std::string stderr_;
  std::optional<int> status_;
};

// /proc/<pid> figures (pid 0: this process).
struct proc_usage {
  double cpu_user_s = 0;
  double cpu_system_s = 0;
  std::uint64_t rss_kb = 0;   // VmRSS
  std::uint64_t peak_kb = 0;  // VmHWM
};
proc_usage usage_of(pid_t pid = 0);

// The directory of this executable (/proc/self/exe), to find the programs built next to it.
std::string own_directory();

}  // namespace smsdrv::bench
