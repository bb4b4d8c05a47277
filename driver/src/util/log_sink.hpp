// Where the core's log lines go. The ABI layer implements it with the host's log callback; tests
// collect lines. enabled() lets callers skip formatting lines nobody will see.
#pragma once

#include <string_view>

#include "util/log_level.hpp"

namespace smsdrv {

class log_sink {
 public:
  virtual ~log_sink() = default;
  virtual bool enabled(log_level level) const noexcept = 0;
  // One line, no trailing newline. channel is "" for driver-wide lines.
  virtual void write(log_level level, std::string_view channel, std::string_view message) = 0;
};

}  // namespace smsdrv
