// smpp-bench: the driver's load tool (docs/benchmarks.md).
//
//   smpp-bench driver        the driver through the C ABI against smsc-sim: msgs/s, latency,
//                            CPU, RSS
//   smpp-bench compare       ceiling, npm `smpp` client and driver side by side, windows 1/10/100
//   smpp-bench dms-stub      dms-stub's JSON-lines path (throughput, --idle RSS, --rate soak)
//   smpp-bench queue-memory  memory per queued request
//   smpp-bench http          an HTTP gateway channel to http-sink, beside Kannel's HTTP client
//   smpp-bench mms           MMS over MM7 to mmsc-sim: SubmitReq/s with an image, DeliverReq/s
//   smpp-bench shared-limit  the account's rate shared through Redis in the channel, beside the
//                            channel's own limiter
//
// Every command ends with one JSON line of results on stdout (compare: a table, and JSON lines in
// --out). Programs built with it (the module, smsc-sim, smsc-sim-flood, dms-stub) are found next to
// it when installed, else where the build put them (programs.hpp); flags override.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compare.hpp"
#include "driver_bench.hpp"
#include "http_bench.hpp"
#include "mms_bench.hpp"
#include "process.hpp"
#include "programs.hpp"
#include "shared_limit_bench.hpp"
#include "stub_bench.hpp"

namespace {

using namespace smsdrv::bench;

constexpr std::string_view usage = R"(usage: smpp-bench COMMAND [options]

commands:
  driver        push SendSMS through the C ABI to smsc-sim (started here unless --port)
                  --count N (100000) --window W (100) --text-length L (20)
                  --encoding smscdefault|ascii|latin1|ucs2|utf16be --delivery-report
                  --rate R (x-smpp-submit-max-rate, 1000000) --duration S --warmup S (1)
                  --outstanding N (requests kept unanswered by this host; the window)
                  --smsc-fault NAME=VALUE (a smsc-sim fault, repeatable: fail-every=10:ESME_RTHROTTLED,
                    throttle=500) --cpu-hog N (N busy-loop processes beside the run)
                  --option KEY=VALUE (a channel option, repeatable: "x-smpp-error-policy=...")
                  --port P (an SMSC on 127.0.0.1) --no-progress
                With --duration the run lasts warmup + S seconds and reports the rate measured
                over the last S seconds (RESPONSE events and the simulator's submissions); with
                a throttle or fail-every fault, also what the simulator accepted against what it
                would accept (accepted_ratio).
  compare       ceiling (smsc-sim-flood), npm smpp client and driver side by side
                  --windows 1,10,100 --runs 5 --scale 1.0 --text-length 20 --out FILE.jsonl
  dms-stub      SendSMS JSON lines through dms-stub with the real module
                  --count N (200000) --window W (100) --text-length L (20)
                  --idle S                  RSS of dms-stub with the channel bound, after S s
                  --rate R --duration S --sample S (10)   soak: RSS every S s at R requests/s
  queue-memory  RSS per queued request: --count N (100000) --text-length L (20)
  http          an HTTP gateway channel through the C ABI to http-sink, then Kannel's HTTP
                client (bearerbox, smsbox, sendsms) to the same sink
                  --count N (50000) --kannel-count N (20000, 0: no Kannel) --concurrency C (32)
                  --floor-count N (50000, 0: none: http-sink's own client, the floor of any
                  client on the sink) --text-length L (20) --no-progress
  mms           MMS over MM7 through the C ABI to mmsc-sim: SendMMS with a text and an image,
                then DeliverReq from the simulator to the channel's listener, acked at once
                  --count N (5000) --inbound N (2000, 0: none) --concurrency C (16)
                  --image-size BYTES (30000) --no-progress
                  --held N (0) --held-ms MS (5000)   heap and RSS per SendMMS in flight, N held by
                                                     mmsc-sim MS each, and after their RESPONSE

  shared-limit  for each rate, the driver at that rate with the channel's own limiter, then
                with the shared limiter through a redis-server started here (one JSON line each)
                  --rates 1000,10000,100000 --lease L (rate/50 within 20..2000) --window W (100)
                  --duration S (5) --warmup S (1) --redis-server PATH --redis-cli PATH
                  --no-progress

programs (default: installed next to smpp-bench, else where the build put them):
  --module PATH --sim PATH --flood PATH --dms-stub PATH --node PATH --npm-client PATH
  --http-sink PATH --mmsc-sim PATH
)";

class bad_usage : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
T number(std::string_view flag, std::string_view v) {
  T out{};
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size())
    throw bad_usage(fmt::format("{} needs a number, not '{}'", flag, v));
  return out;
}

