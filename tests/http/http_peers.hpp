// Real HTTP peers for the tests of the HTTP gateway channel, each started on 127.0.0.1 and
// stopped by its destructor:
//   test_gateway  tests/support/http_gateway.py: our gateway with the behaviours a test needs
//                 (slow, reset, status N, Retry-After), logging every request it received
//   tinyproxy     Debian's tinyproxy, with Basic authentication, forwarding and CONNECT
#pragma once

#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "subprocess.hpp"

namespace smsdrv::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A free TCP port on 127.0.0.1 (bound and released: a peer that needs a fixed port takes it).
inline std::uint16_t free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// Waits until 127.0.0.1:port accepts a connection.
inline bool port_open(std::uint16_t port, std::chrono::milliseconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < until) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(s);
    if (ok) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

inline fs::path scratch_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("smsdrv-" + name + "-" + std::to_string(::getpid()) + "-" +
                  std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(dir);
  return dir;
}

// One request as the gateway logged it.
struct gateway_request {
  std::string method, path, query, raw, content_type;
  std::map<std::string, std::vector<std::string>> params;
  int n = 0;
  int connection = 0;
  int client_port = 0;

  std::string param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() || it->second.empty() ? std::string() : it->second.front();
  }
};

class test_gateway {
 public:
  struct options {
    std::string success = "ACK";
    std::string tls_cert, tls_key;  // HTTPS when set
  };

  explicit test_gateway(const options& o) {
    std::vector<std::string> argv = {"python3", SMSDRV_HTTP_GATEWAY_SCRIPT, "--success", o.success};
    if (!o.tls_cert.empty()) {
      argv.insert(argv.end(), {"--tls-cert", o.tls_cert, "--tls-key", o.tls_key});
    }
    p_ = std::make_unique<subprocess>(argv);
    auto line = p_->read_line(10s);
    REQUIRE(line);
    rapidjson::Document d;
    d.Parse(line->c_str());
    REQUIRE(d.IsObject());
    REQUIRE(d.HasMember("listening"));
    port_ = static_cast<std::uint16_t>(d["listening"].GetInt());
  }
  test_gateway() : test_gateway(options{}) {}

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path, bool https = false) const {
    return (https ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(port_) + path;
  }

  // Every request logged so far, waiting up to `wait` for at least `at_least` of them.
  const std::vector<gateway_request>& requests(std::size_t at_least = 0,
                                               std::chrono::milliseconds wait = 5s) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (true) {
      while (auto line = p_->read_line(requests_.size() >= at_least ? 50ms : 200ms))
        add(*line);
      if (requests_.size() >= at_least || std::chrono::steady_clock::now() >= until) break;
    }
    return requests_;
  }

 private:
  void add(const std::string& line) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (!d.IsObject() || !d.HasMember("n")) return;
    gateway_request r;
    r.n = d["n"].GetInt();
    r.method = d["method"].GetString();
    r.path = d["path"].GetString();
    r.query = d["query"].GetString();
    r.raw = d["raw"].GetString();
    r.content_type = d["content_type"].GetString();
    r.connection = d["connection"].GetInt();
    r.client_port = d["client_port"].GetInt();
    for (auto& m : d["params"].GetObject()) {
      auto& values = r.params[m.name.GetString()];
      for (auto& v : m.value.GetArray())
        values.emplace_back(v.GetString());
    }
    requests_.push_back(std::move(r));
  }

  std::unique_ptr<subprocess> p_;
  std::uint16_t port_ = 0;
  std::vector<gateway_request> requests_;
};

// tinyproxy on a port of its own, Basic authentication `user`:`password`, CONNECT allowed to
// `connect_port`.
class tinyproxy {
 public:
  tinyproxy(const std::string& user, const std::string& password, std::uint16_t connect_port) {
    dir_ = scratch_dir("tinyproxy");
    port_ = free_port();
    std::ofstream(dir_ / "tinyproxy.conf")
        << "Port " << port_ << "\nListen 127.0.0.1\nTimeout 30\nMaxClients 100\n"
        << "Allow 127.0.0.1\nBasicAuth " << user << " " << password << "\n"
        << "ConnectPort " << connect_port << "\nLogLevel Info\n"
        << "LogFile \"" << (dir_ / "tinyproxy.log").string() << "\"\n"
        << "PidFile \"" << (dir_ / "tinyproxy.pid").string() << "\"\n";
    spawn_options o;
    o.pipe_stdin = false;
    p_ = std::make_unique<subprocess>(
        std::vector<std::string>{"tinyproxy", "-d", "-c", (dir_ / "tinyproxy.conf").string()}, o);
    REQUIRE(port_open(port_, 10s));
  }
  ~tinyproxy() {
    p_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  fs::path dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<subprocess> p_;
};

}  // namespace smsdrv::test
