#include "driver_bench.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cpu_hog.hpp"
#include "host_loop.hpp"
#include "process.hpp"
#include "progress.hpp"
#include "sim.hpp"
#include "smsdrv/smsdrv.hpp"
#include "summary.hpp"

namespace smsdrv::bench {
namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* channel_name = "channel-bench";

// The host's context for the driver's callbacks. notify() from the driver's I/O thread sets a
// flag the host thread sleeps on (a futex); log lines are dropped once the run is over (a
// shutdown with thousands of queued requests logs each of them). The error policy's pauses
// ("no submissions for 100 ms") are counted rather than printed: against a throttling SMSC they
// are the expected behaviour.
struct wake_flag {
  std::atomic<std::uint32_t> ready{0};
  std::atomic<bool> quiet{false};
  std::mutex pauses_mutex;
  std::uint64_t pauses = 0;
  double longest_pause_s = 0;
};

constexpr std::string_view pause_words = "no submissions for ";

void on_notify(void* context) {
  auto* w = static_cast<wake_flag*>(context);
  w->ready.store(1, std::memory_order_release);
  w->ready.notify_one();
}

void on_log(void* context, std::int32_t level, const char* channel, const char* message) {
  auto* w = static_cast<wake_flag*>(context);
  const std::string_view text(message);
  if (const auto at = text.find(pause_words); at != std::string_view::npos) {
    const std::string_view rest = text.substr(at + pause_words.size());
    double seconds = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), seconds);
    const std::string_view unit(end, static_cast<std::size_t>(rest.data() + rest.size() - end));
    if (ec == std::errc() && unit.starts_with(" ms")) seconds /= 1000;
    std::lock_guard lock(w->pauses_mutex);
    ++w->pauses;
    w->longest_pause_s = std::max(w->longest_pause_s, seconds);
    return;
  }
  if (w->quiet.load(std::memory_order_relaxed)) return;
  fmt::print(stderr, "smpp-bench: driver {} {}: {}\n",
             level <= SMSDRV_LOG_ERROR ? "error" : "warning", channel, message);
}

long peak_rss_kb() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// The driver with one channel bound to the SMSC (started here when no port is given).
class bench_host {
 public:
  bench_host(const std::string& module, const std::string& sim_program, int port,
             const smsdrv::key_values& extra_options,
             const std::vector<std::string>& sim_flags = {})
      : module_(module) {
    if (port == 0) {
      sim_ = std::make_unique<sim_process>(sim_program, sim_flags);
      port = sim_->port();
    }
    smsdrv_host host{};
    host.struct_size = sizeof host;
    host.context = &wake_;
    host.notify = on_notify;
    host.log = on_log;
    host.application_name = "smpp-bench";
    host.log_level = SMSDRV_LOG_WARN;
    driver_ = std::make_unique<smsdrv::driver>(module_, host);
    smsdrv::key_values options = {
        {"x-smpp-host", "127.0.0.1"},
        {"x-smpp-port", std::to_string(port)},
        {"x-smpp-system-id", "bench"},
        {"password", "bench"},
        {"default-reply-address", "4915100000000"},
        {"inbound-route", "101:sms_endpoint"},
    };
    options.insert(options.end(), extra_options.begin(), extra_options.end());
    driver_->configure(channel_name, options);
    wait_bound();
  }

  ~bench_host() {
    wake_.quiet = true;
    driver_->shutdown(2000);
    driver_.reset();
  }

  const smsdrv_driver_api& api() const noexcept { return driver_->api(); }
  smsdrv_driver* handle() const noexcept { return driver_->handle(); }
  wake_flag& wake() noexcept { return wake_; }
  sim_process* sim() noexcept { return sim_.get(); }
  std::optional<sim_stats> sim_stats_now() { return sim_ ? sim_->stats() : std::nullopt; }

