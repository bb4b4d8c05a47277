#include "subprocess/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <thread>

extern char** environ;

namespace smsdrv::proc {
namespace {

using steady = std::chrono::steady_clock;

constexpr std::size_t read_chunk = 256 * 1024;

[[noreturn]] void fail(const std::string& what, int error = errno) {
  throw std::system_error(error, std::generic_category(), what);
}

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
}

int remaining_ms(steady::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Appends what `fd` has to `to` without blocking. True when something happened; `eof` is set
// at end of stream.
bool drain_fd(int fd, std::string& to, bool& eof) {
  if (fd < 0 || eof) return false;
  bool any = false;
  for (;;) {
    const std::size_t old = to.size();
    to.resize(old + read_chunk);
    const ssize_t n = ::read(fd, to.data() + old, read_chunk);
    to.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n > 0) {
      any = true;
      if (static_cast<std::size_t>(n) < read_chunk) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      eof = true;
      any = true;
    }
    return any;
  }
}

// The next line of buffer[begin, size); at end of stream also a last line without '\n'.
std::optional<std::string_view> take_line(std::string& buffer, std::size_t& begin, bool eof) {
  const std::size_t nl = buffer.find('\n', begin);
  if (nl == std::string::npos) {
    if (!eof || begin == buffer.size()) return std::nullopt;
    const std::string_view last(buffer.data() + begin, buffer.size() - begin);
    begin = buffer.size();
    return last;
  }
  const std::string_view line(buffer.data() + begin, nl - begin);
  begin = nl + 1;
  return line;
}

}  // namespace

subprocess::subprocess(const std::vector<std::string>& argv, const spawn_options& options)
    : keep_stdout_on_wait_(options.keep_stdout_on_wait) {
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  if (argv.empty()) fail("empty argv", EINVAL);

  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (options.pipe_stdin) make_pipe(in);
  make_pipe(out);
  if (options.stdout_pipe_size != 0 &&
      ::fcntl(out[0], F_SETPIPE_SZ, static_cast<int>(options.stdout_pipe_size)) < 0) {
    const int e = errno;
    close_fd(in[0]);
    close_fd(in[1]);
    close_fd(out[0]);
    close_fd(out[1]);
    fail("stdout pipe of " + std::to_string(options.stdout_pipe_size) + " bytes", e);
  }
  if (options.capture_stderr) make_pipe(err);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.pipe_stdin)
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  else
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (options.capture_stderr) posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());

  // The child starts with default signal handling and an empty mask, whatever the caller changed.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e)
    env.push_back(*e);
  for (const auto& e : options.env)
    env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);

  const int rc = ::posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close_fd(in[0]);
  close_fd(out[1]);
  close_fd(err[1]);
  in_ = in[1];
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (rc != 0) {
    close_fd(in_);
    close_fd(out_fd_);
    close_fd(err_fd_);
    pid_ = -1;
    fail("cannot start " + argv[0], rc);
  }
  for (int fd : {out_fd_, err_fd_})
    if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

subprocess::~subprocess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  close_fd(in_);
  close_fd(out_fd_);
  close_fd(err_fd_);
}

void subprocess::write(std::string_view data) {
  if (in_ < 0) fail("write to closed stdin", EBADF);
  while (!data.empty()) {
    const ssize_t n = ::write(in_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write to child stdin");
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void subprocess::write_line(std::string_view line) {
  std::string l(line);
  l += '\n';
  write(l);
}

bool subprocess::try_write(std::string_view data) noexcept {
  if (in_ < 0) return false;
  while (!data.empty()) {
    const ssize_t n = ::write(in_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void subprocess::close_stdin() {
  close_fd(in_);
}

void subprocess::close_stdout() {
  close_fd(out_fd_);
  out_eof_ = true;
  out_.clear();
  out_begin_ = 0;
}

bool subprocess::drain_stdout() {
  if (out_begin_ > 0 && out_begin_ == out_.size()) {
    out_.clear();
    out_begin_ = 0;
  } else if (out_begin_ >= read_chunk) {
    out_.erase(0, out_begin_);
    out_begin_ = 0;
  }
  return drain_fd(out_fd_, out_, out_eof_);
}

bool subprocess::drain_stderr() {
  return drain_fd(err_fd_, err_, err_eof_);
}

void subprocess::poll_readable(int fd, int timeout_ms) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  const nfds_t n = (fd != err_fd_ && err_fd_ >= 0 && !err_eof_) ? 2 : 1;
  ::poll(fds, n, timeout_ms);
}

std::optional<std::string_view> subprocess::read_line_view(duration timeout) {
  const auto deadline = steady::now() + timeout;
  for (;;) {
    if (auto line = take_line(out_, out_begin_, out_eof_)) return line;
    if (out_eof_ || out_fd_ < 0) return std::nullopt;
    const bool got = drain_stdout();
    drain_stderr();
    if (got) continue;
    const int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    poll_readable(out_fd_, left);
  }
}

std::optional<std::string> subprocess::read_line(duration timeout) {
  if (auto line = read_line_view(timeout)) return std::string(*line);
  return std::nullopt;
}

std::optional<std::string> subprocess::read_stderr_line(duration timeout) {
  const auto deadline = steady::now() + timeout;
  for (;;) {
    drain_stderr();
    if (auto line = take_line(err_, err_begin_, err_eof_)) return std::string(*line);
    if (err_eof_ || err_fd_ < 0) return std::nullopt;
    const int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    poll_readable(err_fd_, left);
  }
}

const std::string& subprocess::stderr_text() {
  drain_stderr();
  return err_;
}

bool subprocess::reap(bool block) {
  if (status_) return true;
  if (pid_ <= 0) return false;
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &st, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return true;
}

std::optional<int> subprocess::wait(duration timeout) {
  const auto deadline = steady::now() + timeout;
  auto drain_both = [this] {
    drain_stdout();
    if (!keep_stdout_on_wait_) {
      out_.clear();
      out_begin_ = 0;
    }
    drain_stderr();
  };
  while (!reap(false)) {
    drain_both();
    const int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(left, 5)));
  }
  drain_both();
  return status_;
}

void subprocess::kill(int signal) {
  if (pid_ > 0 && !status_) ::kill(pid_, signal);
}

void subprocess::kill() {
  kill(SIGTERM);
}

bool subprocess::running() {
  return pid_ > 0 && !reap(false);
}

}  // namespace smsdrv::proc
