// Loopback peers for ABI tests of a channel's MMS side: an MMSC that never answers (a SubmitReq
// stays in flight until the driver gives up on it), the MMSC's side of a DeliverReq posted to
// the driver's listener, a free port, and the process's count of open descriptors.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http_get.hpp"
#include "loopback_listener.hpp"

namespace smsdrv::test {

inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// True when a TCP connection to 127.0.0.1:port is accepted.
inline bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

inline std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// What each open descriptor is ("socket:[123]", "anon_inode:[eventfd]", a path), for a message.
inline std::string describe_descriptors() {
  std::string out;
  for (int fd = 0; fd < 1024; ++fd) {
    char link[64], target[256];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = ::readlink(link, target, sizeof target - 1);
    if (n <= 0) continue;
    out += std::to_string(fd) + "=" + std::string(target, static_cast<std::size_t>(n)) + " ";
  }
  return out;
}

inline std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

// Posts a golden MM7 request (a Content-Type line, a blank line, the body: tests/unit/mm7/golden)
// to the listener at port; the answer comes when the driver gives it.
inline std::future<http_answer> post_golden(std::uint16_t port, const std::string& golden) {
  const auto split = golden.find("\n\n");
  const std::string head = golden.substr(0, split) + "\r\nSOAPAction: \"\"\r\n";
  const std::string body = golden.substr(split + 2);
  return std::async(std::launch::async,
                    [port, head, body] { return http_request(port, "POST", "/mm7", head, body); });
}

// Takes connections and reads what comes, never answering.
class silent_mmsc {
 public:
  silent_mmsc() {
    listener_ = test_support::listen_on_loopback(16, port_);
    thread_ = std::thread([this] { run(); });
  }
  ~silent_mmsc() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
    for (auto& [fd, seen] : conns_)
      ::close(fd);
  }
  silent_mmsc(const silent_mmsc&) = delete;
  silent_mmsc& operator=(const silent_mmsc&) = delete;

  std::uint16_t port() const { return port_; }
  // Request lines "POST " read so far.
  std::size_t posts() const { return posts_.load(); }

 private:
  void run() {
    while (!stop_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (auto& [fd, seen] : conns_)
        fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        const int c = ::accept(listener_, nullptr, nullptr);
        if (c >= 0) conns_[c];
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[16384];
        const ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
        if (n <= 0) {
          ::close(fds[i].fd);
          conns_.erase(fds[i].fd);
          continue;
        }
        std::string& seen = conns_[fds[i].fd];
        seen.append(buf, static_cast<std::size_t>(n));
        for (std::size_t at; (at = seen.find("POST ")) != std::string::npos;) {
          ++posts_;
          seen.erase(0, at + 5);
        }
        if (seen.size() > 8) seen.erase(0, seen.size() - 8);
      }
    }
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> posts_{0};
  std::map<int, std::string> conns_;  // I/O thread; read by the destructor after join
};

}  // namespace smsdrv::test
