// Where the core's log lines go. The ABI layer implements it with the host's log callback; tests
// collect lines. enabled() lets callers skip formatting lines nobody will see.
#pragma once

#include <memory>
#include <string_view>

#include "util/log_level.hpp"

namespace smsdrv {

namespace privacy {
class masking;
}

class log_sink {
 public:
  virtual ~log_sink() = default;
  virtual bool enabled(log_level level) const noexcept = 0;
  // One line, no trailing newline. channel is "" for driver-wide lines.
  virtual void write(log_level level, std::string_view channel, std::string_view message) = 0;
  // How user data and PDU fields are masked in lines written here (privacy/masking.hpp); null
  // shows them as they are. Callers mask values before they format a line.
  virtual std::shared_ptr<const privacy::masking> masking() const { return nullptr; }
};

}  // namespace smsdrv
