// shared-limit-bench: the cost of the account-wide rate limit shared through Redis
// (docs/benchmarks.md, "Shared rate limit"). H limiters (io::shared_rate_limiter, as H hosts
// would run them) share one account of R messages/s through a redis-server started here, each
// sending as fast as it is allowed; beside them the same senders with the local limiter
// (flow::rate_limit at R/H each). Prints one JSON line: the rate achieved against the account's,
// Redis round trips per message, and CPU per message of this process and of redis-server.
//
//   shared-limit-bench --rate 10000 --hosts 3 --lease 50 --seconds 5 [--redis-port P]
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flow/rate_limit.hpp"
#include "io/shared_limiter.hpp"
#include "local_redis/redis_server.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

struct options {
  std::uint32_t rate = 10000;
  std::uint32_t hosts = 3;
  std::uint32_t lease = 50;
  double seconds = 5;
  std::uint16_t redis_port = 0;  // 0: start one
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// utime + stime of a process, from /proc/PID/stat.
double process_cpu_seconds(pid_t pid) {
  std::ifstream f(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields;
  std::string field;
  for (char c : stat.substr(close + 2)) {
    if (c == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  if (fields.size() < 13) return 0;
  return (std::stod(fields[11]) + std::stod(fields[12])) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Sends through `take` as fast as it allows, checking every millisecond.
template <class Take>
struct sender {
  Take take;
  boost::asio::steady_timer timer;
  std::uint64_t sent = 0;
  bool running = true;
  sender(boost::asio::io_context& io, Take t) : take(std::move(t)), timer(io) {}
  void tick() {
    if (!running) return;
    const auto now = clock_type::now();
    while (take(now))
      ++sent;
    timer.expires_after(1ms);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }
};

struct run_result {
  std::uint64_t messages = 0;
  double seconds = 0;
  double cpu = 0;
};

// `at_start` runs when the measured span begins.
template <class Make, class Start>
run_result run(boost::asio::io_context& io, const options& o, Make make_take, Start at_start) {
  using take_t = decltype(make_take(0u));
  std::vector<std::unique_ptr<sender<take_t>>> senders;
  for (std::uint32_t h = 0; h < o.hosts; ++h)
    senders.push_back(std::make_unique<sender<take_t>>(io, make_take(h)));
  for (auto& s : senders)
    s->tick();
  // One second to settle (the first leases, the burst), then the measured span.
  io.run_for(1s);
  io.restart();
  std::uint64_t before = 0;
  for (auto& s : senders)
    before += s->sent;
  at_start();
  const double cpu0 = cpu_seconds();
  const auto t0 = clock_type::now();
  io.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(o.seconds)));
  io.restart();
  run_result r;
  r.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  r.cpu = cpu_seconds() - cpu0;
  for (auto& s : senders) {
    r.messages += s->sent;
    s->running = false;
    s->timer.cancel();
  }
  r.messages -= before;
  io.run_for(10ms);
  io.restart();
  return r;
}

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view k = argv[i];
    const std::string_view v = argv[i + 1];
    auto num = [&](auto& out) {
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      return ec == std::errc() && p == v.data() + v.size();
    };
    bool ok = false;
    if (k == "--rate") ok = num(o.rate) && o.rate > 0;
    if (k == "--hosts") ok = num(o.hosts) && o.hosts > 0;
    if (k == "--lease") ok = num(o.lease) && o.lease > 0;
    if (k == "--redis-port") ok = num(o.redis_port);
    if (k == "--seconds") {
      o.seconds = std::atof(std::string(v).c_str());
      ok = o.seconds > 0;
    }
    if (!ok) {
      std::fprintf(stderr, "shared-limit-bench: %s '%s' is not valid\n", argv[i], argv[i + 1]);
      return false;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr,
                 "usage: shared-limit-bench [--rate R] [--hosts H] [--lease L] [--seconds S] "
                 "[--redis-port P]\n");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, o)) return 2;
  // Ours when no port is given; its CPU is measured then only.
  std::optional<smsdrv::local_redis::redis_server> started;
  if (o.redis_port == 0) started.emplace();
  const std::uint16_t port = started ? started->port() : o.redis_port;
  const pid_t redis = started ? started->pid() : 0;
  boost::asio::io_context io;
  smsdrv::io::shared_limits_config c;
  c.redis.port = port;
  c.account = fmt::format("bench-{}", getpid());
  c.lease.account_rate = o.rate;
  c.lease.lease_size = o.lease;
  c.lease.local_share_percent = 100 / o.hosts;
  std::vector<std::unique_ptr<smsdrv::io::shared_rate_limiter>> limiters;
  for (std::uint32_t h = 0; h < o.hosts; ++h)
    limiters.push_back(std::make_unique<smsdrv::io::shared_rate_limiter>(
        io, c,
        [](auto, const std::string& why) { std::fprintf(stderr, "mode: %s\n", why.c_str()); },
        [] {}));
  auto commands_now = [&] {
    std::uint64_t n = 0;
    for (auto& l : limiters)
      n += l->redis_commands();
    return n;
  };
  double redis_cpu0 = 0;
  std::uint64_t commands0 = 0;
  const run_result shared = run(
      io, o,
      [&](std::uint32_t h) {
        return [l = limiters[h].get()](clock_type::time_point now) { return l->try_take(now); };
      },
      [&] {
        redis_cpu0 = redis != 0 ? process_cpu_seconds(redis) : 0;
        commands0 = commands_now();
      });
  const double redis_cpu = redis != 0 ? process_cpu_seconds(redis) - redis_cpu0 : 0;
  const std::uint64_t commands = commands_now() - commands0;
  std::uint64_t fallbacks = 0;
  for (auto& l : limiters)
    fallbacks += l->stats().fallbacks;