 private:
  void wait_bound() {
    const auto deadline = clock::now() + 10s;
    smsdrv::event ev;
    std::string last;
    while (clock::now() < deadline) {
      wake_.ready.store(0, std::memory_order_relaxed);
      while (driver_->poll(ev)) {
        if (ev.type() != SMSDRV_EVENT_CHANNEL_STATE) continue;
        if (ev.attribute("state") == "bound") return;
        last = std::string(ev.text());
      }
      std::this_thread::sleep_for(5ms);
    }
    throw std::runtime_error("the channel did not bind within 10 s" +
                             (last.empty() ? std::string() : ": " + last));
  }

  smsdrv::module module_;
  std::unique_ptr<sim_process> sim_;
  wake_flag wake_;
  std::unique_ptr<smsdrv::driver> driver_;
};

}  // namespace

std::string message_text(std::size_t length) {
  static constexpr std::string_view alphabet =
      "Benchmark message 0123456789 abcdefghijklmnopqrstuvwxyz. ";
  std::string t;
  t.reserve(length);
  for (std::size_t i = 0; i < length; ++i)
    t.push_back(alphabet[i % alphabet.size()]);
  return t;
}

double smsc_accepts_per_s(const std::vector<std::pair<std::string, std::string>>& faults,
                          std::uint32_t max_rate) {
  double accepts = 0;
  for (const auto& [name, value] : faults) {
    std::uint64_t n = 0;
    const auto end = value.data() + value.size();
    if (std::from_chars(value.data(), end, n).ec != std::errc() || n == 0) continue;
    const double limit = name == "throttle"     ? std::min<double>(n, max_rate)
                         : name == "fail-every" ? max_rate * (1.0 - 1.0 / static_cast<double>(n))
                                                : 0;
    if (limit > 0) accepts = accepts > 0 ? std::min(accepts, limit) : limit;
  }
  return accepts;
}

