// Collapses repeated log lines, so that a fault repeated thousands of times (a link lost with
// every request in flight, an SMSC pushing parts into a full reassembly buffer, a peer sending
// stray responses) writes a few lines and a count, not one line each.
//
// Lines are alike when they differ only in their numbers ("request 12 failed: …" and
// "request 13 failed: …"): the key is the line with every run of digits replaced by '#'. Per
// key, the first `burst` lines of an interval are written; the rest of that interval are
// counted, and when the interval ends one line says how many there were and which request ids
// they named:
//   … 217 more like this in the last 10.0 s (requests 4-220): request 4 failed: the link …
// Memory is bounded: at most `max_keys` keys are followed; lines of further keys share one.
// Sans-I/O: time is a parameter; the owner writes take_summaries(now) at next_deadline().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/id_ranges.hpp"
#include "util/log_level.hpp"

namespace smsdrv {

class log_limiter {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  struct options {
    std::chrono::milliseconds interval{std::chrono::seconds(10)};
    std::uint32_t burst = 3;
    std::size_t max_keys = 64;
  };
  struct summary {
    log_level level;
    std::string text;
  };

  log_limiter() : log_limiter(options{}) {}
  explicit log_limiter(options o) : options_(o) {}

  // True: write the line now. False: it was counted for a summary. `id` is the request the line
  // names (0: none); summaries list them.
  bool admit(log_level level, std::string_view line, time_point now, std::uint64_t id = 0);
  // The same for a line that is costly to make, under a key the caller names (a constant, such
  // as the line's format string): `line()` is called only when the line is written or is the
  // first held back (the summary's example).
  template <class MakeLine>
  bool admit_keyed(log_level level, std::string_view key, time_point now, std::uint64_t id,
                   MakeLine&& line) {
    key_.assign(key);
    window& w = window_of(now);
    if (admit_into(w, level, now, id)) return true;
    if (w.held == 1) w.example = line();
    return false;
  }
  // Appends the summaries of the intervals that ended by `now` (every one when `all`: at the end
  // of the channel) and forgets those intervals.
  void take_summaries(time_point now, std::vector<summary>& out, bool all = false);
  // When take_summaries() has something to say; time_point::max() when nothing is held back.
  time_point next_deadline() const noexcept { return next_deadline_; }

  // The key of a line: runs of digits become '#'.
  static std::string shape(std::string_view line);

 private:
  struct window {
    time_point start{};
    std::uint32_t written = 0;
    std::uint64_t held = 0;  // lines counted, not written
    log_level level = log_level::info;
    std::string example;  // the first line held back
    id_ranges ids;
  };

  void update_deadline() noexcept;
  // The window of key_ (created, or shared when there are too many keys).
  window& window_of(time_point now);
  // Counts the line in `w`: true when it is to be written, false when held back.
  bool admit_into(window& w, log_level level, time_point now, std::uint64_t id);

  options options_;
  std::unordered_map<std::string, window> windows_;
  time_point next_deadline_ = time_point::max();
  std::string key_;  // reused
};

}  // namespace smsdrv
