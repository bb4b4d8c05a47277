#include "host/metrics_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "smsdrv/smsdrv.h"

namespace smsdrv::host {
namespace {

constexpr size_t max_head = 8192;
constexpr int head_timeout_ms = 5000;
constexpr int write_timeout_s = 5;

std::string response(std::string_view status, std::string_view content_type,
                     const std::string& body, bool head, std::string_view extra = {}) {
  std::string out = "HTTP/1.1 ";
  out += status;
  out += "\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  out += extra;
  out += "Connection: close\r\n\r\n";
  if (!head) out += body;
  return out;
}

void write_all(int fd, const std::string& data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::send(fd, p, left, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away or is too slow (SO_SNDTIMEO)
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

metrics_server::metrics_server(uint16_t port, std::function<std::string()> render,
                               const logger& log)
    : render_(std::move(render)), log_(log) {
  const std::string address = "127.0.0.1:" + std::to_string(port);
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0)
    throw std::runtime_error("--metrics-port: cannot create a socket: " +
                             std::string(std::strerror(errno)));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("--metrics-port: cannot listen on " + address + ": " + why);
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

metrics_server::~metrics_server() {
  stop_.signal();
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

void metrics_server::run() noexcept {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_.fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log_.log(SMSDRV_LOG_ERROR, "dms-stub", "metrics endpoint stopped: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    try {
      serve(fd);
    } catch (const std::exception& e) {
      log_.log(SMSDRV_LOG_WARN, "dms-stub", "metrics request failed: {}", e.what());
    }
    ::close(fd);
  }
}

void metrics_server::serve(int fd) {
  const timeval tv{write_timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string head;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(head_timeout_ms);
  while (head.find("\r\n\r\n") == std::string::npos && head.find("\n\n") == std::string::npos) {
    if (head.size() > max_head) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return;
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_.fd(), POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(left)) <= 0 || fds[1].revents != 0) return;
    char buf[2048];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    head.append(buf, static_cast<size_t>(n));
  }
  // Request line: METHOD SP target SP version (RFC 9112 §3).
  const std::string_view line = std::string_view(head).substr(0, head.find_first_of("\r\n"));
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    write_all(fd, response("400 Bad Request", "text/plain; charset=utf-8", "bad request\n", false));
    return;
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  target = target.substr(0, target.find('?'));
  const bool head_only = method == "HEAD";
  if (method != "GET" && !head_only) {
    write_all(fd, response("405 Method Not Allowed", "text/plain; charset=utf-8",
                           "only GET and HEAD\n", false, "Allow: GET, HEAD\r\n"));
    return;
  }
  if (target == "/metrics") {
    write_all(fd,
              response("200 OK", "text/plain; version=0.0.4; charset=utf-8", render_(), head_only));
  } else if (target == "/") {
    write_all(fd, response("200 OK", "text/plain; charset=utf-8",
                           "dms-stub: the drivers' metrics are at /metrics\n", head_only));
  } else {
    write_all(fd, response("404 Not Found", "text/plain; charset=utf-8",
                           "not found; try /metrics\n", head_only));
  }
}

}  // namespace smsdrv::host
