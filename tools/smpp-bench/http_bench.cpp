#include "http_bench.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <csignal>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "driver_bench.hpp"
#include "host_loop.hpp"
#include "json.hpp"
#include "process.hpp"
#include "smsdrv/smsdrv.hpp"

namespace smsdrv::bench {
namespace {

namespace fs = std::filesystem;
using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* channel_name = "channel-http-bench";

// CPU seconds of each thread of this process (/proc/self/task/<tid>/stat: utime and stime, in
// clock ticks) and its name, by thread id.
struct thread_cpu {
  double seconds = 0;
  std::string name;  // /proc/self/task/<tid>/comm: "smsdrv-io", "smsdrv-http-0", ...
};

std::map<int, thread_cpu> thread_cpu_seconds() {
  std::map<int, thread_cpu> out;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/self/task", ec)) {
    std::ifstream in(task.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    // Fields after the command (which may hold blanks), from field 3 on.
    const std::size_t open = line.find('(');
    const std::size_t close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int n = 3; rest >> field && n <= 15; ++n) {
      if (n == 14) utime = std::stod(field);
      if (n == 15) stime = std::stod(field);
    }
    out[std::stoi(task.path().filename().string())] = {(utime + stime) / tick,
                                                       line.substr(open + 1, close - open - 1)};
  }
  return out;
}

// CPU seconds each thread of this process used between two samples, summed by thread name.
std::map<std::string, double> cpu_by_thread_name(const std::map<int, thread_cpu>& before,
                                                 const std::map<int, thread_cpu>& after) {
  std::map<std::string, double> out;
  for (const auto& [tid, t] : after) {
    const auto b = before.find(tid);
    out[t.name] += t.seconds - (b == before.end() ? 0.0 : b->second.seconds);
  }
  return out;
}

// The thread of this process (the host's, the driver's I/O thread, an HTTP channel's own) that
// used the most CPU time between two samples.
thread_cpu busiest_thread(const std::map<int, thread_cpu>& before,
                          const std::map<int, thread_cpu>& after) {
  thread_cpu most;
  for (const auto& [tid, t] : after) {
    const auto b = before.find(tid);
    const double used = t.seconds - (b == before.end() ? 0.0 : b->second.seconds);
    if (used > most.seconds) most = {used, t.name};
  }
  return most;
}

struct sink_stats {
  std::uint64_t requests = 0;
  double cpu_s = 0;
};

// http-sink serve: its port, and its request count and CPU on demand.
class sink_process {
 public:
  explicit sink_process(const std::string& program) : proc_({program, "serve"}) {
    auto line = proc_.read_line_view(10s);
    auto j = line ? json_object::parse(*line) : std::nullopt;
    if (!j || !j->number("port")) throw std::runtime_error("http-sink did not start");
    port_ = static_cast<int>(*j->number("port"));
  }
  ~sink_process() {
    proc_.close_stdin();
    proc_.wait(5s);
  }
  int port() const { return port_; }
  sink_stats stats() {
    proc_.try_write("stats\n");
    auto line = proc_.read_line_view(10s);
    auto j = line ? json_object::parse(*line) : std::nullopt;
    if (!j || !j->number("requests")) throw std::runtime_error("http-sink gave no stats");
    return {static_cast<std::uint64_t>(*j->number("requests")), j->number("cpu_s").value_or(0)};
  }

