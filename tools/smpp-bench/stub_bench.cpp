#include "stub_bench.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "driver_bench.hpp"
#include "json.hpp"
#include "process.hpp"
#include "progress.hpp"
#include "sim.hpp"

namespace smsdrv::bench {
namespace {

namespace fs = std::filesystem;
using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A server root laid out as packaging/install.sh does, removed again at the end.
struct server_root {
  fs::path dir;
  server_root(const std::string& module, int port, std::uint32_t window, std::uint64_t queue) {
    char tmpl[] = "/tmp/smpp-bench.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    const fs::path channel = dir / "media-channel-drivers" / "channel-smsmms";
    fs::create_directories(channel);
    fs::copy_file(module, channel / "libsmsmms.so");
    std::ofstream(dir / "dms.cfg") << fmt::format(
        "[channel-bench]\n"
        "inbound-route = 101:sms_endpoint\n"
        "default-reply-address = 4915100000000\n"
        "x-smpp-host = 127.0.0.1\n"
        "x-smpp-port = {}\n"
        "x-smpp-system-id = bench\n"
        "password = bench\n"
        "x-smpp-submit-window-size = {}\n"
        "x-smpp-submit-max-rate = 1000000\n"
        "x-smpp-queue-size = {}\n",
        port, window, queue);
  }
  ~server_root() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string config() const { return (dir / "dms.cfg").string(); }
};

void append_request(std::string& out, std::uint64_t n, std::string_view text) {
  char id[24];
  const auto end = fmt::format_to_n(id, sizeof id, "r{}", n).out;
  jsonl::line_writer(out)
      .str("id", std::string_view(id, static_cast<std::size_t>(end - id)))
      .str("request", "SendSMS")
      .str("channel", "channel-bench")
      .begin_object("userData")
      .str("_smsDestNumber", "4917600000000")
      .str("_smsText", text)
      .end_object()
      .finish();
}

bool is_response(std::string_view line) {
  return line.starts_with("{\"event\":\"esp-response\"");
}

bool is_ok_response(std::string_view line) {
  return line.find("\"ok\":true") != std::string_view::npos;
}

double cpu_of(const proc_usage& u) {
  return u.cpu_user_s + u.cpu_system_s;
}

}  // namespace

std::string run_stub(const stub_options& o) {
  const bool idle = o.idle > 0;
  const bool soak = !idle && o.rate > 0 && o.duration > 0;
  sim_process sim(o.sim_program);
  const std::uint64_t queue = std::clamp<std::uint64_t>(o.count + 10, 10'000, 1'000'000);
  server_root root(o.module, sim.port(), o.window, queue);
  child_options co;
  co.capture_stderr = true;
  child stub({o.dms_stub, "run", "--config", root.config(), "--log-level", "warn"}, co);

  bool bound = false;
  while (auto line = stub.read_line_view(10s)) {
    if (line->find("\"state\":\"bound\"") != std::string_view::npos) {
      bound = true;
      break;
    }
  }
  if (!bound)
    throw std::runtime_error("dms-stub did not report the channel bound within 10 s: " +
                             stub.stderr_text());

  const std::string text = message_text(o.text_length);
  json_writer j;
  j.str("event", "smpp-bench")
      .str("tool", idle   ? "dms-stub-idle"
                   : soak ? "dms-stub-soak"
                          : "dms-stub");

  if (idle) {
    const auto until = clock::now() + std::chrono::duration_cast<clock::duration>(
                                          std::chrono::duration<double>(o.idle));
    while (clock::now() < until)
      stub.read_line_view(std::chrono::ceil<std::chrono::milliseconds>(until - clock::now()));
    const proc_usage u = usage_of(stub.pid());
    stub.close_stdin();
    stub.wait(30s);
    j.num("idle_seconds", o.idle, 1).integer("rss_kb", static_cast<std::int64_t>(u.rss_kb));
    j.integer("peak_rss_kb", static_cast<std::int64_t>(u.peak_kb));
    return j.line();
  }

  const std::uint64_t total = soak ? static_cast<std::uint64_t>(o.rate * o.duration) : o.count;
  std::atomic<std::uint64_t> responses_counter{0};
  std::atomic<bool> writer_failed{false};
  const proc_usage stub_before = usage_of(stub.pid());
  const auto sim_before = sim.stats();
  const auto t0 = clock::now();
  std::thread writer;
  std::string all;
  if (soak) {
    writer = std::thread([&] {
      std::string batch;
      std::uint64_t written = 0;
      while (written < total) {
        const double elapsed = std::chrono::duration<double>(clock::now() - t0).count();
        const auto due =
            std::min<std::uint64_t>(total, static_cast<std::uint64_t>(elapsed * o.rate));
        batch.clear();
        for (; written < due; ++written)
          append_request(batch, written, text);
        if (!batch.empty() && !stub.try_write(batch)) {
          writer_failed = true;
          break;
        }
        std::this_thread::sleep_for(1ms);
      }
      stub.close_stdin();
    });
  } else {
    all.reserve(total * 160);
    for (std::uint64_t i = 0; i < total; ++i)
      append_request(all, i, text);
    writer = std::thread([&] {
      if (!stub.try_write(all)) writer_failed = true;
      stub.close_stdin();
    });
  }

  std::uint64_t responses = 0, ok = 0;
  clock::time_point t_last = t0;
  std::vector<std::pair<double, std::uint64_t>> samples;  // (seconds, VmRSS kB)
  auto next_sample = t0;
  const auto sample_every =
      std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.sample));
  {
    progress_bar bar(soak ? "dms-stub soak" : "dms-stub", soak ? 0 : total, responses_counter,
                     soak ? o.duration : 0, o.progress);
    while (responses < total) {
      const auto line = stub.read_line_view(soak ? 100ms : 30s);
      const auto now = clock::now();
      if (soak && now >= next_sample) {
        samples.emplace_back(std::chrono::duration<double>(now - t0).count(),
                             usage_of(stub.pid()).rss_kb);
        next_sample += sample_every;
      }
      if (!line) {
        if (soak && !stub.wait(0ms)) continue;
        break;
      }
      if (!is_response(*line)) continue;
      ++responses;
      if (is_ok_response(*line)) ++ok;
      t_last = now;
      if ((responses & 1023) == 0) responses_counter.store(responses, std::memory_order_relaxed);
    }
  }
  const proc_usage stub_after = usage_of(stub.pid());
  const auto sim_after = sim.stats();
  writer.join();
  stub.wait(60s);

