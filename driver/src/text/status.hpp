// Errors of the text library: one small enum plus the numbers an operator needs to act on it
// (where the input is bad, how many segments were needed against which limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smsdrv::text {

enum class errc : std::uint8_t {
  ok = 0,
  invalid_utf8,       // the outbound text is not UTF-8; `offset` is the first bad byte
  too_many_segments,  // `needed` segments, more than `limit` (x-smpp-sar-max-segments)
  too_long,           // `needed` octets, more than `limit` (message_payload holds 65535)
  invalid_option,     // an option is out of range; `needed` is the value, `limit` the maximum
};

std::string_view errc_name(errc code) noexcept;  // "invalid_utf8", ...

struct status {
  errc code = errc::ok;
  std::size_t offset = 0;
  std::size_t needed = 0;
  std::size_t limit = 0;

  constexpr bool ok() const noexcept { return code == errc::ok; }
  // One line for the log and the negative ESP response, e.g.
  // "invalid UTF-8 at byte 17" or "message needs 7 segments, more than the limit of 5".
  std::string message() const;
};

}  // namespace smsdrv::text
