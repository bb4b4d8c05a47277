#include "host/logger.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <iterator>

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
      const size_t room = used < max_line ? max_line - used : 0;
      const bool cut = part.size() > room;
      out.append(part.substr(0, cut ? room : part.size()));
      if (cut) out.append(std::string_view("..."));
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

}  // namespace smsdrv::host
