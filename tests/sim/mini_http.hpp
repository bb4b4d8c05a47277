// A minimal blocking HTTP/1.1 client and server over loopback for the MMSC simulator's tests:
// enough to POST one request and to answer requests with a handler. One request per
// connection (Connection: close); bodies by Content-Length.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace smsdrv::test {

struct mini_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct mini_response {
  int status = 0;  // 0: the connection closed without an answer
  std::map<std::string, std::string> headers;
  std::string body;
};

// POSTs body to 127.0.0.1:port; extra headers as "Name: value" lines.
mini_response mini_post(std::uint16_t port, const std::string& target,
                        const std::vector<std::string>& headers, const std::string& body);

class mini_server {
 public:
  // The handler's answer; a status of 0 closes the connection without one.
  using handler = std::function<mini_response(const mini_request&)>;
  explicit mini_server(handler h);
  ~mini_server();
  std::uint16_t port() const noexcept { return port_; }
  std::vector<mini_request> requests();

 private:
  void serve();
  handler handler_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<mini_request> requests_;
  std::thread thread_;
};

}  // namespace smsdrv::test
