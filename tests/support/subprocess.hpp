// subprocess.hpp - a child process with pipes, for tests that drive real programs (dms-stub,
// smsc-sim, smpp-bench) through stdin/stdout/stderr.
//
//   smsdrv::test::subprocess p({"dms-stub", "run", "--config", cfg});
//   p.write_line(R"({"id":"r1","request":"SendSMS",...})");
//   auto line = p.read_line(std::chrono::seconds(5));   // std::nullopt on timeout / EOF
//   p.close_stdin();
//   auto status = p.wait(std::chrono::seconds(10));      // exit code, or 128 + signal
//
// Pipes are read only by the calls below, from the calling thread. Whenever a call waits, it
// also drains the child's stderr into memory, so a chatty child never blocks on stderr; stdout
// is drained only by read_line() and wait(), so a test can leave it full on purpose. The class
// ignores SIGPIPE in the whole test process (once), so that writing to a child that has exited
// fails with an exception instead of killing the test.
#ifndef SMSDRV_TEST_SUBPROCESS_HPP
#define SMSDRV_TEST_SUBPROCESS_HPP

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::test {

struct spawn_options {
  std::string cwd;               // working directory of the child; empty: the caller's
  std::vector<std::string> env;  // extra NAME=value entries on top of the caller's environment
  bool pipe_stdin = true;        // false: the child's stdin is /dev/null
  bool capture_stderr = true;    // false: the child inherits the caller's stderr
};

class subprocess {
 public:
  using duration = std::chrono::milliseconds;

  // Starts argv[0] (searched in PATH when it has no '/'). Throws std::system_error.
  explicit subprocess(const std::vector<std::string>& argv, const spawn_options& options = {});
  // Kills (SIGKILL) and reaps the child if it still runs.
  ~subprocess();
  subprocess(const subprocess&) = delete;
  subprocess& operator=(const subprocess&) = delete;

  pid_t pid() const noexcept { return pid_; }

  // Writes all of data to the child's stdin (blocking). Throws std::system_error (EPIPE when the
  // child closed its stdin or exited).
  void write(std::string_view data);
  void write_line(std::string_view line);
  void close_stdin();
  // Closes our end of the child's stdout: its next write fails (EPIPE, or SIGPIPE unless it
  // ignores that), as when the consumer of its output goes away.
  void close_stdout();

  // The next line of stdout / stderr without its '\n'; nullopt on timeout or at end of stream
  // (a last line without '\n' is still returned).
  std::optional<std::string> read_line(duration timeout);
  std::optional<std::string> read_stderr_line(duration timeout);
  // Everything stderr has produced so far, including lines already taken by read_stderr_line()
  // (drains the pipe without waiting).
  const std::string& stderr_text();
  bool stdout_closed() const noexcept { return out_.eof && out_.buffer.empty(); }

  // Waits for the child to exit, draining stdout and stderr meanwhile. The exit code, 128 +
  // signal number when a signal killed it, or nullopt on timeout.
  std::optional<int> wait(duration timeout);
  // Sends a signal (SIGTERM by default); does nothing once the child has been reaped.
  void kill(int signal);
  void kill();
  bool running();

 private:
  struct stream {
    int fd = -1;
    std::string buffer;       // not yet taken by read_line
    std::string* everything;  // when set, receives a copy of all that was read
    bool eof = false;
  };
  // Reads what is available from s without blocking; true when something happened.
  static bool drain(stream& s);
  // Waits until s has a line, s ends, or the deadline; stderr is drained meanwhile.
  std::optional<std::string> read_line_from(stream& s, duration timeout);
  static std::optional<std::string> take_line(stream& s);
  bool reap(bool block);

  pid_t pid_ = -1;
  int in_ = -1;
  std::string err_all_;
  stream out_{-1, {}, nullptr, false};
  stream err_{-1, {}, &err_all_, false};
  std::optional<int> status_;
};

}  // namespace smsdrv::test

#endif  // SMSDRV_TEST_SUBPROCESS_HPP
