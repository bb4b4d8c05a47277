// Fault-test fixture: smsc-sim processes (with faults) and one dms-stub loading the real module,
// all read continuously so that no pipe ever fills, with the arrival time of every line.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "e2e_fixture.hpp"

namespace smsdrv::test {

using steady = std::chrono::steady_clock;

inline double ms_between(steady::time_point a, steady::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// A figure for docs/reliability.md, on stdout ("fault_test -s" or "ctest -L fault -V").
template <class... Args>
void figure(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print("FIGURE {}\n", fmt::format(format, std::forward<Args>(args)...));
  std::fflush(stdout);
}

struct timed {
  json_line line;
  steady::time_point at;
};

// One smsc-sim process and what it reported.
struct smsc {
  std::unique_ptr<subprocess> proc;
  int port = 0;
  std::vector<timed> events;
  std::vector<std::int64_t> submit_us;               // t_us of every submit_sm received
  std::map<std::string, std::size_t> submit_status;  // its answer: "ESME_ROK", "none", ...
  std::int64_t max_window = 0;

  explicit smsc(std::vector<std::string> flags, int listen_port = 0) {
    std::vector<std::string> argv{SMSDRV_SMSC_SIM_PATH, "--listen",
                                  "127.0.0.1:" + std::to_string(listen_port), "--dlr-delay-ms",
                                  "50"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    proc = std::make_unique<subprocess>(argv);
    std::vector<json_line> seen;
    auto l =
        read_until(*proc, seen, [](const json_line& j) { return j.str("event") == "listening"; });
    REQUIRE(l);
    port = static_cast<int>(l->num("port"));
    REQUIRE(port > 0);
  }

  void handle(json_line j) {
    const std::string event = j.str("event");
    if (event == "submit_sm") {
      submit_us.push_back(j.num("t_us"));
      ++submit_status[j.has("status") && j.root()["status"].IsString() ? j.str("status") : "none"];
      max_window = std::max(max_window, j.num("window"));
    }
    events.push_back({std::move(j), steady::now()});
  }

  void command(const std::string& line) { proc->write_line(line); }

  std::size_t count(const std::string& event) const {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(),
                      [&](const timed& t) { return t.line.str("event") == event; }));
  }
  std::vector<timed> all(const std::string& event) const {
    std::vector<timed> out;
    for (const auto& t : events)
      if (t.line.str("event") == event) out.push_back(t);
    return out;
  }
  std::size_t accepted() const {
    auto it = submit_status.find("ESME_ROK");
    return it == submit_status.end() ? 0 : it->second;
  }
};

// A [channel-sms1] section: the fixed basics plus `options` (any option may be given).
inline std::string channel_cfg(int port,
                               const std::vector<std::pair<std::string, std::string>>& options) {
  std::string s =
      "[channel-sms1]\n"
      "inbound-route = 101:sms_endpoint\n"
      "default-reply-address = 12345\n"
      "x-smpp-host = 127.0.0.1\n"
      "x-smpp-port = " +
      std::to_string(port) +
      "\n"
      "x-smpp-system-id = e2e\n"
      "password = e2e-pw\n";
  for (const auto& [k, v] : options)
    s += k + " = " + v + "\n";
  return s;
}

// `options` and a secondary SMSC on loopback at `port` (x-smpp-failover-*), with the account
// "e2e-b:pw-b" that add_smsc({"--account", "e2e-b:pw-b", ...}) serves.
inline std::vector<std::pair<std::string, std::string>> with_secondary(
    std::vector<std::pair<std::string, std::string>> options, int port) {
  options.insert(options.end(), {{"x-smpp-failover-host", "127.0.0.1"},
                                 {"x-smpp-failover-port", std::to_string(port)},
                                 {"x-smpp-failover-system-id", "e2e-b"},
                                 {"x-smpp-failover-password", "pw-b"}});
  return options;
}

// The port of dms-stub's metrics endpoint (started with --metrics-port 0), from its log line; 0
// when it does not say within 5 s.
inline std::uint16_t metrics_port(subprocess& dms) {
  // Not just any "http://127.0.0.1:": an HTTP channel's log line names its gateway's URL.
  constexpr std::string_view said = "metrics for Prometheus on http://127.0.0.1:";
  for (int i = 0; i < 100; ++i) {
    const std::string& log = dms.stderr_text();
    if (const auto at = log.find(said); at != std::string::npos)
      return static_cast<std::uint16_t>(std::stoi(log.substr(at + said.size())));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

// dms-stub with the module, and the SMSCs around it.
struct fault_world {
  server_root root;
  std::vector<std::unique_ptr<smsc>> smscs;
  std::unique_ptr<subprocess> dms;
  std::vector<timed> out;  // dms-stub's events
  std::map<std::string, std::vector<json_line>> responses;
  std::vector<std::string> sent;  // request ids, in order
  std::optional<int> exit_status;
  // While true, dms-stub's stdout is not read: once the pipe is full it blocks writing, so it
  // neither polls the driver nor acknowledges anything (a stalled host). Its stderr is drained.
  bool host_stalled = false;

  smsc& add_smsc(std::vector<std::string> flags, int listen_port = 0) {
    smscs.push_back(std::make_unique<smsc>(std::move(flags), listen_port));
    return *smscs.back();
  }
  smsc& sim(std::size_t i = 0) { return *smscs.at(i); }

  void start(const std::string& cfg, const std::vector<std::string>& more_args = {}) {
    const auto path = root.write_cfg(cfg);
    std::vector<std::string> argv{SMSDRV_DMS_STUB_PATH, "run",        "--config",
                                  path.string(),        "--app-name", "fault-dms"};
    argv.insert(argv.end(), more_args.begin(), more_args.end());
    dms = std::make_unique<subprocess>(argv);
  }

  void handle_dms(json_line j) {
    if (j.str("event") == "esp-response") responses[j.str("id")].push_back(j);
    out.push_back({std::move(j), steady::now()});
  }

  // Drains every process; true when done() holds within the timeout.
  bool pump(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = steady::now() + timeout;
    for (;;) {
      bool any = false;
      // At most `batch` lines from each process per round, so that a process writing faster
      // than the test reads cannot keep the deadline from being checked.
      constexpr int batch = 1000;
      for (auto& s : smscs) {
        if (!s->proc) continue;
        for (int n = 0; n < batch; ++n) {
          auto l = s->proc->read_line(0ms);
          if (!l) break;
          any = true;
          if (auto j = parse_json(*l)) s->handle(std::move(*j));
        }
      }
      if (dms && host_stalled) {
        dms->stderr_text();
      } else if (dms) {
        for (int n = 0; n < batch; ++n) {
          auto l = dms->read_line(0ms);
          if (!l) break;
          any = true;
          if (auto j = parse_json(*l)) handle_dms(std::move(*j));
        }
      }
      if (done()) return true;
      if (steady::now() >= deadline) return false;
      if (!any) std::this_thread::sleep_for(1ms);
    }
  }

  // The first dms-stub event at or after index `from` that satisfies pred, waiting for it.
  std::optional<timed> wait_dms(const std::function<bool(const json_line&)>& pred,
                                std::chrono::milliseconds timeout = 20s, std::size_t from = 0) {
    std::optional<timed> found;
    pump(
        [&] {
          for (std::size_t i = from; i < out.size(); ++i)
            if (pred(out[i].line)) {
              found = out[i];
              return true;
            }
          return false;
        },
        timeout);
    return found;
  }

  std::optional<timed> wait_state(const std::string& state, std::chrono::milliseconds timeout = 20s,
                                  std::size_t from = 0) {
    return wait_dms(
        [&](const json_line& j) {
          return j.str("event") == "channel-state" && j.str("attributes", "state") == state;
        },
        timeout, from);
  }

  void send(const std::string& id, const std::string& text = "fault test") {
    dms->write_line(
        send_sms(id, "channel-sms1", {{"_smsDestNumber", "4915550001"}, {"_smsText", text}}));
    sent.push_back(id);
  }

  // n requests "<prefix>1".."<prefix>n", written in small batches while draining.
  void send_many(const std::string& prefix, int n) {
    for (int i = 1; i <= n; ++i) {
      send(prefix + std::to_string(i));
      if (i % 50 == 0) pump([] { return true; });
    }
  }

  std::size_t answered() const {
    std::size_t n = 0;
    for (const auto& id : sent)
      n += responses.count(id) != 0;
    return n;
  }

  bool all_answered(std::chrono::milliseconds timeout = 30s) {
    return pump([&] { return answered() == sent.size(); }, timeout);
  }

  // Ends dms-stub (end of input) and reads everything it still writes.
  int finish() {
    dms->close_stdin();
    pump(
        [&] {
          exit_status = dms->wait(0ms);
          return exit_status.has_value();
        },
        40s);
    pump([] { return true; });
    REQUIRE(exit_status);
    return *exit_status;
  }

  // Every request sent got exactly one esp-response; returns the count per error name
  // ("OK" for success).
  std::map<std::string, std::size_t> check_exactly_one_each() {
    std::map<std::string, std::size_t> outcome;
    for (const auto& id : sent) {
      CAPTURE(id);
      const auto it = responses.find(id);
      REQUIRE(it != responses.end());
      CHECK(it->second.size() == 1);
      const json_line& r = it->second.front();
      ++outcome[r.str("ok") == "true" ? std::string("OK") : r.str("error", "name")];
    }
    CHECK(responses.size() == sent.size());  // no response for an id never sent
    return outcome;
  }

  std::size_t sum_user_data(const std::string& key) const {
    std::size_t n = 0;
    for (const auto& [id, rs] : responses)
      for (const auto& r : rs) {
        const std::string v = r.str("userData", key.c_str());
        if (!v.empty()) n += std::stoul(v);
      }
    return n;
  }
};

}  // namespace smsdrv::test
