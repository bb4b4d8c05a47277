// A child process with pipes on stdin and stdout (stderr is inherited), for testing the real
// smsc-sim binary and the npm scripts: subprocess/ seen as an event_stream.
// Asked to end (SIGTERM, then SIGKILL after 3 s) and reaped on destruction.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim_events.hpp"
#include "subprocess.hpp"

namespace smsdrv::sim::test {

class child_process final : public event_stream {
 public:
  // argv[0] is the program path (or a name searched in PATH); `cwd` empty: the test's working
  // directory.
  explicit child_process(const std::vector<std::string>& argv, const std::string& cwd = {});
  ~child_process() override;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void write_line(std::string_view line) { process_.write_line(line); }
  void close_stdin() { process_.close_stdin(); }
  std::optional<std::string> next_line(std::chrono::milliseconds timeout) override {
    return process_.read_line(timeout);
  }
  // The exit code (128 + signal when a signal killed it), or nullopt if it did not exit in time.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) { return process_.wait(timeout); }

 private:
  smsdrv::test::subprocess process_;
};

}  // namespace smsdrv::sim::test
