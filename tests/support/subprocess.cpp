#include "subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

extern char** environ;

namespace smsdrv::test {
namespace {

using steady = std::chrono::steady_clock;

[[noreturn]] void fail(const char* what, int error = errno) {
  throw std::system_error(error, std::generic_category(), what);
}

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
}

int remaining_ms(steady::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

subprocess::subprocess(const std::vector<std::string>& argv, const spawn_options& options) {
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  if (argv.empty()) throw std::system_error(EINVAL, std::generic_category(), "empty argv");

  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (options.pipe_stdin) make_pipe(in);
  make_pipe(out);
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

  // The child starts with default signal handling and an empty mask, whatever the test changed.
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
  out_.fd = out[0];
  err_.fd = err[0];
  if (rc != 0) {
    close_fd(in_);
    close_fd(out_.fd);
    close_fd(err_.fd);
    pid_ = -1;
    fail(("posix_spawn " + argv[0]).c_str(), rc);
  }
  for (int fd : {out_.fd, err_.fd})
    if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

subprocess::~subprocess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  close_fd(in_);
  close_fd(out_.fd);
  close_fd(err_.fd);
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

void subprocess::close_stdin() {
  close_fd(in_);
}

void subprocess::close_stdout() {
  close_fd(out_.fd);
  out_.eof = true;
  out_.buffer.clear();
}

bool subprocess::drain(stream& s) {
  if (s.fd < 0 || s.eof) return false;
  bool any = false;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(s.fd, buf, sizeof buf);
    if (n > 0) {
      s.buffer.append(buf, static_cast<size_t>(n));
      if (s.everything != nullptr) s.everything->append(buf, static_cast<size_t>(n));
      any = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      s.eof = true;
      any = true;
    }
    return any;
  }
}

std::optional<std::string> subprocess::take_line(stream& s) {
  const auto nl = s.buffer.find('\n');
  if (nl == std::string::npos) {
    if (!s.eof || s.buffer.empty()) return std::nullopt;
    std::string last = std::move(s.buffer);
    s.buffer.clear();
    return last;
  }
  std::string line = s.buffer.substr(0, nl);
  s.buffer.erase(0, nl + 1);
  return line;
}

std::optional<std::string> subprocess::read_line_from(stream& s, duration timeout) {
  const auto deadline = steady::now() + timeout;
  while (true) {
    drain(s);
    drain(err_);
    if (auto line = take_line(s)) return line;
    if (s.eof || s.fd < 0) return std::nullopt;
    const int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    pollfd fds[2] = {{s.fd, POLLIN, 0}, {err_.fd, POLLIN, 0}};
    const nfds_t n = (&s != &err_ && err_.fd >= 0 && !err_.eof) ? 2 : 1;
    ::poll(fds, n, left);
  }
}

std::optional<std::string> subprocess::read_line(duration timeout) {
  return read_line_from(out_, timeout);
}

std::optional<std::string> subprocess::read_stderr_line(duration timeout) {
  return read_line_from(err_, timeout);
}

const std::string& subprocess::stderr_text() {
  drain(err_);
  return err_all_;
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
  while (!reap(false)) {
    drain(out_);
    drain(err_);
    const int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(left, 5)));
  }
  drain(out_);
  drain(err_);
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

}  // namespace smsdrv::test