std::vector<std::uint32_t> number_list(std::string_view flag, std::string_view v) {
  std::vector<std::uint32_t> out;
  while (!v.empty()) {
    const auto comma = v.find(',');
    out.push_back(number<std::uint32_t>(flag, v.substr(0, comma)));
    v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
  }
  if (out.empty()) throw bad_usage(std::string(flag) + " needs a list like 1,10,100");
  return out;
}

// Flags of one command: name -> handler of its value (nullptr value for switches).
using handlers = std::map<std::string, std::function<void(std::string_view)>, std::less<>>;

// A flag whose value is a number of the type of `target`.
template <class T>
handlers::value_type numeric(const char* flag, T& target) {
  return {flag, [flag, &target](std::string_view v) { target = number<T>(flag, v); }};
}

// A flag whose value is NAME=VALUE (`what` says which: "NAME", "KEY"), appended to `target`.
handlers::value_type key_value(const char* flag, const char* what,
                               std::vector<std::pair<std::string, std::string>>& target) {
  return {flag, [flag, what, &target](std::string_view v) {
            const auto eq = v.find('=');
            if (eq == std::string_view::npos || eq == 0)
              throw bad_usage(fmt::format("{} needs {}=VALUE, not '{}'", flag, what, v));
            target.emplace_back(v.substr(0, eq), v.substr(eq + 1));
          }};
}

void parse(const std::vector<std::string_view>& args, handlers h, programs& p,
           const std::map<std::string, std::function<void()>, std::less<>>& switches = {}) {
  h["--module"] = [&](std::string_view v) { p.module = v; };
  h["--sim"] = [&](std::string_view v) { p.sim = v; };
  h["--flood"] = [&](std::string_view v) { p.flood = v; };
  h["--dms-stub"] = [&](std::string_view v) { p.dms_stub = v; };
  h["--node"] = [&](std::string_view v) { p.node = v; };
  h["--npm-client"] = [&](std::string_view v) { p.npm_client = v; };
  h["--http-sink"] = [&](std::string_view v) { p.http_sink = v; };
  h["--mmsc-sim"] = [&](std::string_view v) { p.mmsc_sim = v; };
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (auto s = switches.find(args[i]); s != switches.end()) {
      s->second();
      continue;
    }
    auto it = h.find(args[i]);
    if (it == h.end()) throw bad_usage(fmt::format("unknown option '{}'", args[i]));
    if (i + 1 >= args.size()) throw bad_usage(fmt::format("{} needs a value", args[i]));
    it->second(args[++i]);
  }
}

