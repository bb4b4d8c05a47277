#include "compare.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

#include "json.hpp"
#include "process.hpp"
#include "sim.hpp"
#include "summary.hpp"

namespace smsdrv::bench {
namespace {

using namespace std::chrono_literals;

enum class tool : int { ceiling, npm, driver };
constexpr const char* tool_names[] = {"ceiling", "npm", "driver"};

// Messages per run, for about two seconds each on the project machine.
std::uint64_t default_count(tool t, std::uint32_t window) {
  static const std::map<std::uint32_t, std::uint64_t> ceiling = {
      {1, 40'000}, {10, 400'000}, {100, 3'000'000}};
  static const std::map<std::uint32_t, std::uint64_t> npm = {
      {1, 25'000}, {10, 50'000}, {100, 70'000}};
  static const std::map<std::uint32_t, std::uint64_t> driver = {
      {1, 30'000}, {10, 200'000}, {100, 1'000'000}};
  const auto& table = t == tool::ceiling ? ceiling : t == tool::npm ? npm : driver;
  const auto it = table.lower_bound(window);
  return it == table.end() ? table.rbegin()->second : it->second;
}

struct run_result {
  bool ok = false;
  double msgs_per_s = 0;
  double sim_cpu_percent = 0;
  double client_cpu_s = 0;
  double latency_p50 = NAN, latency_p99 = NAN, latency_p999 = NAN;
  std::string line;  // the tool's own result line
};

// Runs one tool to completion and takes its last JSON line.
run_result run_tool(const std::vector<std::string>& argv, std::string_view rate_key) {
  run_result r;
  const double cpu_before = waited_children_cpu_seconds();
  child c(argv);
  std::optional<json_object> last;
  while (auto line = c.read_line_view(600s))
    if (auto j = json_object::parse(*line)) last = std::move(j);
  const auto status = c.wait(30s);
  r.client_cpu_s = waited_children_cpu_seconds() - cpu_before;
  if (!last) return r;
  r.line = std::string(last->text());
  r.msgs_per_s = last->number(rate_key).value_or(0);
  r.latency_p50 = last->number("latency_us_p50").value_or(NAN);
  r.latency_p99 = last->number("latency_us_p99").value_or(NAN);
  r.latency_p999 = last->number("latency_us_p999").value_or(NAN);
  r.ok = status == 0 && r.msgs_per_s > 0;
  return r;
}

// key: {"median":m,"min":a,"max":b}, each with `decimals` digits after the point.
void add_spread(json_writer& j, std::string_view key, const spread& s, int decimals) {
  j.begin_object(key)
      .num("median", s.median, decimals)
      .num("min", s.min, decimals)
      .num("max", s.max, decimals)
      .end_object();
}

std::string rate_cell(const spread& s) {
  if (s.median <= 0) return "-";
  return fmt::format("{:.0f} ({:.0f}-{:.0f})", s.median, s.min, s.max);
}

}  // namespace

int run_compare(const compare_options& o) {
  const bool with_npm = !o.npm_client.empty() && std::filesystem::exists(o.npm_client) &&
                        std::filesystem::exists(std::filesystem::path(o.npm_client).parent_path() /
                                                "node_modules" / "smpp");
  if (!with_npm)
    fmt::print(stderr,
               "smpp-bench: the npm client is left out ({} or its node_modules are missing; "
               "run `npm ci` in tests/interop)\n",
               o.npm_client.empty() ? "esme-client.js" : o.npm_client);
  std::ofstream out;
  if (!o.out.empty()) {
    out.open(o.out);
    if (!out) throw std::runtime_error("cannot write " + o.out);
  }
  auto record = [&](const std::string& line) {
    if (out) out << line << '\n' << std::flush;
  };

  sim_process sim(o.sim_program);
  const std::string port = std::to_string(sim.port());
  const std::string text(o.text_length, 'x');
  {
    json_writer m;
    m.str("event", "smpp-bench-machine");
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    m.str("host", host).integer("cpus", ::sysconf(_SC_NPROCESSORS_ONLN));
    double load[3] = {};
    if (::getloadavg(load, 3) == 3) m.num("load_1m", load[0], 2);
    m.integer("runs", o.runs).num("scale", o.scale, 3);
    m.integer("text_length", static_cast<std::int64_t>(o.text_length));
    record(m.line());
  }

  int failures = 0;
  std::vector<std::string> summaries;
  fmt::print("{:>6} | {:>28} | {:>28} | {:>28} | {:>14} | {:>14} | {:>9} | {:>18}\n", "window",
             "ceiling msgs/s (min-max)", "npm smpp msgs/s (min-max)", "driver msgs/s (min-max)",
             "driver/ceiling", "driver/npm", "sim cpu%", "driver p50/p99 us");
  std::fflush(stdout);
  for (const std::uint32_t w : o.windows) {
    std::map<tool, std::vector<run_result>> results;
    std::vector<double> vs_ceiling, vs_npm, sim_cpu;
    for (int run = 0; run < o.runs; ++run) {
      for (const tool t : {tool::ceiling, tool::npm, tool::driver}) {
        if (t == tool::npm && !with_npm) continue;
        const auto count = std::max<std::uint64_t>(
            10, static_cast<std::uint64_t>(std::llround(default_count(t, w) * o.scale)));
        std::vector<std::string> argv;
        std::string_view rate_key = "submit_sm_per_s";
        switch (t) {
          case tool::ceiling:
            argv = {o.flood,
                    "--port",
                    port,
                    "--count",
                    std::to_string(count),
                    "--window",
                    std::to_string(w),
                    "--batch",
                    std::to_string(w),
                    "--text-size",
                    std::to_string(o.text_length)};
            break;
          case tool::npm:
            argv = {
                o.node,         o.npm_client,      "--port", port, "--count", std::to_string(count),
                "--window",     std::to_string(w), "--text", text, "--bind",  "transmitter",
                "--timeout-ms", "600000"};
            break;
          case tool::driver:
            argv = {
                o.self,         "driver",          "--port",        port,
                "--module",     o.module,          "--count",       std::to_string(count),
                "--window",     std::to_string(w), "--text-length", std::to_string(o.text_length),
                "--no-progress"};
            rate_key = "msgs_per_s";
            break;
        }
        if (::isatty(2) == 1)
          fmt::print(stderr, "\rwindow {} run {}/{}: {} ({} messages)...\033[K", w, run + 1, o.runs,
                     tool_names[static_cast<int>(t)], count);
        const auto before = sim.stats();
        run_result r = run_tool(argv, rate_key);
        const auto after = sim.stats();
        if (before && after) r.sim_cpu_percent = load_between(*before, *after).cpu_percent;
        sim_cpu.push_back(r.sim_cpu_percent);
        if (!r.ok) {
          ++failures;
          fmt::print(stderr, "\nsmpp-bench: {} at window {} failed: {}\n",
                     tool_names[static_cast<int>(t)], w, r.line.empty() ? "no result" : r.line);
        }
        json_writer j;
        j.str("event", "smpp-bench-run").str("tool", tool_names[static_cast<int>(t)]);
        j.integer("window", w)
            .integer("run", run + 1)
            .integer("count", static_cast<std::int64_t>(count));
        j.num("msgs_per_s", r.msgs_per_s).num("sim_cpu_percent", r.sim_cpu_percent, 1);
        j.num("client_cpu_s", r.client_cpu_s, 3);
        if (!r.line.empty()) j.raw("result", r.line);
        record(j.line());
        results[t].push_back(std::move(r));
      }
      const auto& c = results[tool::ceiling].back();
      const auto& d = results[tool::driver].back();
      if (c.msgs_per_s > 0) vs_ceiling.push_back(d.msgs_per_s / c.msgs_per_s);
      if (with_npm && results[tool::npm].back().msgs_per_s > 0)
        vs_npm.push_back(d.msgs_per_s / results[tool::npm].back().msgs_per_s);
    }
    if (::isatty(2) == 1) fmt::print(stderr, "\r\033[K");

    auto rates = [&](tool t) {
      std::vector<double> v;
      for (const auto& r : results[t])
        v.push_back(r.msgs_per_s);
      return spread_of(v);
    };
    auto latency = [&](double run_result::*field) {
      std::vector<double> v;
      for (const auto& r : results[tool::driver])
        if (!std::isnan(r.*field)) v.push_back(r.*field);
      return spread_of(v);
    };
    const spread ceiling = rates(tool::ceiling), npm = rates(tool::npm),
                 driver = rates(tool::driver);
    const spread r_ceiling = spread_of(vs_ceiling), r_npm = spread_of(vs_npm);
    const spread sim_load = spread_of(sim_cpu);
    const spread p50 = latency(&run_result::latency_p50), p99 = latency(&run_result::latency_p99),
                 p999 = latency(&run_result::latency_p999);
    fmt::print("{:>6} | {:>28} | {:>28} | {:>28} | {:>13.1f}% | {:>13} | {:>9.0f} | {:>18}\n", w,
               rate_cell(ceiling), rate_cell(npm), rate_cell(driver), 100 * r_ceiling.median,
               with_npm ? fmt::format("{:.1f}x", r_npm.median) : std::string("-"), sim_load.max,
               fmt::format("{:.0f}/{:.0f}", p50.median, p99.median));
    std::fflush(stdout);

    json_writer s;
    s.str("event", "smpp-bench-summary").integer("window", w).integer("runs", o.runs);
    add_spread(s, "ceiling", ceiling, 0);
    if (with_npm) add_spread(s, "npm", npm, 0);
    add_spread(s, "driver", driver, 0);
    add_spread(s, "driver_vs_ceiling", r_ceiling, 3);
    if (with_npm) add_spread(s, "driver_vs_npm", r_npm, 2);
    add_spread(s, "driver_latency_us_p50", p50, 1);
    add_spread(s, "driver_latency_us_p99", p99, 1);
    add_spread(s, "driver_latency_us_p999", p999, 1);
    s.num("sim_cpu_percent_max", sim_load.max, 1);
    record(s.line());
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace smsdrv::bench
