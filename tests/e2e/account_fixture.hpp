// What the tests of one SMSC account over several binds and hosts share (docs/scaling.md):
// smsc-sim with account limits, one or more dms-stub processes with one channel each, all of
// their output read together so that no process blocks on a full pipe while the test waits for
// another, and the figures the simulator's events give.
#pragma once

#include <algorithm>
#include <map>
#include <set>

#include <netinet/in.h>
#include <sys/socket.h>

#include "e2e_fixture.hpp"
#include "http_get.hpp"

namespace smsdrv::test {

// channel_section() with the options in `extra` instead of its own of the same name.
inline std::string account_section(int port, const std::string& extra) {
  std::string text = channel_section("channel-sms1", port);
  for (const char* key : {"x-smpp-submit-max-rate", "x-smpp-submit-window-size"}) {
    if (extra.find(key) == std::string::npos) continue;
    const auto at = text.find(std::string(key) + " =");
    text.erase(at, text.find('\n', at) + 1 - at);
  }
  return text + extra;
}

// A process whose JSON lines are kept.
struct reader {
  subprocess* proc;
  std::vector<json_line>* lines;
};

// Reads every process's lines as they come until done() holds (true) or the timeout (false).
inline bool read_all_until(const std::vector<reader>& readers, const std::function<bool()>& done,
                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    for (const reader& r : readers)
      for (int i = 0; i < 500; ++i) {
        auto line = r.proc->read_line(1ms);
        if (!line) break;
        if (auto j = parse_json(*line)) r.lines->push_back(std::move(*j));
      }
  }
}

// A TCP port on 127.0.0.1 nobody listens on right now.
inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

// One dms-stub with channel-sms1 configured by `section`, its metrics on metrics_port.
struct dms_host {
  server_root root;
  std::uint16_t metrics_port = free_port();
  std::unique_ptr<subprocess> proc;
  std::vector<json_line> out;

  explicit dms_host(const std::string& section) {
    const auto cfg = root.write_cfg(section);
    proc = std::make_unique<subprocess>(std::vector<std::string>{
        SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(), "--app-name", "e2e-dms", "--linger",
        "0.5", "--metrics-port", std::to_string(metrics_port)});
  }
  // The value of the channel's sample `name` (with label session="i" when i > 0) on dms-stub's
  // /metrics; -1 when absent.
  double metric(const std::string& name, int session = 0) const {
    const http_answer a = http_request(metrics_port, "GET", "/metrics", "");
    REQUIRE(a.status == 200);
    const std::string label = session > 0 ? ",session=\"" + std::to_string(session) + "\"}" : "}";
    for (std::size_t at = 0; at < a.body.size();) {
      const std::size_t end = std::min(a.body.find('\n', at), a.body.size());
      const std::string line = a.body.substr(at, end - at);
      at = end + 1;
      if (line.rfind(name + "{", 0) != 0) continue;
      const auto close = line.find("} ");
      if (close == std::string::npos ||
          line.compare(close + 1 - label.size(), label.size(), label) != 0)
        continue;
      return std::stod(line.substr(close + 2));
    }
    return -1;
  }
  bool has(const std::function<bool(const json_line&)>& pred) const {
    return std::any_of(out.begin(), out.end(), pred);
  }
  std::optional<json_line> first(const std::function<bool(const json_line&)>& pred) const {
    for (const auto& j : out)
      if (pred(j)) return j;
    return std::nullopt;
  }
  std::size_t count(const std::function<bool(const json_line&)>& pred) const {
    return static_cast<std::size_t>(std::count_if(out.begin(), out.end(), pred));
  }
  // The esp-response events per request id.
  std::map<std::string, int> responses() const {
    std::map<std::string, int> r;
    for (const auto& j : out)
      if (j.str("event") == "esp-response") ++r[j.str("id")];
    return r;
  }
  std::size_t ok_responses() const {
    return count([](const json_line& j) {
      return j.str("event") == "esp-response" && j.str("ok") == "true";
    });
  }
  void send_many(const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i)
      proc->write_line(send_sms(prefix + std::to_string(i), "channel-sms1",
                                {{"_smsDestNumber", "4915550001"}, {"_smsText", "hello"}}));
  }
  // Ends dms-stub (stdin closed) and returns its exit code.
  int finish() {
    proc->close_stdin();
    auto rc = proc->wait(30s);
    REQUIRE(rc);
    return *rc;
  }
};

inline bool is_state(const json_line& j, std::string_view state) {
  return j.str("event") == "channel-state" && j.str("attributes", "state") == state;
}

// When the simulator read each submit_sm (its own clock, t_us), in order.
inline std::vector<std::int64_t> submit_times(const std::vector<json_line>& events) {
  std::vector<std::int64_t> t;
  for (const auto& e : events)
    if (e.str("event") == "submit_sm") t.push_back(e.num("t_us"));
  std::sort(t.begin(), t.end());
  return t;
}

// The most of times[from, to) in any sliding second.
inline std::size_t busiest_second(const std::vector<std::int64_t>& times, std::size_t from,
                                  std::size_t to) {
  std::size_t best = 0;
  for (std::size_t i = from, j = from; j < std::min(to, times.size()); ++j) {
    while (times[j] - times[i] >= 1'000'000)
      ++i;
    best = std::max(best, j - i + 1);
  }
  return best;
}

// The most submit_sm the simulator read in any sliding second.
inline std::size_t busiest_second(const std::vector<json_line>& events) {
  const auto t = submit_times(events);
  return busiest_second(t, 0, t.size());
}

// The simulator's time from the first submit_sm to the last, in seconds.
inline double submit_span_seconds(const std::vector<json_line>& events) {
  std::int64_t first = -1, last = -1;
  for (const auto& e : events)
    if (e.str("event") == "submit_sm") {
      if (first < 0) first = e.num("t_us");
      last = e.num("t_us");
    }
  return first < 0 ? 0 : static_cast<double>(last - first) / 1e6;
}

// submit_sm the simulator answered with `status` ("ESME_ROK", "ESME_RTHROTTLED").
inline std::size_t submits_with_status(const std::vector<json_line>& events,
                                       std::string_view status) {
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const auto& e) {
    return e.str("event") == "submit_sm" && e.str("status") == status;
  }));
}

}  // namespace smsdrv::test
