#include "host/logger.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <iterator>

#include "privacy/masking.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::host {
namespace {

std::string_view level_name(int32_t level) noexcept {
  switch (level) {
    case SMSDRV_LOG_ERROR:
      return "ERROR";
    case SMSDRV_LOG_WARN:
      return "WARN ";
    case SMSDRV_LOG_INFO:
      return "INFO ";
    case SMSDRV_LOG_DEBUG:
      return "DEBUG";
    default:
      return "TRACE";
  }
}

}  // namespace

void logger::write(int32_t level, std::string_view channel,
                   std::string_view message) const noexcept {
  if (!enabled(level)) return;
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  ::gmtime_r(&secs, &utc);

  // A multi-line message becomes several lines with the same prefix. A very long line is cut
  // rather than split, so that each line stays one write(2).
  constexpr size_t max_line = 8192;
  fmt::basic_memory_buffer<char, 512> out;
  try {
    do {
      const auto nl = message.find('\n');
      std::string_view part = message.substr(0, nl);
      message = nl == std::string_view::npos ? std::string_view{} : message.substr(nl + 1);
      if (!part.empty() && part.back() == '\r') part.remove_suffix(1);
      const size_t start = out.size();
      fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {} [{}] ",
                     utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                     utc.tm_sec, millis, level_name(level), channel.empty() ? "-" : channel);
      const size_t used = out.size() - start;
      size_t room = used < max_line ? max_line - used : 0;
      size_t taken = 0;
      for (const char c : part) {
        const auto u = static_cast<unsigned char>(c);
        const bool control = (u < 0x20 && c != '\t') || u == 0x7F;
        const size_t width = control ? 4 : 1;
        if (width > room) break;
        room -= width;
        ++taken;
        if (control)
          fmt::format_to(std::back_inserter(out), "\\x{:02x}", u);
        else
          out.push_back(c);
      }
      if (taken < part.size()) out.append(std::string_view("..."));
      out.push_back('\n');
    } while (!message.empty());
  } catch (...) {
    return;
  }
  const char* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void logger::write_own(int32_t level, std::string_view channel,
                       std::string message) const noexcept {
  try {
    if (const auto m = masking(); m && m->has_patterns()) message = m->line(message);
  } catch (...) {
    message = "(log line withheld: it could not be masked)";
  }
  write(level, channel, message);
}

void logger::set_masking(std::shared_ptr<const privacy::masking> m) const noexcept {
  masking_.store(std::move(m), std::memory_order_release);
}

std::shared_ptr<const privacy::masking> logger::masking() const noexcept {
  return masking_.load(std::memory_order_acquire);
}

}  // namespace smsdrv::host
