// http-sink: the loopback HTTP peer of the HTTP gateway benchmarks (docs/benchmarks.md).
//
//   http-sink serve [--port P] [--body TEXT]
//       An HTTP/1.1 server with keep-alive that answers every request 200 "<TEXT> id=<n>" at
//       once. Prints {"event":"listening","port":P}; on the line "stats" from stdin prints
//       {"event":"stats","requests":N,"cpu_s":C,"uptime_s":U}; ends at end of input.
//   http-sink load --port P --path PATH --count N [--concurrency C]
//       GET PATH?...&n=<i> N times on C keep-alive connections (a load generator for Kannel's
//       sendsms, and the floor of any client on the sink: one write and one read per request,
//       nothing parsed beyond the length); prints
//       {"event":"load","requests":N,"ok":K,"seconds":S,"cpu_s":C} (C: this process's CPU).
//
// One thread, Boost.Asio; requests are parsed only as far as needed (the end of the headers,
// Content-Length), so that the sink costs far less per request than any client measured on it.
#include <fmt/format.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The Content-Length of a request or response head (0 when absent).
std::size_t content_length(std::string_view head) {
  constexpr std::string_view name = "\r\ncontent-length:";
  for (std::size_t i = 0; i + name.size() <= head.size(); ++i) {
    std::size_t j = 0;
    while (j < name.size() && lower(head[i + j]) == name[j])
      ++j;
    if (j < name.size()) continue;
    std::size_t k = i + j;
    while (k < head.size() && head[k] == ' ')
      ++k;
    std::size_t n = 0;
    std::from_chars(head.data() + k, head.data() + head.size(), n);
    return n;
  }
  return 0;
}

struct sink_state {
  std::uint64_t requests = 0;
  std::string body = "ACK";
};

class sink_connection : public std::enable_shared_from_this<sink_connection> {
 public:
  sink_connection(tcp::socket s, sink_state& state) : socket_(std::move(s)), state_(state) {
    socket_.set_option(tcp::no_delay(true));
  }
  void start() { read(); }

 private:
  void read() {
    auto self = shared_from_this();
    const std::size_t at = in_.size();
    in_.resize(at + 16384);
    socket_.async_read_some(asio::buffer(in_.data() + at, 16384),
                            [this, self, at](const boost::system::error_code& ec, std::size_t n) {
                              in_.resize(at + n);
                              if (ec) return;
                              handle();
                            });
  }

  void handle() {
    std::size_t used = 0;
    std::string_view data(in_);
    while (true) {
      const std::size_t end = data.find("\r\n\r\n", used);
      if (end == std::string_view::npos) break;
      const std::size_t body = content_length(data.substr(used, end - used + 2));
      if (end + 4 + body > data.size()) break;
      used = end + 4 + body;
      const std::string text = fmt::format("{} id={}", state_.body, ++state_.requests);
      fmt::format_to(std::back_inserter(out_),
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{}",
                     text.size(), text);
    }
    in_.erase(0, used);
    if (out_.empty()) {
      read();
      return;
    }
    auto self = shared_from_this();
    writing_.swap(out_);
    out_.clear();
    asio::async_write(socket_, asio::buffer(writing_),
                      [this, self](const boost::system::error_code& ec, std::size_t) {
                        if (!ec) read();
                      });
  }

  tcp::socket socket_;
  sink_state& state_;
  std::string in_;
  std::string out_;
  std::string writing_;
};

void accept(tcp::acceptor& acceptor, sink_state& state) {
  acceptor.async_accept([&](const boost::system::error_code& ec, tcp::socket s) {
    if (!ec) std::make_shared<sink_connection>(std::move(s), state)->start();
    accept(acceptor, state);
  });
}