 private:
  child proc_;
  int port_ = 0;
};

struct side_result {
  std::uint64_t requests = 0;
  std::uint64_t ok = 0;
  double seconds = 0;
  double cpu_s = 0;   // of the side measured (the driver's process; bearerbox)
  double cpu2_s = 0;  // Kannel: smsbox
  double sink_cpu_s = 0;
  // The driver's process: its busiest thread (the host's, the I/O thread or an HTTP channel's own).
  double busiest_thread_cpu_s = 0;
  std::string busiest_thread;
  std::map<std::string, double> thread_cpu_s;  // by thread name
  std::string first_failure;
};

side_result run_driver_side(const http_bench_options& o, sink_process& sink) {
  notify_flag wake;
  smsdrv::module module(o.module);
  auto driver = std::make_unique<smsdrv::driver>(module, notifying_host(wake, SMSDRV_LOG_WARN));
  driver->configure(
      channel_name,
      {{"x-gateway-type", "http"},
       {"x-http-url", fmt::format("http://127.0.0.1:{}/send", sink.port())},
       {"x-http-method", "GET"},
       {"x-http-destination-param", "to"},
       {"x-http-message-param", "text"},
       {"x-http-success-contains", "ACK"},
       {"x-http-max-concurrent-requests", std::to_string(o.concurrency)},
       {"x-http-io-threads", std::to_string(o.io_threads)},
       {"x-http-max-rate", "1000000"},
       {"x-http-queue-size", std::to_string(std::max<std::uint32_t>(o.concurrency * 8, 10000))}});
  const prepared_send_sms send(channel_name, o.text_length);
  // A backlog of a few windows keeps every connection busy without queueing everything.
  const std::uint64_t backlog = std::uint64_t{o.concurrency} * 4;

  side_result r;
  const sink_stats before = sink.stats();
  const double cpu_before = own_cpu_seconds();
  const auto threads_before = thread_cpu_seconds();
  const auto t0 = clock::now();
  const send_outcome sent =
      send_and_await(*driver, send.request, o.count, backlog, wake,
                     fmt::format("driver http c={}", o.concurrency), o.progress);
  r.seconds = std::chrono::duration<double>(clock::now() - t0).count();
  r.cpu_s = own_cpu_seconds() - cpu_before;
  const auto threads_after = thread_cpu_seconds();
  const thread_cpu busiest = busiest_thread(threads_before, threads_after);
  r.busiest_thread_cpu_s = busiest.seconds;
  r.busiest_thread = busiest.name;
  r.thread_cpu_s = cpu_by_thread_name(threads_before, threads_after);
  const sink_stats after = sink.stats();
  r.requests = after.requests - before.requests;
  r.ok = sent.ok;
  r.first_failure = sent.first_failure;
  r.sink_cpu_s = after.cpu_s - before.cpu_s;
  driver->shutdown(2000);
  return r;
}

side_result run_kannel_side(const http_bench_options& o, sink_process& sink) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("smpp-bench-kannel-{}", ::getpid());
  fs::create_directories(dir);
  auto port = [] {
    // The next free ports above a random start (Kannel takes fixed ports).
    static int next = 20000 + static_cast<int>(::getpid() % 20000);
    return next++;
  };
  const int admin = port(), box = port(), http_in = port(), sendsms = port();
  std::ofstream(dir / "kannel.conf")
      << "group = core\nadmin-port = " << admin << "\nadmin-password = bench\n"
      << "smsbox-port = " << box << "\nbox-allow-ip = 127.0.0.1\n"
      << "log-file = \"" << (dir / "bearerbox.log").string() << "\"\nlog-level = 2\n\n"
      << "group = smsc\nsmsc = http\nsmsc-id = SINK\nsystem-type = generic\n"
      << "send-url = \"http://127.0.0.1:" << sink.port() << "/kannel?to=%P&text=%b\"\n"
      << "status-success-regex = \"ACK\"\nport = " << http_in << "\n\n"
      << "group = smsbox\nbearerbox-host = 127.0.0.1\nbearerbox-port = " << box
      << "\nsendsms-port = " << sendsms << "\nglobal-sender = 12345\n"
      << "log-file = \"" << (dir / "smsbox.log").string() << "\"\nlog-level = 2\n\n"
      << "group = sendsms-user\nusername = bench\npassword = bench\nmax-messages = 10\n";
  child_options quiet;
  quiet.pipe_stdin = false;
  // Kannel logs to stderr as well as to its files: to /dev/null, or a full pipe would stall it.
  auto silent = [](const std::string& program, const std::string& conf) {
    return std::vector<std::string>{"sh", "-c", "exec " + program + " \"$0\" 2>/dev/null", conf};
  };
  const std::string conf = (dir / "kannel.conf").string();
  child bearerbox(silent("bearerbox", conf), quiet);
  std::this_thread::sleep_for(1s);
  child smsbox(silent("smsbox", conf), quiet);
  std::this_thread::sleep_for(1500ms);

