// A child process with pipes, for programs that drive other programs through stdin / stdout /
// stderr: the tests (dms-stub, smsc-sim, npm scripts) and smpp-bench (its SMSC, load clients,
// dms-stub).
//
//   smsdrv::proc::subprocess p({"dms-stub", "run", "--config", cfg});
//   p.write_line(R"({"id":"r1","request":"SendSMS",...})");
//   auto line = p.read_line(std::chrono::seconds(5));   // std::nullopt on timeout / EOF
//   p.close_stdin();
//   auto status = p.wait(std::chrono::seconds(10));      // exit code, or 128 + signal
//
// Contracts:
//  - stdout and stderr are read only by the calls below, from one thread at a time; write(),
//    try_write() and close_stdin() may run on another thread.
//  - Whenever a call waits, it also drains the child's stderr (when captured) into memory, so a
//    chatty child never blocks on stderr; stdout is read only by read_line*() and wait(), so a
//    caller can leave it full on purpose.
//  - stdout is read in large chunks; read_line_view() hands out lines without copying them
//    (a child that writes a million lines in seconds costs no allocation per line).
//  - The first subprocess ignores SIGPIPE in the whole process, so that writing to a child that
//    has exited fails (EPIPE) instead of killing the caller.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::proc {

struct spawn_options {
  std::string cwd;               // working directory of the child; empty: the caller's
  std::vector<std::string> env;  // extra NAME=value entries on top of the caller's environment
  bool pipe_stdin = true;        // false: the child's stdin is /dev/null
  bool capture_stderr = true;    // false: the child inherits the caller's stderr
  // false: what stdout writes while wait() waits is dropped (a child whose remaining output is
  // not worth memory); true: it is kept for read_line().
  bool keep_stdout_on_wait = true;
  // Bytes the stdout pipe holds before the child's writes block (F_SETPIPE_SZ, at most
  // /proc/sys/fs/pipe-max-size); 0: the system's default (64 KiB). A child whose clock matters
  // (a simulator time-stamping what it reads) must not stall while the caller is busy.
  std::size_t stdout_pipe_size = 0;
};

class subprocess {
 public:
  using duration = std::chrono::milliseconds;

  // Starts argv[0] (searched in PATH when it has no '/'). Throws std::system_error whose
  // message names the program.
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
  // Like write(), but false instead of throwing when the child no longer reads.
  bool try_write(std::string_view data) noexcept;
  void close_stdin();
  // Closes our end of the child's stdout: its next write fails (EPIPE, or SIGPIPE unless it
  // ignores that), as when the consumer of its output goes away.
  void close_stdout();

  // The next line of stdout without its '\n'; nullopt on timeout or at end of stream (a last
  // line without '\n' is still returned). The view is valid until the next read or wait.
  std::optional<std::string_view> read_line_view(duration timeout);
  // The same, copied.
  std::optional<std::string> read_line(duration timeout);
  std::optional<std::string> read_stderr_line(duration timeout);
  // Everything stderr has produced so far, including lines already taken by read_stderr_line()
  // (drains the pipe without waiting); empty when stderr is not captured.
  const std::string& stderr_text();
  bool stdout_closed() const noexcept { return out_eof_ && out_begin_ == out_.size(); }

  // Waits for the child to exit, draining stdout and stderr meanwhile. The exit code, 128 +
  // signal number when a signal killed it, or nullopt on timeout.
  std::optional<int> wait(duration timeout);
  // Sends a signal (SIGTERM by default); does nothing once the child has been reaped.
  void kill(int signal);
  void kill();
  bool running();

 private:
  // Reads what stdout has without blocking; true when something happened (data or its end).
  bool drain_stdout();
  // Reads what stderr has without blocking; true when something happened.
  bool drain_stderr();
  // Waits until `fd` (or stderr) is readable or the deadline passes.
  void poll_readable(int fd, int timeout_ms);
  bool reap(bool block);

  pid_t pid_ = -1;
  int in_ = -1;
  bool keep_stdout_on_wait_ = true;
  // stdout: out_[out_begin_, size) not yet taken by read_line*.
  int out_fd_ = -1;
  std::string out_;
  std::size_t out_begin_ = 0;
  bool out_eof_ = false;
  // stderr: err_[err_begin_, size) not yet taken by read_stderr_line; err_ keeps all of it.
  int err_fd_ = -1;
  std::string err_;
  std::size_t err_begin_ = 0;
  bool err_eof_ = false;
  std::optional<int> status_;
};

}  // namespace smsdrv::proc
