// http_get.hpp - a blocking HTTP/1.0 request to 127.0.0.1 for tests of dms-stub's metrics
// endpoint: the status code and the body, or status 0 when the connection failed.
#ifndef SMSDRV_TEST_HTTP_GET_HPP
#define SMSDRV_TEST_HTTP_GET_HPP

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace smsdrv::test {

struct http_answer {
  int status = 0;
  std::string head;
  std::string body;
};

// extra_head: more header lines, each ending in \r\n; body: sent with its Content-Length.
inline http_answer http_request(uint16_t port, const std::string& method, const std::string& path,
                                const std::string& extra_head, const std::string& body = {}) {
  http_answer out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return out;
  }
  std::string request = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n" + extra_head;
  if (!body.empty()) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string all;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    all.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const auto end = all.find("\r\n\r\n");
  if ((all.rfind("HTTP/1.1 ", 0) != 0 && all.rfind("HTTP/1.0 ", 0) != 0) ||
      end == std::string::npos)
    return out;
  out.status = std::stoi(all.substr(9, 3));
  out.head = all.substr(0, end);
  out.body = all.substr(end + 4);
  return out;
}

inline http_answer http_request(uint16_t port, const std::string& method, const std::string& path) {
  return http_request(port, method, path, "");
}

inline http_answer http_get(uint16_t port, const std::string& path) {
  return http_request(port, "GET", path);
}

// A plain (unlabelled) sample of one channel's metric in dms-stub's Prometheus text at
// http://127.0.0.1:<port>/metrics, or -1 when the endpoint or the sample is missing.
inline double metric_sample(uint16_t port, const std::string& name,
                            const std::string& channel = "channel-sms1") {
  const http_answer a = http_get(port, "/metrics");
  if (a.status != 200) return -1;
  const std::string key = name + "{driver=\"smsmms\",channel=\"" + channel + "\"} ";
  const auto at = a.body.find(key);
  if (at == std::string::npos) return -1;
  return std::stod(a.body.substr(at + key.size()));
}

}  // namespace smsdrv::test

#endif  // SMSDRV_TEST_HTTP_GET_HPP