std::string run_driver(const driver_options& o) {
  const bool by_duration = o.duration > 0;
  const std::uint32_t outstanding = o.outstanding != 0 ? o.outstanding : o.window;
  std::vector<std::string> sim_flags;
  std::string faults_text;
  for (const auto& [name, value] : o.smsc_faults) {
    sim_flags.push_back("--" + name);
    sim_flags.push_back(value);
    faults_text += fmt::format("{}{}={}", faults_text.empty() ? "" : " ", name, value);
  }
  // The hog starts before the driver's threads exist: fork() copies only this thread.
  cpu_hog hog(o.cpu_hogs);
  const double hog_cpu_before = hog.cpu_seconds();
  smsdrv::key_values channel = {
      {"x-smpp-submit-window-size", std::to_string(o.window)},
      {"x-smpp-submit-max-rate", std::to_string(o.max_rate)},
      {"x-smpp-outbound-enc-default", o.encoding},
      {"x-smpp-delivery-report", o.delivery_report ? "true" : "false"},
      {"x-smpp-queue-size", std::to_string(std::max<std::uint32_t>(outstanding, 10000))}};
  std::string options_text;
  for (const auto& [key, value] : o.channel_options) {
    channel.emplace_back(key, value);
    options_text += fmt::format("{}{} = {}", options_text.empty() ? "" : "; ", key, value);
  }
  bench_host h(o.module, o.sim_program, o.port, channel, sim_flags);
  prepared_send_sms msg(channel_name, o.text_length);
  const smsdrv_driver_api& api = h.api();
  smsdrv_driver* const handle = h.handle();
  wake_flag& wake = h.wake();

  std::vector<clock::time_point> sent_at;
  std::vector<std::int64_t> latency_ns;
  if (!by_duration) {
    sent_at.reserve(o.count);
    latency_ns.reserve(o.count);
  }
  std::atomic<std::uint64_t> answered_counter{0};
  std::uint64_t sent = 0, answered = 0, ok = 0, failed = 0;
  std::uint64_t first_id = 0;
  std::string first_failure;

  const auto sim_before = h.sim_stats_now();
  std::optional<sim_stats> sim_warm, sim_end;
  std::uint64_t answered_warm = 0, answered_end = 0;
  clock::time_point t_warm{}, t_end{};
  const double cpu_before = own_cpu_seconds();
  const auto t0 = clock::now();
  const auto warm_at =
      t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.warmup));
  const auto stop_at = warm_at + std::chrono::duration_cast<clock::duration>(
                                     std::chrono::duration<double>(o.duration));
  {
    progress_bar bar(fmt::format("driver w={}", o.window), by_duration ? 0 : o.count,
                     answered_counter, by_duration ? o.warmup + o.duration : 0, o.progress);
    smsdrv_event ev{};
    bool sending = true;
    for (;;) {
      while (sending && sent - answered < outstanding) {
        if (!by_duration && sent == o.count) {
          sending = false;
          break;
        }
        const auto t = clock::now();
        if (by_duration && t >= stop_at) {
          sending = false;
          break;
        }
        std::uint64_t id = 0;
        const std::int32_t st = api.send(handle, &msg.request, &id);
        if (st == SMSDRV_E_QUEUE_FULL) break;  // room comes with the next responses
        if (st != SMSDRV_OK)
          throw std::runtime_error(
              fmt::format("send() failed: {}: {}", api.status_name(st), api.last_error(handle)));
        if (first_id == 0) first_id = id;
        if (id - first_id != sent)
          throw std::runtime_error("request ids are not consecutive; cannot match responses");
        sent_at.push_back(t);
        ++sent;
      }
      wake.ready.store(0, std::memory_order_relaxed);
      ev.struct_size = sizeof ev;
      while (api.poll(handle, &ev) == 1) {
        if (ev.type != SMSDRV_EVENT_RESPONSE) continue;
        const auto now = clock::now();
        latency_ns.push_back((now - sent_at[ev.request_id - first_id]).count());
        ++answered;
        if (ev.status == SMSDRV_OK) {
          ++ok;
        } else if (failed++ == 0) {
          first_failure = fmt::format("{}: {}", api.status_name(ev.status), ev.text ? ev.text : "");
        }
        ev.struct_size = sizeof ev;
      }
      answered_counter.store(answered, std::memory_order_relaxed);
      if (by_duration) {
        const auto now = clock::now();
        if (!sim_warm && now >= warm_at) {
          t_warm = now;
          answered_warm = answered;
          sim_warm = h.sim_stats_now().value_or(sim_stats{});
        }
        if (!sim_end && now >= stop_at) {
          t_end = now;
          answered_end = answered;
          sim_end = h.sim_stats_now().value_or(sim_stats{});
        }
      }
      if (!sending && answered == sent) break;
      if (sending && sent - answered < outstanding) continue;
      wake.ready.wait(0, std::memory_order_acquire);
    }
  }
  const auto t_last = clock::now();
  const double cpu = own_cpu_seconds() - cpu_before;
  const double hog_cpu = hog.cpu_seconds() - hog_cpu_before;
  const auto sim_after = h.sim_stats_now();

  const double seconds = std::chrono::duration<double>(t_last - t0).count();
  std::sort(latency_ns.begin(), latency_ns.end());
  auto us = [&](double q) {
    return static_cast<double>(percentile_of_sorted(latency_ns, q)) / 1000.0;
  };
  json_writer j;
  j.str("event", "smpp-bench").str("tool", "driver");
  j.integer("count", static_cast<std::int64_t>(sent)).integer("window", o.window);
  if (outstanding != o.window) j.integer("outstanding", outstanding);
  j.integer("text_length", static_cast<std::int64_t>(o.text_length)).str("encoding", o.encoding);
  j.integer("ok", static_cast<std::int64_t>(ok))
      .integer("failed", static_cast<std::int64_t>(failed));
  if (!first_failure.empty()) j.str("first_failure", first_failure);
  j.num("seconds", seconds, 3);
  j.num("msgs_per_s", seconds > 0 ? static_cast<double>(answered) / seconds : 0);
  j.num("latency_us_p50", us(0.5), 1).num("latency_us_p99", us(0.99), 1);
  j.num("latency_us_p999", us(0.999), 1).num("latency_us_max", us(1.0), 1);
  j.num("cpu_s", cpu, 3).num("cpu_percent", seconds > 0 ? 100 * cpu / seconds : 0, 1);
  j.integer("peak_rss_kb", peak_rss_kb());
  if (o.cpu_hogs > 0)
    j.integer("cpu_hogs", o.cpu_hogs)
        .num("hog_cpu_percent", seconds > 0 ? 100 * hog_cpu / seconds : 0, 1);
  if (!faults_text.empty()) j.str("smsc_faults", faults_text);
  if (!options_text.empty()) j.str("channel_options", options_text);
  {
    std::lock_guard lock(wake.pauses_mutex);
    j.integer("pauses", static_cast<std::int64_t>(wake.pauses));
    j.num("longest_pause_s", wake.longest_pause_s, 3);
  }
  if (sim_before && sim_after) {
    const sim_load l = load_between(*sim_before, *sim_after);
    j.num("sim_cpu_percent", l.cpu_percent, 1).num("sim_submissions", l.submissions);
  }
  if (by_duration) {
    const double window_s = std::chrono::duration<double>(t_end - t_warm).count();
    const double rate =
        window_s > 0 ? static_cast<double>(answered_end - answered_warm) / window_s : 0;
    j.integer("max_rate", o.max_rate).num("measured_seconds", window_s, 3);
    j.num("measured_rate", rate, 1);
    j.num("rate_error_percent", 100.0 * (rate - o.max_rate) / o.max_rate, 3);
    if (sim_warm && sim_end && sim_end->uptime_s > sim_warm->uptime_s) {
      const sim_load l = load_between(*sim_warm, *sim_end);
      j.num("sim_rate", l.submissions / l.seconds, 1);
      j.num("sim_rate_error_percent", 100.0 * (l.submissions / l.seconds - o.max_rate) / o.max_rate,
            3);
      // What the SMSC took, against what it would take from a driver that never paused.
      j.num("sim_accepted_rate", l.accepted / l.seconds, 1);
      if (const double accepts = smsc_accepts_per_s(o.smsc_faults, o.max_rate); accepts > 0)
        j.num("smsc_accepts_per_s", accepts, 1)
            .num("accepted_ratio", l.accepted / l.seconds / accepts, 4);
    }
  }
  return j.line();
}

