// console_server.hpp - carries console_app's requests and answers over HTTP/1.1 with
// Boost.Beast, on one thread of its own (the only translation unit of dms-stub with Beast).
//
// Bounds: a request head up to 8 KiB, a body up to 64 KiB, 10 s to send a request or take an
// answer, 64 connections at a time (more are closed at once). Keep-alive as the client asks.
#ifndef SMSDRV_CONSOLE_CONSOLE_SERVER_HPP
#define SMSDRV_CONSOLE_CONSOLE_SERVER_HPP

#include <cstdint>
#include <memory>
#include <string>

#include "console/console_app.hpp"
#include "host/logger.hpp"

namespace smsdrv::console {

class console_server {
 public:
  // Listens on address:port (an IPv4 or IPv6 literal; port 0 picks a free one, see port()).
  // `option` names the command-line option in errors: "--console: cannot listen on
  // 127.0.0.1:8080: Address already in use". app.handle() runs on the server's thread only.
  console_server(std::string option, const std::string& address, uint16_t port, console_app& app,
                 const host::logger& log);
  // Stops the thread; no app.handle() runs after it returns.
  ~console_server();
  console_server(const console_server&) = delete;
  console_server& operator=(const console_server&) = delete;

  uint16_t port() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace smsdrv::console

#endif  // SMSDRV_CONSOLE_CONSOLE_SERVER_HPP