  side_result r;
  const std::string text = message_text(o.text_length);
  std::string encoded;
  for (char c : text)
    encoded += c == ' ' ? std::string("+") : std::string(1, c);
  const sink_stats before = sink.stats();
  const double bb_before = cpu_seconds_of(bearerbox.pid());
  const double sb_before = cpu_seconds_of(smsbox.pid());
  const auto t0 = clock::now();
  child load(
      {o.sink, "load", "--port", std::to_string(sendsms), "--path",
       "/cgi-bin/sendsms?username=bench&password=bench&to=4917600000000&text=" + encoded, "--count",
       std::to_string(o.kannel_count), "--concurrency", std::to_string(o.concurrency)},
      quiet);
  // Until the sink has seen every message (or nothing moved for 10 s).
  std::uint64_t seen = 0;
  auto last_move = clock::now();
  clock::time_point t_last = t0;
  while (seen < o.kannel_count && clock::now() - last_move < 10s) {
    std::this_thread::sleep_for(20ms);
    const std::uint64_t now_seen = sink.stats().requests - before.requests;
    if (now_seen != seen) {
      seen = now_seen;
      last_move = clock::now();
      t_last = last_move;
    }
  }
  r.seconds = std::chrono::duration<double>(t_last - t0).count();
  r.requests = seen;
  r.ok = seen;
  r.cpu_s = cpu_seconds_of(bearerbox.pid()) - bb_before;
  r.cpu2_s = cpu_seconds_of(smsbox.pid()) - sb_before;
  r.sink_cpu_s = sink.stats().cpu_s - before.cpu_s;
  load.wait(10s);
  smsbox.kill(SIGTERM);
  bearerbox.kill(SIGTERM);
  smsbox.wait(10s);
  bearerbox.wait(10s);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  if (seen < o.kannel_count)
    r.first_failure = fmt::format("the sink saw {} of {} messages", seen, o.kannel_count);
  return r;
}

// The floor: http-sink's own load client (one thread; per request one write and one read,
// nothing parsed beyond the length) against the same sink with the driver's request line. No
// client that sends and reads each request can cost less per request; where the floor client
// itself is not cheaper than the sink, no single-threaded client makes the sink the bottleneck.
struct floor_result {
  std::uint64_t requests = 0;
  double seconds = 0;
  double cpu_s = 0;  // the load client's (one thread)
  double sink_cpu_s = 0;
  std::string failure;
};

floor_result run_floor_side(const http_bench_options& o, sink_process& sink) {
  child_options options;
  options.pipe_stdin = false;
  const std::string text = message_text(o.text_length);
  std::string encoded;
  for (char c : text)
    encoded += c == ' ' ? std::string("+") : std::string(1, c);
  floor_result r;
  const sink_stats before = sink.stats();
  child load({o.sink, "load", "--port", std::to_string(sink.port()), "--path",
              "/send?to=4917600000000&text=" + encoded, "--count", std::to_string(o.floor_count),
              "--concurrency", std::to_string(o.concurrency)},
             options);
  auto line = load.read_line_view(120s);
  auto j = line ? json_object::parse(*line) : std::nullopt;
  load.wait(10s);
  const sink_stats after = sink.stats();
  if (!j || !j->number("ok")) {
    r.failure = "http-sink load gave no result";
    return r;
  }
  r.requests = static_cast<std::uint64_t>(*j->number("ok"));
  r.seconds = j->number("seconds").value_or(0);
  r.cpu_s = j->number("cpu_s").value_or(0);
  r.sink_cpu_s = after.cpu_s - before.cpu_s;
  if (r.requests < o.floor_count)
    r.failure = fmt::format("the floor client got {} of {} answers", r.requests, o.floor_count);
  return r;
}

}  // namespace