std::string run_queue_memory(const queue_memory_options& o) {
  bench_host h(o.module, o.sim_program, 0,
               {{"x-smpp-submit-window-size", "1"},
                {"x-smpp-submit-max-rate", "1"},
                {"x-smpp-queue-size", std::to_string(o.count + 10)}});
  prepared_send_sms msg(channel_name, o.text_length);
  std::this_thread::sleep_for(200ms);
  const proc_usage before = usage_of();
  for (std::uint64_t i = 0; i < o.count; ++i) {
    const std::int32_t st = h.api().send(h.handle(), &msg.request, nullptr);
    if (st != SMSDRV_OK)
      throw std::runtime_error(fmt::format("send() {} failed: {}: {}", i, h.api().status_name(st),
                                           h.api().last_error(h.handle())));
  }
  // The I/O thread moves the requests from the hand-over into the channel's queue.
  std::this_thread::sleep_for(1s);
  const proc_usage after = usage_of();
  const double per_message =
      static_cast<double>(after.rss_kb - before.rss_kb) * 1024.0 / static_cast<double>(o.count);
  json_writer j;
  j.str("event", "smpp-bench").str("tool", "queue-memory");
  j.integer("count", static_cast<std::int64_t>(o.count));
  j.integer("text_length", static_cast<std::int64_t>(o.text_length));
  j.integer("rss_before_kb", static_cast<std::int64_t>(before.rss_kb));
  j.integer("rss_after_kb", static_cast<std::int64_t>(after.rss_kb));
  j.num("bytes_per_queued_message", per_message, 1);
  return j.line();
}

}  // namespace smsdrv::bench