int run(const std::vector<std::string_view>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    fmt::print("{}", usage);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    fmt::print("smpp-bench {}\n", SMSDRV_VERSION);
    return 0;
  }
  const std::string_view command = args[0];
  const std::vector<std::string_view> rest(args.begin() + 1, args.end());
  programs p = default_programs();
  if (command == "driver") {
    driver_options o;
    parse(rest,
          {numeric("--count", o.count),
           numeric("--window", o.window),
           numeric("--text-length", o.text_length),
           {"--encoding", [&](auto v) { o.encoding = v; }},
           numeric("--rate", o.max_rate),
           numeric("--outstanding", o.outstanding),
           key_value("--smsc-fault", "NAME", o.smsc_faults),
           numeric("--cpu-hog", o.cpu_hogs),
           key_value("--option", "KEY", o.channel_options),
           numeric("--duration", o.duration),
           numeric("--warmup", o.warmup),
           numeric("--port", o.port)},
          p, {{"--no-progress", [&] { o.progress = false; }}, {"--delivery-report", [&] {
                                                                 o.delivery_report = true;
                                                               }}});
    if (o.window == 0 || o.window > 1000) throw bad_usage("--window must be 1..1000");
    o.module = p.module;
    o.sim_program = p.sim;
    fmt::print("{}\n", run_driver(o));
    return 0;
  }
  if (command == "http") {
    http_bench_options o;
    parse(rest,
          {numeric("--count", o.count), numeric("--kannel-count", o.kannel_count),
           numeric("--floor-count", o.floor_count), numeric("--concurrency", o.concurrency),
           numeric("--text-length", o.text_length)},
          p, {{"--no-progress", [&] { o.progress = false; }}});
    if (o.concurrency == 0 || o.concurrency > 1000)
      throw bad_usage("--concurrency must be 1..1000");
    o.module = p.module;
    o.sink = p.http_sink;
    fmt::print("{}\n", run_http(o));
    return 0;
  }
  if (command == "mms") {
    mms_bench_options o;
    parse(rest,
          {numeric("--count", o.count), numeric("--inbound", o.inbound),
           numeric("--concurrency", o.concurrency), numeric("--image-size", o.image_size),
           numeric("--held", o.held), numeric("--held-ms", o.held_ms)},
          p, {{"--no-progress", [&] { o.progress = false; }}});
    if (o.concurrency == 0 || o.concurrency > 1000)
      throw bad_usage("--concurrency must be 1..1000");
    if (o.held > 1000) throw bad_usage("--held must be 0..1000");
    o.module = p.module;
    o.sim = p.mmsc_sim;
    fmt::print("{}\n", run_mms(o));
    return 0;
  }
  if (command == "shared-limit") {
    shared_limit_options o;
    parse(rest,
          {{"--rates", [&](auto v) { o.rates = number_list("--rates", v); }},
           numeric("--lease", o.lease),
           numeric("--window", o.window),
           numeric("--duration", o.duration),
           numeric("--warmup", o.warmup),
           {"--redis-server", [&](auto v) { o.redis_server = v; }},
           {"--redis-cli", [&](auto v) { o.redis_cli = v; }}},
          p, {{"--no-progress", [&] { o.progress = false; }}});
    if (o.window == 0 || o.window > 1000) throw bad_usage("--window must be 1..1000");
    if (std::any_of(o.rates.begin(), o.rates.end(),
                    [](std::uint32_t r) { return r == 0 || r > 1'000'000; }))
      throw bad_usage("--rates must be 1..1000000 each");
    if (o.duration <= 0) throw bad_usage("--duration must be above 0");
    o.module = p.module;
    o.sim_program = p.sim;
    for (const std::string& line : run_shared_limit(o))
      fmt::print("{}\n", line);
    return 0;
  }
  if (command == "queue-memory") {
    queue_memory_options o;
    parse(rest, {numeric("--count", o.count), numeric("--text-length", o.text_length)}, p);
    o.module = p.module;
    o.sim_program = p.sim;
    fmt::print("{}\n", run_queue_memory(o));
    return 0;
  }
  if (command == "dms-stub") {
    stub_options o;
    parse(rest,
          {numeric("--count", o.count), numeric("--window", o.window),
           numeric("--text-length", o.text_length), numeric("--idle", o.idle),
           numeric("--rate", o.rate), numeric("--duration", o.duration),
           numeric("--sample", o.sample)},
          p, {{"--no-progress", [&] { o.progress = false; }}});
    o.dms_stub = p.dms_stub;
    o.module = p.module;
    o.sim_program = p.sim;
    fmt::print("{}\n", run_stub(o));
    return 0;
  }
  if (command == "compare") {
    compare_options o;
    parse(rest,
          {{"--windows", [&](auto v) { o.windows = number_list("--windows", v); }},
           numeric("--runs", o.runs),
           numeric("--scale", o.scale),
           numeric("--text-length", o.text_length),
           {"--out", [&](auto v) { o.out = v; }}},
          p);
    if (o.runs < 1) throw bad_usage("--runs must be at least 1");
    o.self = own_directory() + "/smpp-bench";
    o.module = p.module;
    o.sim_program = p.sim;
    o.flood = p.flood;
    o.node = p.node;
    o.npm_client = p.npm_client;
    return run_compare(o);
  }
  throw bad_usage(fmt::format("unknown command '{}'", command));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  try {
    return run(args);
  } catch (const bad_usage& e) {
    fmt::print(stderr, "smpp-bench: {}\n{}", e.what(), usage);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "smpp-bench: {}\n", e.what());
    return 1;
  }
}
