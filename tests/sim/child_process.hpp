// A child process with pipes on stdin and stdout (stderr is inherited), for testing the real
// smsc-sim binary and the npm scripts. Killed and reaped on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim_events.hpp"

namespace smsdrv::sim::test {

class child_process final : public event_stream {
 public:
  // argv[0] is the program path; `cwd` empty: the test's working directory.
  explicit child_process(const std::vector<std::string>& argv, const std::string& cwd = {});
  ~child_process() override;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void write_line(std::string_view line);
  void close_stdin();
  std::optional<std::string> next_line(std::chrono::milliseconds timeout) override;
  // The exit code, or nullopt if it did not exit in time (or died from a signal: -signal).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
  std::optional<int> exit_code_;
};

}  // namespace smsdrv::sim::test
