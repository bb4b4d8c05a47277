// mmsc-sim's network shell: a Boost.Beast HTTP server for the VASP's SubmitReq and an HTTP
// client for the requests to the VASP, on one single-threaded io_context driving the mmsc state
// machine. Asio and Beast stay behind this interface (server.cpp is the only file that includes
// them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config.hpp"
#include "event.hpp"

namespace smsdrv::mmsc_sim {

class server {
 public:
  // Opens the listening socket at once, so port() is known; throws std::exception when the
  // address cannot be bound or --vasp-url cannot be used.
  server(sim_config config, event_sink& events);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  std::uint16_t port() const noexcept;
  // SIGINT and SIGTERM stop run().
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

}  // namespace smsdrv::mmsc_sim
