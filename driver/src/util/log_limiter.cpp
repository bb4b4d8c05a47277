#include "util/log_limiter.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace smsdrv {

std::string log_limiter::shape(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  bool in_digits = false;
  for (char c : line) {
    const bool digit = c >= '0' && c <= '9';
    if (digit && !in_digits) out.push_back('#');
    if (!digit) out.push_back(c);
    in_digits = digit;
  }
  return out;
}

bool log_limiter::admit(log_level level, std::string_view line, time_point now, std::uint64_t id) {
  key_ = shape(line);
  window& w = window_of(now);
  if (admit_into(w, level, now, id)) return true;
  if (w.held == 1) w.example.assign(line);
  return false;
}

log_limiter::window& log_limiter::window_of(time_point now) {
  auto it = windows_.find(key_);
  if (it == windows_.end()) {
    if (windows_.size() >= options_.max_keys)
      std::erase_if(windows_, [&](const auto& kv) {
        return kv.second.held == 0 && now >= kv.second.start + options_.interval;
      });
    // Lines of keys beyond the bound share one window (the empty key), still limited.
    if (windows_.size() >= options_.max_keys) key_.clear();
    it = windows_.try_emplace(key_).first;
    it->second.start = now;
  }
  return it->second;
}

bool log_limiter::admit_into(window& w, log_level level, time_point now, std::uint64_t id) {
  if (w.held == 0 && now >= w.start + options_.interval) {
    w.start = now;  // a new interval
    w.written = 0;
  }
  if (w.written < options_.burst && w.held == 0) {
    ++w.written;
    return true;
  }
  if (w.held == 0) {
    w.level = level;
    next_deadline_ = std::min(next_deadline_, w.start + options_.interval);
  }
  w.level = std::min(w.level, level);  // the most severe (error < warn < info)
  ++w.held;
  if (id != 0) w.ids.add(id);
  return false;
}

void log_limiter::take_summaries(time_point now, std::vector<summary>& out, bool all) {
  if (!all && now < next_deadline_) return;
  for (auto it = windows_.begin(); it != windows_.end();) {
    window& w = it->second;
    if (!all && now < w.start + options_.interval) {
      ++it;
      continue;
    }
    if (w.held > 0) {
      const double seconds = std::chrono::duration<double>(now - w.start).count();
      out.push_back(
          {w.level,
           fmt::format("… {} more like this in the last {:.1f} s{}: {}", w.held, seconds,
                       w.ids.empty() ? std::string() : fmt::format(" (requests {})", w.ids.text()),
                       w.example)});
    }
    it = windows_.erase(it);
  }
  update_deadline();
}

void log_limiter::update_deadline() noexcept {
  next_deadline_ = time_point::max();
  for (const auto& [key, w] : windows_)
    if (w.held > 0) next_deadline_ = std::min(next_deadline_, w.start + options_.interval);
}

}  // namespace smsdrv
