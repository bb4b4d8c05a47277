#include "shared_limit_bench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "driver_bench.hpp"
#include "json.hpp"
#include "local_redis/redis_server.hpp"
#include "process.hpp"

namespace smsdrv::bench {
namespace {

using namespace std::chrono_literals;

// EVALSHA and EVAL calls so far on the server at `port` (INFO commandstats through redis-cli).
std::uint64_t script_calls(const std::string& cli_program, std::uint16_t port) {
  child cli({cli_program, "-p", std::to_string(port), "INFO", "commandstats"});
  std::uint64_t calls = 0;
  while (auto line = cli.read_line(5s)) {
    for (const char* name : {"cmdstat_evalsha:calls=", "cmdstat_eval:calls="})
      if (line->rfind(name, 0) == 0) calls += std::stoull(line->substr(std::strlen(name)));
  }
  cli.wait(5s);
  return calls;
}

struct run_figures {
  double sim_rate = 0;
  double cpu_us_per_message = 0;
  double count = 0;
  std::string line;
};

run_figures figures_of(const std::string& line) {
  const auto j = json_object::parse(line);
  if (!j) throw std::runtime_error("the driver run printed no JSON: " + line);
  run_figures f;
  f.line = line;
  f.sim_rate = j->number("sim_rate").value_or(0);
  f.count = j->number("count").value_or(0);
  const double cpu = j->number("cpu_s").value_or(0);
  f.cpu_us_per_message = f.count > 0 ? cpu * 1e6 / f.count : 0;
  if (j->number("failed").value_or(0) > 0)
    throw std::runtime_error("requests failed: " + j->string("first_failure").value_or(""));
  return f;
}

}  // namespace

std::uint32_t default_lease(std::uint32_t rate) {
  return std::clamp<std::uint32_t>(rate / 50, 20, 2000);
}

std::vector<std::string> run_shared_limit(const shared_limit_options& o) {
  local_redis::redis_options server;
  server.program = o.redis_server;
  local_redis::redis_server redis(server);
  std::vector<std::string> out;
  for (const std::uint32_t rate : o.rates) {
    const std::uint32_t lease = o.lease != 0 ? o.lease : default_lease(rate);
    driver_options d;
    d.module = o.module;
    d.sim_program = o.sim_program;
    d.window = o.window;
    d.duration = o.duration;
    d.warmup = o.warmup;
    d.progress = o.progress;
    d.max_rate = rate;
    const run_figures local = figures_of(run_driver(d));

    // The channel's own limit out of the way: only the account's applies.
    d.max_rate = 1'000'000;
    d.channel_options = {
        {"x-shared-limits-redis-url", fmt::format("redis://127.0.0.1:{}", redis.port())},
        {"x-shared-limits-account", fmt::format("bench-{}", rate)},
        {"x-shared-limits-rate", std::to_string(rate)},
        {"x-shared-limits-lease-size", std::to_string(lease)}};
    const std::uint64_t calls_before = script_calls(o.redis_cli, redis.port());
    const double redis_cpu_before = cpu_seconds_of(redis.pid());
    const run_figures shared = figures_of(run_driver(d));
    const double redis_cpu = cpu_seconds_of(redis.pid()) - redis_cpu_before;
    // The INFO command itself is not a script call.
    const auto calls = static_cast<double>(script_calls(o.redis_cli, redis.port()) - calls_before);

    json_writer j;
    j.str("event", "smpp-bench").str("tool", "shared-limit");
    j.integer("rate", rate).integer("lease", lease).integer("window", o.window);
    j.num("seconds", o.duration, 1).num("warmup", o.warmup, 1);
    j.num("local_msgs_per_s", local.sim_rate, 1);
    j.num("local_of_rate_percent", 100 * local.sim_rate / rate, 2);
    j.num("local_cpu_us_per_msg", local.cpu_us_per_message, 3);
    j.num("shared_msgs_per_s", shared.sim_rate, 1);
    j.num("shared_of_rate_percent", 100 * shared.sim_rate / rate, 2);
    j.num("shared_cpu_us_per_msg", shared.cpu_us_per_message, 3);
    j.num("redis_cpu_us_per_msg", shared.count > 0 ? redis_cpu * 1e6 / shared.count : 0, 3);
    j.num("redis_round_trips_per_msg", shared.count > 0 ? calls / shared.count : 0, 4);
    j.num("extra_cpu_us_per_msg", shared.cpu_us_per_message - local.cpu_us_per_message, 3);
    out.push_back(j.line());
  }
  return out;
}

}  // namespace smsdrv::bench
