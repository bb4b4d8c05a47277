// A real redis-server (Debian's) on 127.0.0.1 and a free port, without persistence, for the tests
// beside Redis and the benchmarks of the shared limits (docs/scaling.md).
//
//   smsdrv::local_redis::redis_server redis;            // listening when constructed
//   connect to 127.0.0.1:redis.port()
//   redis.stop(); ... redis.start();                     // an outage, then the same port again
//
// Contracts:
//  - The constructor and start() return once the server accepts connections on port(), or
//    throw std::runtime_error naming the program and the port (and what it wrote on stderr); a
//    program that cannot be started throws std::system_error naming it.
//  - The server is killed (SIGKILL) and reaped when the object goes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "subprocess/subprocess.hpp"

namespace smsdrv::local_redis {

struct redis_options {
  std::string program = "redis-server";  // searched in PATH when it has no '/'
  std::string password;                  // non-empty: --requirepass (AUTH required)
};

class redis_server {
 public:
  redis_server() : redis_server(redis_options{}) {}
  explicit redis_server(redis_options options);

  std::uint16_t port() const noexcept { return port_; }
  // The running server's process id; -1 while stopped.
  pid_t pid() const noexcept { return process_ ? process_->pid() : -1; }

  // Starts the server again on the same port after stop().
  void start();
  // SIGKILL: connections drop at once, nothing is answered; reaped before it returns.
  void stop();
  // SIGSTOP / SIGCONT: connections stay open and nothing is answered meanwhile (a hung server).
  void pause();
  void resume();

 private:
  redis_options options_;
  std::uint16_t port_ = 0;
  std::unique_ptr<proc::subprocess> process_;
};

// A TCP port on 127.0.0.1 that nothing listens on at the moment of the call.
std::uint16_t free_loopback_port();

}  // namespace smsdrv::local_redis