  const double seconds = std::chrono::duration<double>(t_last - t0).count();
  j.integer("count", static_cast<std::int64_t>(total)).integer("window", o.window);
  j.integer("text_length", static_cast<std::int64_t>(o.text_length));
  j.integer("responses", static_cast<std::int64_t>(responses));
  j.integer("ok", static_cast<std::int64_t>(ok));
  j.num("seconds", seconds, 3);
  j.num("requests_per_s", seconds > 0 ? static_cast<double>(responses) / seconds : 0);
  j.num("stub_cpu_s", cpu_of(stub_after) - cpu_of(stub_before), 3);
  j.integer("stub_peak_rss_kb", static_cast<std::int64_t>(stub_after.peak_kb));
  if (sim_before && sim_after)
    j.num("sim_cpu_percent", load_between(*sim_before, *sim_after).cpu_percent, 1);
  if (soak) {
    j.num("rate", o.rate).num("duration", o.duration, 1);
    std::string list = "[";
    for (const auto& [t, kb] : samples)
      list += fmt::format("{}[{:.1f},{}]", list.size() > 1 ? "," : "", t, kb);
    list += "]";
    j.raw("rss_samples", list);
    // Growth after the first minute (allocator pools and buffers reach their size first).
    std::optional<std::uint64_t> settled;
    std::uint64_t last = 0, highest = 0;
    for (const auto& [t, kb] : samples) {
      if (!settled && t >= std::min(60.0, o.duration / 2)) settled = kb;
      last = kb;
      highest = std::max(highest, kb);
    }
    j.integer("rss_settled_kb", static_cast<std::int64_t>(settled.value_or(0)));
    j.integer("rss_last_kb", static_cast<std::int64_t>(last));
    j.integer("rss_max_kb", static_cast<std::int64_t>(highest));
  }
  if (writer_failed) j.boolean("input_refused", true);
  return j.line();
}

}  // namespace smsdrv::bench
