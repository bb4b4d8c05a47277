// smsc-sim-flood: a pipelining SMPP load client for measuring the simulator's headroom
// (docs/smsc-sim.md, "Performance"). It binds as a transmitter, keeps up to --window submit_sm
// in flight, writes them --batch at a time from one thread and counts submit_sm_resp on
// another, then prints one JSON line with the throughput. Plain POSIX sockets: it must cost as
// little CPU as possible, so that the figure is the simulator's.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "smpp/codec.hpp"

namespace {

using namespace smsdrv;

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::uint64_t count = 1'000'000;
  std::uint32_t window = 1000;
  std::uint32_t batch = 100;
  std::string system_id = "flood";
  std::string password = "flood";
  std::size_t text_size = 20;
};

constexpr std::string_view usage_text =
    "usage: smsc-sim-flood --port N [--host H] [--count N] [--window W] [--batch B]\n"
    "                      [--system-id ID] [--password PW] [--text-size 0..254]\n"
    "       smsc-sim-flood --help | --version\n"
    "Binds as a transmitter and pipelines N submit_sm (window W, written B at a time) to an SMSC,\n"
    "then prints one JSON line: the count, the answers and the rate (docs/benchmarks.md).\n";

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view k = argv[i];
    const std::string_view v = argv[i + 1];
    auto num = [&v](auto& out) {
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      return ec == std::errc() && p == v.data() + v.size();
    };
    bool ok = true;
    if (k == "--host")
      o.host = v;
    else if (k == "--port")
      ok = num(o.port);
    else if (k == "--count")
      ok = num(o.count);
    else if (k == "--window")
      ok = num(o.window);
    else if (k == "--batch")
      ok = num(o.batch);
    else if (k == "--system-id")
      o.system_id = v;
    else if (k == "--password")
      o.password = v;
    else if (k == "--text-size")
      ok = num(o.text_size);
    else
      ok = false;
    if (!ok) {
      fmt::print(stderr, "smsc-sim-flood: bad option {} {}\n", k, v);
      return false;
    }
  }
  if (o.port == 0 || o.window == 0 || o.batch == 0 || o.text_size > 254) {
    fmt::print(stderr, "{}", usage_text);
    return false;
  }
  o.batch = std::min(o.batch, o.window);
  return true;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads whole PDUs from a socket; a PDU's bytes stay valid until the next call.
class pdu_reader {
 public:
  explicit pdu_reader(int fd) : fd_(fd), buf_(1 << 20, '\0') {}

  // Calls f(header) for every PDU of the next read; false at end of stream.
  template <class F>
  bool read_batch(F&& f) {
    const ssize_t n = ::recv(fd_, buf_.data() + filled_, buf_.size() - filled_, 0);
    if (n <= 0) return false;
    filled_ += static_cast<std::size_t>(n);
    std::size_t at = 0;
    for (;;) {
      const auto fc = smpp::check_frame(std::string_view(buf_.data() + at, filled_ - at));
      if (fc.state == smpp::frame_state::bad_length) return false;
      if (fc.state == smpp::frame_state::need_more) break;
      f(smpp::read_header(std::string_view(buf_.data() + at, fc.length)));
      at += fc.length;
    }
    std::memmove(buf_.data(), buf_.data() + at, filled_ - at);
    filled_ -= at;
    return true;
  }

 private:
  int fd_;
  std::string buf_;
  std::size_t filled_ = 0;
};

int run(const options& o) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(o.port);
  if (fd < 0 || ::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    fmt::print(stderr, "smsc-sim-flood: cannot connect to {}:{}: {}\n", o.host, o.port,
               std::strerror(errno));
    return 1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  std::string out;
  smpp::bind_transmitter bind;
  bind.system_id = o.system_id;
  bind.password = o.password;
  smpp::encode(bind, 1, out);
  pdu_reader reader(fd);
  std::uint32_t bind_status = 0xFFFFFFFF;
  if (!write_all(fd, out)) return 1;
  while (bind_status == 0xFFFFFFFF)
    if (!reader.read_batch([&](const smpp::pdu_header& h) { bind_status = h.command_status; }))
      return 1;
  if (bind_status != 0) {
    fmt::print(stderr, "smsc-sim-flood: bind refused: {}\n", smpp::status_display(bind_status));
    return 1;
  }

  const std::string text(o.text_size, 'x');
  smpp::submit_sm m;
  m.source_addr = "4915100000000";
  m.destination_addr = "4917600000000";
  m.short_message = text;
  std::string one_pdu;
  smpp::encode(m, 0, one_pdu);

  std::atomic<std::uint64_t> answered{0};
  std::atomic<bool> failed{false};
  const auto start = std::chrono::steady_clock::now();
  std::thread writer([&] {
    std::string batch;
    std::uint32_t seq = 1;
    std::uint64_t sent = 0;
    while (sent < o.count && !failed.load(std::memory_order_relaxed)) {
      const std::uint64_t k = std::min<std::uint64_t>(o.batch, o.count - sent);
      const std::uint64_t done = answered.load(std::memory_order_acquire);
      if (sent + k - done > o.window) {
        answered.wait(done, std::memory_order_acquire);
        continue;
      }
      batch.clear();
      for (std::uint64_t i = 0; i < k; ++i) {
        seq = seq >= smpp::max_sequence_number ? 2 : seq + 1;
        const std::size_t at = batch.size();
        batch += one_pdu;
        char* p = batch.data() + at + 12;
        p[0] = static_cast<char>(seq >> 24);
        p[1] = static_cast<char>(seq >> 16);
        p[2] = static_cast<char>(seq >> 8);
        p[3] = static_cast<char>(seq);
      }
      if (!write_all(fd, batch)) {
        failed = true;
        return;
      }
      sent += k;
    }
  });

  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  while (ok + errors < o.count) {
    std::uint64_t n = 0;
    const bool more = reader.read_batch([&](const smpp::pdu_header& h) {
      if (h.command_id == static_cast<std::uint32_t>(smpp::command_id::submit_sm_resp) ||
          h.command_id == static_cast<std::uint32_t>(smpp::command_id::generic_nack)) {
        ++n;
        if (h.command_status == 0)
          ++ok;
        else
          ++errors;
      }
    });
    if (n > 0) {
      answered.fetch_add(n, std::memory_order_release);
      answered.notify_one();
    }
    if (!more) {
      failed = true;
      answered.fetch_add(o.count, std::memory_order_release);  // wake and stop the writer
      answered.notify_one();
      break;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  writer.join();
  out.clear();
  smpp::encode(smpp::unbind{}, 1, out);
  write_all(fd, out);
  ::close(fd);
  fmt::print(
      "{{\"event\":\"flood\",\"count\":{},\"ok\":{},\"errors\":{},\"window\":{},\"batch\":{},"
      "\"seconds\":{:.3f},\"submit_sm_per_s\":{:.0f},\"complete\":{}}}\n",
      o.count, ok, errors, o.window, o.batch, seconds,
      seconds > 0 ? static_cast<double>(ok + errors) / seconds : 0.0, !failed.load());
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    fmt::print("smsc-sim-flood {}\n", SMSDRV_VERSION);
    return 0;
  }
  if (argc == 2 && std::string_view(argv[1]) == "--help") {
    fmt::print("{}", usage_text);
    return 0;
  }
  options o;
  if (!parse(argc, argv, o)) return 2;
  return run(o);
}
