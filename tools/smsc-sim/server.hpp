// The simulator's network shell: a Boost.Asio TCP listener on one single-threaded io_context
// driving the smsc state machine. Asio stays behind this interface (server.cpp and
// connection.hpp are the only files that include it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config.hpp"
#include "smsc.hpp"

namespace smsdrv::sim {

class server {
 public:
  // Opens the listening socket at once, so port() is known; throws std::system_error when the
  // address cannot be bound.
  server(sim_config config, event_sink& events);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  std::uint16_t port() const noexcept;
  // SIGINT and SIGTERM stop run() (the program; not for a server inside a test).
  void handle_signals();
  // Prints `listening`, writes --port-file, then serves until stop() or an `exit` command.
  void run();
  // Thread-safe.
  void stop();
  // Thread-safe: one stdin command line.
  void command(std::string line);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace smsdrv::sim