  std::vector<std::unique_ptr<smsdrv::flow::rate_limit>> locals;
  for (std::uint32_t h = 0; h < o.hosts; ++h)
    locals.push_back(std::make_unique<smsdrv::flow::rate_limit>(
        std::max<std::uint32_t>(o.rate / o.hosts, 1), std::max<std::uint32_t>(o.lease, 1)));
  const run_result local = run(
      io, o,
      [&](std::uint32_t h) {
        return [l = locals[h].get()](clock_type::time_point now) { return l->try_take(now); };
      },
      [] {});
  started.reset();
  const double achieved = static_cast<double>(shared.messages) / shared.seconds;
  const double per_message = shared.messages ? 1.0 / static_cast<double>(shared.messages) : 0.0;
  std::printf(
      "{\"bench\":\"shared-limit\",\"account_rate\":%u,\"hosts\":%u,\"lease\":%u,"
      "\"seconds\":%.2f,\"messages\":%llu,\"achieved_per_s\":%.1f,\"achieved_ratio\":%.4f,"
      "\"redis_commands\":%llu,\"round_trips_per_message\":%.4f,\"cpu_us_per_message\":%.3f,"
      "\"redis_cpu_us_per_message\":%.3f,\"fallbacks\":%llu,\"local_achieved_per_s\":%.1f,"
      "\"local_cpu_us_per_message\":%.3f}\n",
      o.rate, o.hosts, o.lease, shared.seconds, static_cast<unsigned long long>(shared.messages),
      achieved, achieved / o.rate, static_cast<unsigned long long>(commands),
      static_cast<double>(commands) * per_message, shared.cpu * 1e6 * per_message,
      redis_cpu * 1e6 * per_message, static_cast<unsigned long long>(fallbacks),
      static_cast<double>(local.messages) / local.seconds,
      local.messages ? local.cpu * 1e6 / static_cast<double>(local.messages) : 0.0);
  return fallbacks == 0 ? 0 : 1;
}
