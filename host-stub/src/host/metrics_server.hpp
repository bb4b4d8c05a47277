// metrics_server.hpp - dms-stub's optional HTTP endpoint for Prometheus (--metrics-port):
//
//   GET /metrics   200, text/plain; version=0.0.4: every driver's metrics (host/prometheus.hpp)
//   GET /          200, a line pointing at /metrics
//   other paths    404; methods other than GET and HEAD: 405
//
// It listens on 127.0.0.1 only: the metrics name channels and SMSCs, and nothing on the
// network needs to reach them but a local scraper (or an agent forwarding them). One thread,
// one connection at a time, HTTP/1.0 style (the connection closes after the answer); a client
// that sends no complete request head within 5 s, or more than 8 KiB of it, is dropped.
#ifndef SMSDRV_HOST_METRICS_SERVER_HPP
#define SMSDRV_HOST_METRICS_SERVER_HPP

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "host/logger.hpp"
#include "host/wakeup.hpp"

namespace smsdrv::host {

class metrics_server {
 public:
  // Listens on 127.0.0.1:port (0: a free port, see port()). render() is called on the server's
  // thread for each GET /metrics. Throws std::runtime_error naming the address and the reason.
  metrics_server(uint16_t port, std::function<std::string()> render, const logger& log);
  // Stops the thread; no render() call runs after it returns.
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  uint16_t port() const noexcept { return port_; }

 private:
  void run() noexcept;
  void serve(int fd);

  std::function<std::string()> render_;
  const logger& log_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  wakeup stop_;
  std::thread thread_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_METRICS_SERVER_HPP
