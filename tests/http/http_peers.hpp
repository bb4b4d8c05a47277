// Real HTTP peers for the tests of the HTTP gateway channel, each started on 127.0.0.1 and
// stopped by its destructor:
//   test_gateway  tests/support/http_gateway.py: our gateway with the behaviours a test needs
//                 (slow, reset, status N, Retry-After), logging every request it received
//   tinyproxy     Debian's tinyproxy, with Basic authentication, forwarding and CONNECT
//   kannel        Debian's Kannel: bearerbox + smsbox (sendsms) + fakesmsc behind it
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

// The whole answer (head and body) to an HTTP/1.0 GET on 127.0.0.1:port; "" when it failed.
inline std::string raw_get(std::uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string all;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
      all.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return all;
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

namespace smsdrv::test {

// Kannel as an independent HTTP SMS gateway: bearerbox with a fake SMSC, smsbox with its
// sendsms interface (user `tester`, password `foobar`), and Kannel's fakesmsc as the SMSC that
// receives every message. sms-outgoing-queue-limit 1: with the SMSC gone, sendsms answers 503.
class kannel {
 public:
  kannel() {
    dir_ = scratch_dir("kannel");
    admin_ = free_port();
    smsbox_ = free_port();
    smsc_ = free_port();
    sendsms_ = free_port();
    std::ofstream(dir_ / "kannel.conf")
        << "group = core\nadmin-port = " << admin_ << "\nadmin-password = adminpw\n"
        << "smsbox-port = " << smsbox_ << "\nbox-allow-ip = 127.0.0.1\n"
        << "log-file = \"" << (dir_ / "bearerbox.log").string() << "\"\nlog-level = 1\n"
        << "sms-outgoing-queue-limit = 1\n\n"
        << "group = smsc\nsmsc = fake\nsmsc-id = FAKE\nport = " << smsc_
        << "\nconnect-allow-ip = 127.0.0.1\n\n"
        << "group = smsbox\nbearerbox-host = 127.0.0.1\nbearerbox-port = " << smsbox_
        << "\nsendsms-port = " << sendsms_ << "\nglobal-sender = 12345\n"
        << "log-file = \"" << (dir_ / "smsbox.log").string() << "\"\nlog-level = 1\n\n"
        << "group = sendsms-user\nusername = tester\npassword = foobar\nmax-messages = 10\n"
        << "concatenation = true\n";
    spawn_options quiet;
    quiet.pipe_stdin = false;
    const std::string conf = (dir_ / "kannel.conf").string();
    bearerbox_ = std::make_unique<subprocess>(std::vector<std::string>{"bearerbox", conf}, quiet);
    REQUIRE(port_open(smsbox_, 15s));
    smsbox_process_ = std::make_unique<subprocess>(std::vector<std::string>{"smsbox", conf}, quiet);
    REQUIRE(port_open(sendsms_, 15s));
    start_smsc();
  }
  ~kannel() {
    fakesmsc_.reset();
    smsbox_process_.reset();
    bearerbox_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::uint16_t sendsms_port() const { return sendsms_; }
  std::string sendsms_url() const {
    return "http://127.0.0.1:" + std::to_string(sendsms_) + "/cgi-bin/sendsms";
  }

  // The fake SMSC: connected (messages flow) or gone (sendsms queues one, then answers 503).
  void start_smsc() {
    scanned_ = 0;
    fakesmsc_ = std::make_unique<subprocess>(
        std::vector<std::string>{"/usr/lib/kannel/test/fakesmsc", "-H", "127.0.0.1", "-r",
                                 std::to_string(smsc_), "-m", "0", "1 2 text unused"});
    // Connected once bearerbox lists the SMSC online.
    const auto until = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < until && !smsc_online())
      std::this_thread::sleep_for(100ms);
    REQUIRE(smsc_online());
  }
  void stop_smsc() {
    collect();
    fakesmsc_.reset();
    const auto until = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < until && smsc_online())
      std::this_thread::sleep_for(100ms);
  }

  // The texts the fake SMSC received ("Got message N: <from to text ...>"), in order.
  const std::vector<std::string>& delivered(std::size_t at_least = 0,
                                            std::chrono::milliseconds wait = 10s) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (true) {
      collect();
      if (delivered_.size() >= at_least || std::chrono::steady_clock::now() >= until) break;
      std::this_thread::sleep_for(50ms);
    }
    return delivered_;
  }

 private:
  bool smsc_online() const {
    // "FAKE[FAKE]    FAKE:<port> (online 1s, ..." in bearerbox's status page.
    const std::string page = raw_get(admin_, "/status.txt?password=adminpw");
    const auto at = page.find("FAKE[FAKE]");
    if (at == std::string::npos) return false;
    const auto online = page.find("(online", at);
    return online != std::string::npos && online < page.find('\n', at);
  }
  void collect() {
    if (!fakesmsc_) return;
    const std::string& all = fakesmsc_->stderr_text();
    std::size_t at = scanned_;
    while (true) {
      const std::size_t got = all.find("Got message ", at);
      if (got == std::string::npos) break;
      const std::size_t open = all.find('<', got), close = all.find(">\n", got);
      if (open == std::string::npos || close == std::string::npos) break;
      delivered_.push_back(all.substr(open + 1, close - open - 1));
      at = close + 2;
    }
    scanned_ = at;
  }

  fs::path dir_;
  std::uint16_t admin_ = 0, smsbox_ = 0, smsc_ = 0, sendsms_ = 0;
  std::unique_ptr<subprocess> bearerbox_, smsbox_process_, fakesmsc_;
  std::vector<std::string> delivered_;
  std::size_t scanned_ = 0;
};

}  // namespace smsdrv::test
