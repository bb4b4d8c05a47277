// logger.hpp - human-readable log lines on stderr, one write per line.
//
//   2025-01-28T02:39:56.035Z INFO  [channel-sms1] bound to 127.0.0.1:2775
//
// UTC time with milliseconds, the level padded to five characters, the source in brackets (a
// channel, a driver for its driver-wide lines, or dms-stub), then the message. A message of
// several lines becomes several lines with the same prefix; other control characters are shown
// as \xNN, so no text (a message body in a trace, say) can forge a line or drive a terminal.
//
// Thread-safe without a lock: each line is formatted on the caller's stack and written with one
// write(2), so lines from the host and from driver threads never interleave mid-line.
#ifndef SMSDRV_HOST_LOGGER_HPP
#define SMSDRV_HOST_LOGGER_HPP

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace smsdrv::privacy {
class masking;
}

namespace smsdrv::host {

class logger {
 public:
  // level: most verbose SMSDRV_LOG_* written; fd: where lines go (2 = stderr).
  explicit logger(int32_t level, int fd = 2) noexcept : level_(level), fd_(fd) {}

  int32_t level() const noexcept { return level_; }
  bool enabled(int32_t level) const noexcept { return level <= level_; }

  // One line as it is (the drivers' lines, masked by the drivers); channel names the source
  // ("dms-stub", a channel or a driver). Never throws.
  void write(int32_t level, std::string_view channel, std::string_view message) const noexcept;

  // dms-stub's own lines: formatted, then the patterns of the masking rules applied.
  template <typename... Args>
  void log(int32_t level, std::string_view channel, fmt::format_string<Args...> format,
           Args&&... args) const noexcept {
    if (!enabled(level)) return;
    try {
      write_own(level, channel, fmt::format(format, std::forward<Args>(args)...));
    } catch (...) {
      write(level, channel, "(log line could not be formatted)");
    }
  }

  // The rules user data in dms-stub's lines is masked with (set once the options file is read;
  // until then only passwords are hidden). Any thread.
  void set_masking(std::shared_ptr<const privacy::masking> m) const noexcept;
  std::shared_ptr<const privacy::masking> masking() const noexcept;

 private:
  void write_own(int32_t level, std::string_view channel, std::string message) const noexcept;

  int32_t level_;
  int fd_;
  mutable std::atomic<std::shared_ptr<const privacy::masking>> masking_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_LOGGER_HPP
