#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace smsdrv::bench {
namespace {

using steady = std::chrono::steady_clock;

constexpr std::size_t read_chunk = 256 * 1024;

int remaining_ms(steady::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

child::child(const std::vector<std::string>& argv, const child_options& options) {
  // A child that exits while we write to it must not kill the benchmark.
  ::signal(SIGPIPE, SIG_IGN);
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if ((options.pipe_stdin && ::pipe2(in, O_CLOEXEC) != 0) || ::pipe2(out, O_CLOEXEC) != 0 ||
      (options.capture_stderr && ::pipe2(err, O_CLOEXEC) != 0))
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (options.pipe_stdin)
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  else
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  if (options.capture_stderr) posix_spawn_file_actions_adddup2(&fa, err[1], 2);

  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e)
    env_storage.emplace_back(*e);
  for (const std::string& e : options.env)
    env_storage.push_back(e);
  std::vector<char*> env;
  for (std::string& e : env_storage)
    env.push_back(e.data());
  env.push_back(nullptr);

  const int rc = argv[0].find('/') == std::string::npos
                     ? ::posix_spawnp(&pid_, argv[0].c_str(), &fa, nullptr, args.data(), env.data())
                     : ::posix_spawn(&pid_, argv[0].c_str(), &fa, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  close_fd(in[0]);
  close_fd(out[1]);
  close_fd(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  if (rc != 0) {
    close_fd(in_);
    close_fd(out_);
    close_fd(err_);
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  if (err_ >= 0) ::fcntl(err_, F_SETFL, ::fcntl(err_, F_GETFL) | O_NONBLOCK);
  buffer_.reserve(read_chunk * 2);
}

child::~child() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  close_fd(in_);
  close_fd(out_);
  close_fd(err_);
}

bool child::write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(in_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void child::close_stdin() {
  close_fd(in_);
}

void child::drain_stderr() {
  if (err_ < 0) return;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(err_, buf, sizeof buf);
    if (n > 0) {
      stderr_.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) close_fd(err_);
    return;
  }
}

const std::string& child::stderr_text() {
  drain_stderr();
  return stderr_;
}

// Reads what stdout has, waiting at most timeout_ms for the first bytes. False on timeout.
bool child::fill(int timeout_ms) {
  pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
  const int n = ::poll(fds, err_ >= 0 ? 2 : 1, timeout_ms);
  if (n <= 0) return false;
  if (err_ >= 0 && fds[1].revents != 0) drain_stderr();
  if (fds[0].revents == 0) return true;
  if (begin_ > 0) {
    buffer_.erase(0, begin_);
    begin_ = 0;
  }
  const std::size_t old = buffer_.size();
  buffer_.resize(old + read_chunk);
  ssize_t got;
  do {
    got = ::read(out_, buffer_.data() + old, read_chunk);
  } while (got < 0 && errno == EINTR);
  buffer_.resize(old + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
  if (got <= 0) eof_ = true;
  return true;
}

std::optional<std::string_view> child::read_line(duration timeout) {
  const auto deadline = steady::now() + timeout;
  for (;;) {
    const std::size_t nl = buffer_.find('\n', begin_);
    if (nl != std::string::npos) {
      const std::string_view line(buffer_.data() + begin_, nl - begin_);
      begin_ = nl + 1;
      return line;
    }
    if (eof_ || out_ < 0) return std::nullopt;
    const int left = remaining_ms(deadline);
    if (!fill(left) && left == 0) return std::nullopt;
  }
}

bool child::reap(bool block) {
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

std::optional<int> child::wait(duration timeout) {
  const auto deadline = steady::now() + timeout;
  while (!reap(false)) {
    const int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    if (!eof_ && out_ >= 0) {
      fill(std::min(left, 5));
      buffer_.clear();
      begin_ = 0;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(left, 5)));
    }
  }
  drain_stderr();
  return status_;
}

void child::kill(int signal) {
  if (pid_ > 0 && !status_) ::kill(pid_, signal);
}

proc_usage usage_of(pid_t pid) {
  const std::string dir = pid == 0 ? "/proc/self" : "/proc/" + std::to_string(pid);
  proc_usage u;
  {
    std::ifstream stat(dir + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const auto close = text.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(text.substr(close + 2));
      std::string field;
      unsigned long long utime = 0, stime = 0;
      for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
      }
      const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
      u.cpu_user_s = static_cast<double>(utime) / tick;
      u.cpu_system_s = static_cast<double>(stime) / tick;
    }
  }
  std::ifstream status(dir + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) u.rss_kb = std::stoull(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) u.peak_kb = std::stoull(line.substr(6));
  }
  return u;
}

std::string own_directory() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<std::size_t>(n));
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace smsdrv::bench
