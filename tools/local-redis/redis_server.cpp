#include "local_redis/redis_server.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace smsdrv::local_redis {
namespace {

using namespace std::chrono_literals;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in a = loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("no socket for a free port on 127.0.0.1");
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  if (!bound) throw std::runtime_error("no free port on 127.0.0.1");
  return ntohs(a.sin_port);
}

redis_server::redis_server(redis_options options) : options_(std::move(options)) {
  port_ = free_loopback_port();
  start();
}

void redis_server::start() {
  std::vector<std::string> argv{
      options_.program, "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
      "--appendonly",   "no",     "--loglevel",          "warning"};
  if (!options_.password.empty()) {
    argv.emplace_back("--requirepass");
    argv.push_back(options_.password);
  }
  proc::spawn_options spawn;
  spawn.pipe_stdin = false;
  spawn.keep_stdout_on_wait = false;
  process_ = std::make_unique<proc::subprocess>(argv, spawn);
  for (int i = 0; i < 100; ++i) {
    if (accepts(port_)) return;
    if (!process_->running()) break;
    std::this_thread::sleep_for(50ms);
  }
  // redis-server logs to stdout (a port taken, a bad option): what it said goes into the error.
  std::string said = process_->stderr_text();
  for (int lines = 0; lines < 20; ++lines) {
    const auto line = process_->read_line(0ms);
    if (!line) break;
    said += (said.empty() ? "" : "; ") + *line;
  }
  process_.reset();
  throw std::runtime_error(
      options_.program + " did not listen on 127.0.0.1:" + std::to_string(port_) +
      " (apt-get install redis-server)" + (said.empty() ? std::string() : ": " + said));
}

void redis_server::stop() {
  if (!process_) return;
  process_->kill(SIGKILL);
  process_->wait(5s);
  process_.reset();
}

void redis_server::pause() {
  if (process_) process_->kill(SIGSTOP);
}

void redis_server::resume() {
  if (process_) process_->kill(SIGCONT);
}

}  // namespace smsdrv::local_redis
