// redis_server.hpp - a real redis-server (Debian's) for tests, on 127.0.0.1 and a free port,
// without persistence; stop() and start() again on the same port simulate an outage.
#ifndef SMSDRV_TEST_REDIS_SERVER_HPP
#define SMSDRV_TEST_REDIS_SERVER_HPP

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "subprocess.hpp"

namespace smsdrv::test {

class redis_server {
 public:
  explicit redis_server(std::string password = {}) : password_(std::move(password)) {
    port_ = free_port();
    start();
  }

  std::uint16_t port() const noexcept { return port_; }

  void start() {
    std::vector<std::string> argv{
        "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no",     "--loglevel",          "warning"};
    if (!password_.empty()) {
      argv.push_back("--requirepass");
      argv.push_back(password_);
    }
    spawn_options options;
    options.pipe_stdin = false;
    process_ = std::make_unique<subprocess>(argv, options);
    for (int i = 0; i < 100; ++i) {
      if (accepts()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("redis-server did not listen on port " + std::to_string(port_) + ": " +
                             process_->stderr_text());
  }

  // SIGSTOP / SIGCONT: connections stay open and nothing is answered meanwhile (a hung server).
  void pause() { process_->kill(SIGSTOP); }
  void resume() { process_->kill(SIGCONT); }

  // SIGKILL: connections drop at once, nothing is answered.
  void stop() {
    process_->kill(9);
    process_->wait(std::chrono::seconds(5));
    process_.reset();
  }

 private:
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ::close(fd);
      throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(a.sin_port);
  }

  bool accepts() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port_);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  }

  std::string password_;
  std::uint16_t port_ = 0;
  std::unique_ptr<subprocess> process_;
};

}  // namespace smsdrv::test

#endif