int serve(unsigned short port, std::string body) {
  asio::io_context io(1);
  sink_state state;
  state.body = std::move(body);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  accept(acceptor, state);
  fmt::print("{{\"event\":\"listening\",\"port\":{}}}\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  const auto started = clock_type::now();
  asio::posix::stream_descriptor input(io, ::dup(0));
  asio::streambuf lines;
  std::function<void()> next_line = [&] {
    asio::async_read_until(
        input, lines, '\n', [&](const boost::system::error_code& ec, std::size_t n) {
          if (ec) {
            io.stop();
            return;
          }
          std::string line(asio::buffers_begin(lines.data()),
                           asio::buffers_begin(lines.data()) + static_cast<std::ptrdiff_t>(n));
          lines.consume(n);
          if (line.starts_with("stats")) {
            fmt::print(
                "{{\"event\":\"stats\",\"requests\":{},\"cpu_s\":{:.3f},"
                "\"uptime_s\":{:.3f}}}\n",
                state.requests, cpu_seconds(),
                std::chrono::duration<double>(clock_type::now() - started).count());
            std::fflush(stdout);
          }
          next_line();
        });
  };
  next_line();
  io.run();
  return 0;
}

class load_connection : public std::enable_shared_from_this<load_connection> {
 public:
  load_connection(asio::io_context& io, std::string path, std::uint64_t& next, std::uint64_t count,
                  std::uint64_t& ok, std::uint64_t& done)
      : socket_(io), path_(std::move(path)), next_(next), count_(count), ok_(ok), done_(done) {}

  void start(const tcp::endpoint& to) {
    auto self = shared_from_this();
    socket_.async_connect(to, [this, self](const boost::system::error_code& ec) {
      if (ec) throw std::runtime_error("load: cannot connect: " + ec.message());
      socket_.set_option(tcp::no_delay(true));
      send();
    });
  }

 private:
  void send() {
    if (next_ >= count_) return;
    const std::uint64_t n = next_++;
    request_ = fmt::format("GET {}{}n={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path_,
                           path_.find('?') == std::string::npos ? '?' : '&', n);
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(request_),
                      [this, self](const boost::system::error_code& ec, std::size_t) {
                        if (ec) throw std::runtime_error("load: write failed: " + ec.message());
                        receive();
                      });
  }

  void receive() {
    std::string_view data(in_);
    const std::size_t end = data.find("\r\n\r\n");
    if (end != std::string_view::npos) {
      const std::size_t body = content_length(data.substr(0, end + 2));
      if (end + 4 + body <= data.size()) {
        if (data.starts_with("HTTP/1.1 2") || data.starts_with("HTTP/1.0 2")) ++ok_;
        ++done_;
        in_.erase(0, end + 4 + body);
        send();
        return;
      }
    }
    auto self = shared_from_this();
    const std::size_t at = in_.size();
    in_.resize(at + 4096);
    socket_.async_read_some(asio::buffer(in_.data() + at, 4096),
                            [this, self, at](const boost::system::error_code& ec, std::size_t n) {
                              in_.resize(at + n);
                              if (ec)
                                throw std::runtime_error("load: read failed: " + ec.message());
                              receive();
                            });
  }

  tcp::socket socket_;
  std::string path_;
  std::uint64_t& next_;
  std::uint64_t count_;
  std::uint64_t& ok_;
  std::uint64_t& done_;
  std::string request_;
  std::string in_;
};

int load(unsigned short port, const std::string& path, std::uint64_t count, unsigned concurrency) {
  asio::io_context io(1);
  std::uint64_t next = 0, ok = 0, done = 0;
  const tcp::endpoint to(asio::ip::make_address("127.0.0.1"), port);
  const auto t0 = clock_type::now();
  for (unsigned i = 0; i < concurrency; ++i)
    std::make_shared<load_connection>(io, path, next, count, ok, done)->start(to);
  io.run();
  const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
  fmt::print(
      "{{\"event\":\"load\",\"requests\":{},\"ok\":{},\"seconds\":{:.3f},\"cpu_s\":{:.3f}}}\n",
      done, ok, s, cpu_seconds());
  return ok == count ? 0 : 1;
}

constexpr std::string_view usage_text =
    "usage: http-sink serve [--port P] [--body TEXT]\n"
    "       http-sink load --port P --path PATH --count N [--concurrency C]\n"
    "       http-sink --help | --version\n"
    "A loopback HTTP/1.1 peer for the HTTP gateway benchmarks (docs/benchmarks.md).\n";

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.size() == 1 && args[0] == "--version") {
      fmt::print("http-sink {}\n", SMSDRV_VERSION);
      return 0;
    }
    auto value = [&](std::string_view flag, std::string_view fallback) {
      for (std::size_t i = 1; i + 1 < args.size(); ++i)
        if (args[i] == flag) return std::string(args[i + 1]);
      return std::string(fallback);
    };
    auto number = [&](std::string_view flag, std::uint64_t fallback) {
      const std::string v = value(flag, "");
      if (v.empty()) return fallback;
      std::uint64_t n = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || p != v.data() + v.size())
        throw std::runtime_error(fmt::format("{} needs a number, not '{}'", flag, v));
      return n;
    };
    if (!args.empty() && args[0] == "serve")
      return serve(static_cast<unsigned short>(number("--port", 0)), value("--body", "ACK"));
    if (!args.empty() && args[0] == "load")
      return load(static_cast<unsigned short>(number("--port", 0)), value("--path", "/"),
                  number("--count", 1000), static_cast<unsigned>(number("--concurrency", 32)));
    const bool help = args.size() == 1 && args[0] == "--help";
    fmt::print(help ? stdout : stderr, "{}", usage_text);
    return help ? 0 : 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "http-sink: {}\n", e.what());
    return 1;
  }
}
