#include "mms_bench.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "host_loop.hpp"
#include "json.hpp"
#include "process.hpp"
#include "progress.hpp"
#include "smsdrv/smsdrv.hpp"

namespace smsdrv::bench {
namespace {

namespace fs = std::filesystem;
using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* channel_name = "channel-mms-bench";

// A port nothing listens on now (the driver's listener binds it a moment later).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string image_of(std::size_t size) {
  std::mt19937 gen(7);
  std::string s(size, '\0');
  for (char& c : s)
    c = static_cast<char>(gen() & 0xFF);
  if (size >= 4) s.replace(0, 4, "\xFF\xD8\xFF\xE0");  // a JPEG's first bytes
  return s;
}

std::string base64(std::string_view bytes) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int s : {18, 12, 6, 0})
      out += table[(v >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = at(i) << 16;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = at(i) << 16 | at(i + 1) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Bytes the process has taken from malloc and not freed (every arena, mmapped blocks included).
std::int64_t heap_in_use() {
  const struct mallinfo2 m = ::mallinfo2();
  return static_cast<std::int64_t>(m.uordblks + m.hblkhd);
}

// mmsc-sim --quiet: its port, its counters on demand.
class mmsc_process {
 public:
  mmsc_process(const std::string& program, int vasp_port, std::uint32_t connections)
      : proc_({program, "--quiet", "--no-part-bytes", "--account", "bench:bench", "--vasp-url",
               fmt::format("http://127.0.0.1:{}/mm7", vasp_port), "--vasp-user", "mmsc:mmsc",
               "--vasp-connections", std::to_string(connections), "--dlr-status", "none",
               "--read-status", "none", "--max-body", std::to_string(64 << 20)}) {
    auto line = proc_.read_line_view(10s);
    auto j = line ? json_object::parse(*line) : std::nullopt;
    if (!j || !j->number("port")) throw std::runtime_error("mmsc-sim did not start");
    port_ = static_cast<int>(*j->number("port"));
  }
  ~mmsc_process() {
    proc_.try_write("{\"cmd\":\"exit\"}\n");
    proc_.wait(5s);
  }
  int port() const { return port_; }
  pid_t pid() const { return proc_.pid(); }
  void command(const std::string& line) { proc_.try_write(line + "\n"); }
  // The next `stats` event (other lines, e.g. failed post-results, are skipped).
  json_object stats() {
    proc_.try_write("{\"cmd\":\"stats\"}\n");
    for (;;) {
      auto line = proc_.read_line_view(10s);
      if (!line) throw std::runtime_error("mmsc-sim gave no stats");
      auto j = json_object::parse(*line);
      if (j && j->string("event") == "stats") return *j;
    }
  }

 private:
  child proc_;
  int port_ = 0;
};

}  // namespace

std::string run_mms(const mms_bench_options& o) {
  const int listen_port = free_port();
  mmsc_process sim(o.sim, listen_port, o.concurrency);
  const fs::path dir = fs::temp_directory_path() / fmt::format("smpp-bench-mms-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path settings = dir / "mms.cfg";
  std::ofstream(settings) << "[mmsc]\nurl = http://127.0.0.1:" << sim.port()
                          << "/mm7\nuser = bench\npassword = bench\nvasp-id = bench\n"
                          << "max-in-flight = " << o.concurrency
                          << "\n[listener]\nport = " << listen_port
                          << "\naddress = 127.0.0.1\nuser = mmsc\npassword = mmsc\n"
                          << "max-connections = " << std::max<std::uint32_t>(o.concurrency, 4)
                          << "\n[limits]\nmax-message-size = " << (64 << 20) << "\n";

  notify_flag wake;
  smsdrv::module module(o.module);
  // Errors only: the SMPP side of the channel, pointing nowhere, warns at every reconnection.
  auto driver = std::make_unique<smsdrv::driver>(module, notifying_host(wake, SMSDRV_LOG_ERROR));
  // The SMPP side points at a port nothing listens on: MMS does not need it.
  driver->configure(channel_name, {{"x-smpp-host", "127.0.0.1"},
                                   {"x-smpp-port", "1"},
                                   {"x-smpp-system-id", "bench"},
                                   {"x-smpp-queue-size", "100000"},
                                   {"x-jsms-config-file", settings.string()}});
  const smsdrv_driver_api& api = driver->api();
  smsdrv_driver* handle = driver->handle();

  const std::string image = image_of(o.image_size);
  smsdrv_part part{};
  part.struct_size = sizeof part;
  part.content_type = "image/jpeg";
  part.name = "photo.jpg";
  part.data = reinterpret_cast<const std::uint8_t*>(image.data());
  part.size = image.size();
  const smsdrv_part* parts[1] = {&part};
  const char* keys[3] = {"_smsDestNumber", "Subject", "_smsText"};
  const char* values[3] = {"4917600000000", "bench", "A picture"};
  smsdrv_request request{};
  request.struct_size = sizeof request;
  request.channel = channel_name;
  request.request = "SendMMS";
  request.count = 3;
  request.keys = keys;
  request.values = values;
  request.part_count = 1;
  request.parts = parts;
  const std::uint64_t backlog = std::uint64_t{o.concurrency} * 4;

  // 1. outbound
  const double sim_before = cpu_seconds_of(sim.pid());
  const double cpu_before = own_cpu_seconds();
  const auto t0 = clock::now();
  const send_outcome out =
      send_and_await(*driver, request, o.count, backlog, wake,
                     fmt::format("mms submit c={}", o.concurrency), o.progress);
  const std::uint64_t ok = out.ok;
  const std::string& first_failure = out.first_failure;
  const double out_seconds = std::chrono::duration<double>(clock::now() - t0).count();
  const double out_cpu = own_cpu_seconds() - cpu_before;
  const double out_sim_cpu = cpu_seconds_of(sim.pid()) - sim_before;
  const json_object after_out = sim.stats();

  json_writer j;
  j.str("event", "smpp-bench").str("tool", "mms");
  j.integer("concurrency", o.concurrency)
      .integer("image_size", static_cast<std::int64_t>(o.image_size));
  j.integer("count", static_cast<std::int64_t>(o.count))
      .integer("ok", static_cast<std::int64_t>(ok));
  j.integer("sim_submissions_ok",
            static_cast<std::int64_t>(after_out.number("submissions_ok").value_or(0)));
  if (!first_failure.empty()) j.str("first_failure", first_failure);
  j.num("seconds", out_seconds, 3)
      .num("submits_per_s", out_seconds > 0 ? static_cast<double>(ok) / out_seconds : 0, 0);
  j.num("mbit_per_s",
        out_seconds > 0 ? 8e-6 * static_cast<double>(ok * o.image_size) / out_seconds : 0, 1);
  j.num("cpu_us_per_submit", ok ? 1e6 * out_cpu / static_cast<double>(ok) : 0, 1);
  j.num("cpu_percent", out_seconds > 0 ? 100 * out_cpu / out_seconds : 0, 1);
  j.num("sim_cpu_percent", out_seconds > 0 ? 100 * out_sim_cpu / out_seconds : 0, 1);
  j.integer("peak_rss_kb", static_cast<std::int64_t>(usage_of().peak_kb));

  // 2. inbound
  if (o.inbound > 0) {
    const std::string b64 = base64(image);
    std::uint64_t taken = 0;
    std::atomic<std::uint64_t> taken_counter{0};
    const double in_sim_before = cpu_seconds_of(sim.pid());
    const double in_cpu_before = own_cpu_seconds();
    const double acknowledged_before = after_out.number("deliveries_acknowledged").value_or(0);
    const auto t1 = clock::now();
    sim.command(fmt::format(
        R"({{"cmd":"deliver","from":"+4917600000001","to":"12345","text":"hi","count":{},)"
        R"("parts":[{{"content_type":"image/jpeg","name":"photo.jpg","base64":"{}"}}]}})",
        o.inbound, b64));
    {
      progress_bar bar("mms deliver", o.inbound, taken_counter, 0, o.progress);
      smsdrv_event ev{};
      const auto give_up = clock::now() + 300s;
      while (taken < o.inbound && clock::now() < give_up) {
        wake.ready.store(0, std::memory_order_relaxed);
        ev.struct_size = sizeof ev;
        while (api.poll(handle, &ev) == 1) {
          if (ev.type == SMSDRV_EVENT_INBOUND) {
            ++taken;
            if (ev.parts == nullptr || ev.part_count != 2 || ev.parts[1]->size != image.size())
              throw std::runtime_error("an inbound MMS arrived without its two parts");
          }
          if (ev.flags & SMSDRV_EVENT_NEEDS_ACK) api.ack(handle, ev.event_id, SMSDRV_OK);
          ev.struct_size = sizeof ev;
        }
        taken_counter.store(taken, std::memory_order_relaxed);
        if (taken < o.inbound) wake.ready.wait(0, std::memory_order_acquire);
      }
    }
    // Until the simulator has read every 1000 (its count).
    double acknowledged = 0;
    while (clock::now() - t1 < 300s) {
      acknowledged =
          sim.stats().number("deliveries_acknowledged").value_or(0) - acknowledged_before;
      if (acknowledged >= static_cast<double>(o.inbound)) break;
      std::this_thread::sleep_for(5ms);
    }
    const double in_seconds = std::chrono::duration<double>(clock::now() - t1).count();
    j.integer("inbound", static_cast<std::int64_t>(o.inbound))
        .integer("inbound_acknowledged", static_cast<std::int64_t>(acknowledged));
    j.num("inbound_seconds", in_seconds, 3)
        .num("delivers_per_s", in_seconds > 0 ? acknowledged / in_seconds : 0, 0);
    j.num("inbound_cpu_us_per_deliver",
          acknowledged > 0 ? 1e6 * (own_cpu_seconds() - in_cpu_before) / acknowledged : 0, 1);
    j.num("inbound_sim_cpu_percent",
          in_seconds > 0 ? 100 * (cpu_seconds_of(sim.pid()) - in_sim_before) / in_seconds : 0, 1);
  }
  // 3. memory per message in flight, and after
  if (o.held > 0) {
    constexpr const char* held_channel = "channel-mms-held";
    const fs::path held_settings = dir / "held.cfg";
    std::ofstream(held_settings) << "[mmsc]\nurl = http://127.0.0.1:" << sim.port()
                                 << "/mm7\nuser = bench\npassword = bench\nvasp-id = bench\n"
                                 << "max-in-flight = " << o.held
                                 << "\nresponse-timeout = " << (o.held_ms / 1000 + 60)
                                 << "\n[limits]\nmax-message-size = " << (64 << 20) << "\n";
    driver->configure(held_channel, {{"x-smpp-host", "127.0.0.1"},
                                     {"x-smpp-port", "1"},
                                     {"x-smpp-system-id", "bench"},
                                     {"x-smpp-queue-size", "100000"},
                                     {"x-jsms-config-file", held_settings.string()}});
    sim.command(fmt::format(R"({{"cmd":"fault","delay-ms":"{}"}})", o.held_ms));
    const double submissions_before = sim.stats().number("submissions").value_or(0);
    std::this_thread::sleep_for(200ms);  // the channel's SMPP side has tried its first connect
    const std::int64_t heap_before = heap_in_use();
    const std::uint64_t rss_before = usage_of().rss_kb;
    request.channel = held_channel;
    const auto t2 = clock::now();
    for (std::uint32_t i = 0; i < o.held; ++i) {
      const std::int32_t st = api.send(handle, &request, nullptr);
      if (st != SMSDRV_OK)
        throw std::runtime_error(
            fmt::format("send() failed: {}: {}", api.status_name(st), api.last_error(handle)));
    }
    double arrived = 0;
    while (clock::now() - t2 < std::chrono::milliseconds(o.held_ms)) {
      arrived = sim.stats().number("submissions").value_or(0) - submissions_before;
      if (arrived >= o.held) break;
      std::this_thread::sleep_for(20ms);
    }
    const std::int64_t heap_held = heap_in_use();
    const std::uint64_t rss_held = usage_of().rss_kb;
    const bool all_held =
        arrived >= o.held && clock::now() - t2 < std::chrono::milliseconds(o.held_ms);
    std::uint64_t responses = 0, held_ok = 0;
    smsdrv_event ev{};
    const auto give_up = clock::now() + std::chrono::milliseconds(o.held_ms) + 120s;
    while (responses < o.held && clock::now() < give_up) {
      wake.ready.store(0, std::memory_order_relaxed);
      ev.struct_size = sizeof ev;
      while (api.poll(handle, &ev) == 1) {
        if (ev.type == SMSDRV_EVENT_RESPONSE) {
          ++responses;
          held_ok += ev.status == SMSDRV_OK;
        }
        ev.struct_size = sizeof ev;
      }
      if (responses < o.held) wake.ready.wait(0, std::memory_order_acquire);
    }
    // One more poll() releases the last event handed out.
    ev.struct_size = sizeof ev;
    while (api.poll(handle, &ev) == 1)
      ev.struct_size = sizeof ev;
    const std::int64_t heap_after = heap_in_use();
    const std::uint64_t rss_after = usage_of().rss_kb;
    j.integer("held", o.held).integer("held_ms", o.held_ms);
    j.integer("held_arrived_before_any_answer", all_held ? 1 : 0)
        .integer("held_ok", static_cast<std::int64_t>(held_ok));
    j.integer("held_heap_bytes_per_message",
              (heap_held - heap_before) / static_cast<std::int64_t>(o.held));
    j.integer("held_rss_bytes_per_message",
              (static_cast<std::int64_t>(rss_held) - static_cast<std::int64_t>(rss_before)) * 1024 /
                  static_cast<std::int64_t>(o.held));
    j.integer("released_heap_bytes_left", heap_after - heap_before);
    j.integer("released_rss_kb_left",
              static_cast<std::int64_t>(rss_after) - static_cast<std::int64_t>(rss_before));
    // What stays after the release is the channel's (idle kept-alive connections, transfer
    // handles, at most max-in-flight of each): removed, the channel gives it back. A later
    // remove_channel() frees the retired instance once finished (smsdrv.h).
    driver->remove_channel(held_channel, 0);
    std::int64_t heap_removed = heap_in_use();
    for (int i = 0; i < 200; ++i) {
      ev.struct_size = sizeof ev;
      while (api.poll(handle, &ev) == 1)
        ev.struct_size = sizeof ev;
      api.remove_channel(handle, "channel-none", 0);  // SMSDRV_E_UNKNOWN_CHANNEL; sweeps
      heap_removed = heap_in_use();
      if (heap_removed - heap_before < heap_after - heap_before) break;
      std::this_thread::sleep_for(10ms);
    }
    j.integer("removed_heap_bytes_left", heap_removed - heap_before);
  }
  driver->shutdown(2000);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return j.line();
}

}  // namespace smsdrv::bench
