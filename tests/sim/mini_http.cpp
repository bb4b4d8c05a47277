#include "mini_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace smsdrv::test {
namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads a head and a Content-Length body; false when the connection closed first.
bool read_message(int fd, std::string& head, std::string& body) {
  std::string data;
  char buf[65536];
  std::size_t end = std::string::npos;
  while ((end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    data.append(buf, static_cast<std::size_t>(n));
  }
  head = data.substr(0, end);
  body = data.substr(end + 4);
  std::size_t length = 0;
  std::string lhead = lower(head);
  if (auto at = lhead.find("\r\ncontent-length:"); at != std::string::npos)
    length = std::stoul(head.substr(at + 17));
  while (body.size() < length) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    body.append(buf, static_cast<std::size_t>(n));
  }
  body.resize(length);
  return true;
}

std::map<std::string, std::string> headers_of(const std::string& head, std::string& first) {
  std::map<std::string, std::string> out;
  std::size_t at = head.find("\r\n");
  first = head.substr(0, at);
  while (at != std::string::npos) {
    std::size_t next = head.find("\r\n", at + 2);
    std::string line = head.substr(at + 2, next == std::string::npos ? next : next - at - 2);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      out[lower(line.substr(0, colon))] = value;
    }
    at = next;
  }
  return out;
}

}  // namespace

mini_response mini_post(std::uint16_t port, const std::string& target,
                        const std::vector<std::string>& headers, const std::string& body) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("mini_post: cannot connect");
  }
  std::string request = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& h : headers)
    request += h + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  mini_response out;
  std::string head;
  if (write_all(fd, request) && read_message(fd, head, out.body)) {
    std::string first;
    out.headers = headers_of(head, first);
    out.status = std::stoi(first.substr(9, 3));
  }
  ::close(fd);
  return out;
}

mini_server::mini_server(handler h) : handler_(std::move(h)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("mini_server: cannot listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

mini_server::~mini_server() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::vector<mini_request> mini_server::requests() {
  std::lock_guard lock(mutex_);
  return requests_;
}

void mini_server::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::string head;
    mini_request r;
    if (read_message(fd, head, r.body)) {
      std::string first;
      r.headers = headers_of(head, first);
      r.method = first.substr(0, first.find(' '));
      r.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(r);
      }
      mini_response answer = handler_(r);
      if (answer.status != 0) {
        std::string out =
            "HTTP/1.1 " + std::to_string(answer.status) + " X\r\nConnection: close\r\n";
        for (const auto& [k, v] : answer.headers)
          out += k + ": " + v + "\r\n";
        out += "Content-Length: " + std::to_string(answer.body.size()) + "\r\n\r\n" + answer.body;
        write_all(fd, out);
      }
    }
    ::close(fd);
  }
}

}  // namespace smsdrv::test
