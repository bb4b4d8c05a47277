// SMPP v3.4 §7.1.1 time strings, used by schedule_delivery_time and validity_period:
//   absolute "YYMMDDhhmmsstnnp": a local time, t tenths of a second, nn the offset from UTC in
//            quarter hours (00-48), p '+' (local time ahead of UTC) or '-' (behind);
//   relative "YYMMDDhhmmss000R": years, months, days, hours, minutes and seconds from the SMSC's
//            current time (§7.1.1.2: t and nn are 0 and 00).
// In a PDU and in an option the empty string means "not set".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace smsdrv::smpp {

struct smpp_time {
  bool relative = false;
  // Absolute: YY (20YY), MM 1-12, DD 1-days of the month, hh 0-23, mm 0-59, ss 0-59.
  // Relative: each field is a count from 00 to 99.
  std::uint8_t year = 0;
  std::uint8_t month = 0;
  std::uint8_t day = 0;
  std::uint8_t hour = 0;
  std::uint8_t minute = 0;
  std::uint8_t second = 0;
  std::uint8_t tenths = 0;  // absolute only, 0-9
  // Absolute only: local time minus UTC in quarter hours, -48..48 ('-' gives a negative value).
  std::int8_t utc_offset_quarter_hours = 0;

  friend bool operator==(const smpp_time&, const smpp_time&) = default;
};

// Why a time string was refused: column is the 1-based position of the offending character.
struct smpp_time_error {
  std::size_t column = 0;
  std::string reason;

  // "column 3: month 13 is not 01-12"
  std::string message() const;
};

// Parses a complete 16-character time string; "" is refused here ("empty"), see
// validate_smpp_time for the option/PDU view where "" means not set.
std::variant<smpp_time, smpp_time_error> parse_smpp_time(std::string_view text);

// std::nullopt when text is "" (not set) or a valid time string, else why it is not.
std::optional<smpp_time_error> validate_smpp_time(std::string_view text);

// The 16-character wire form of t (fields are taken modulo their digit count).
std::string to_string(const smpp_time& t);

}  // namespace smsdrv::smpp