std::string run_http(const http_bench_options& o) {
  sink_process sink(o.sink);
  const side_result d = run_driver_side(o, sink);
  json_writer j;
  j.str("event", "smpp-bench").str("tool", "http");
  j.integer("concurrency", o.concurrency)
      .integer("io_threads", o.io_threads)
      .integer("text_length", static_cast<std::int64_t>(o.text_length));
  const double rps = d.seconds > 0 ? static_cast<double>(d.ok) / d.seconds : 0;
  j.integer("count", static_cast<std::int64_t>(o.count))
      .integer("ok", static_cast<std::int64_t>(d.ok));
  j.integer("sink_requests", static_cast<std::int64_t>(d.requests));
  if (!d.first_failure.empty()) j.str("first_failure", d.first_failure);
  j.num("seconds", d.seconds, 3).num("requests_per_s", rps, 0);
  j.num("cpu_us_per_request", d.ok ? 1e6 * d.cpu_s / static_cast<double>(d.ok) : 0, 1);
  j.num("cpu_percent", d.seconds > 0 ? 100 * d.cpu_s / d.seconds : 0, 1);
  j.num("sink_cpu_percent", d.seconds > 0 ? 100 * d.sink_cpu_s / d.seconds : 0, 1);
  // Each side's busiest thread per request: the one that saturates its core first is the
  // bottleneck (the sink has one thread; the driver's process the host's thread, the I/O thread
  // and, with --io-threads N, the channel's N threads).
  const double per_request = d.ok ? 1e6 / static_cast<double>(d.ok) : 0;
  const double driver_thread_us = d.busiest_thread_cpu_s * per_request;
  const double sink_us = d.sink_cpu_s * per_request;
  j.num("busiest_thread_cpu_us_per_request", driver_thread_us, 1);
  j.str("busiest_thread", d.busiest_thread);
  // Every thread of the driver's process by name ("smpp-bench": the host's, sending and polling).
  j.begin_object("thread_cpu_us_per_request");
  for (const auto& [name, cpu] : d.thread_cpu_s)
    if (cpu > 0) j.num(name, cpu * per_request, 1);
  j.end_object();
  j.num("sink_cpu_us_per_request", sink_us, 1);
  j.str("bottleneck", sink_us >= driver_thread_us ? "sink" : "driver");
  if (o.floor_count > 0) {
    const floor_result f = run_floor_side(o, sink);
    const double n = f.requests ? static_cast<double>(f.requests) : 1;
    j.integer("floor_requests", static_cast<std::int64_t>(f.requests));
    if (!f.failure.empty()) j.str("floor_failure", f.failure);
    j.num("floor_requests_per_s", f.seconds > 0 ? static_cast<double>(f.requests) / f.seconds : 0,
          0);
    j.num("floor_client_cpu_us_per_request", 1e6 * f.cpu_s / n, 1);
    j.num("floor_sink_cpu_us_per_request", 1e6 * f.sink_cpu_s / n, 1);
    j.str("floor_bottleneck", f.sink_cpu_s >= f.cpu_s ? "sink" : "client");
  }
  if (o.kannel_count > 0) {
    const side_result k = run_kannel_side(o, sink);
    const double krps = k.seconds > 0 ? static_cast<double>(k.requests) / k.seconds : 0;
    j.integer("kannel_count", static_cast<std::int64_t>(o.kannel_count));
    j.integer("kannel_requests", static_cast<std::int64_t>(k.requests));
    if (!k.first_failure.empty()) j.str("kannel_failure", k.first_failure);
    j.num("kannel_seconds", k.seconds, 3).num("kannel_requests_per_s", krps, 0);
    const double n = k.requests ? static_cast<double>(k.requests) : 1;
    j.num("kannel_bearerbox_cpu_us_per_request", 1e6 * k.cpu_s / n, 1);
    j.num("kannel_smsbox_cpu_us_per_request", 1e6 * k.cpu2_s / n, 1);
    j.num("kannel_sink_cpu_percent", k.seconds > 0 ? 100 * k.sink_cpu_s / k.seconds : 0, 1);
    j.num("ratio_to_kannel", krps > 0 ? rps / krps : 0, 2);
  }
  return j.line();
}

}  // namespace smsdrv::bench
