#include "smpp/smpp_time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace smsdrv::smpp {
namespace {

// SMPP v3.4 §7.1.1: "YYMMDDhhmmsstnnp", 16 characters (17 octets with the C-Octet String NUL).
constexpr std::size_t time_length = 16;

struct time_failure {
  std::size_t index;  // 0-based character index
  std::string reason;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string describe(char c) {
  auto b = static_cast<unsigned char>(c);
  if (b >= 0x20 && b < 0x7F) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", b);
}

int days_in_month(int year, int month) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  // Years are 2000-2099, where every fourth year is a leap year.
  if (month == 2 && year % 4 == 0) return 29;
  return days[month - 1];
}

struct field {
  std::string_view name;
  std::size_t index;
  int min;  // absolute form; the relative form allows 00-99 everywhere
  int max;
};

constexpr field date_time_fields[] = {
    {"year", 0, 0, 99}, {"month", 2, 1, 12},  {"day", 4, 1, 31},
    {"hour", 6, 0, 23}, {"minute", 8, 0, 59}, {"second", 10, 0, 59},
};

smpp_time parse_or_throw(std::string_view text) {
  if (text.empty()) throw time_failure{0, "empty"};
  for (std::size_t i = 0; i < text.size() && i < time_length - 1; ++i)
    if (!is_digit(text[i]))
      throw time_failure{i, fmt::format("expected a digit, found {}", describe(text[i]))};
  if (text.size() != time_length)
    throw time_failure{
        std::min(text.size(), time_length),
        fmt::format("must be 16 characters (YYMMDDhhmmsstnnp), not {}", text.size())};
  smpp_time t;
  char p = text[time_length - 1];
  if (p != '+' && p != '-' && p != 'R')
    throw time_failure{time_length - 1,
                       fmt::format("expected '+', '-' or 'R' at the end, found {}", describe(p))};
  t.relative = p == 'R';
  auto two = [&](std::size_t i) { return (text[i] - '0') * 10 + (text[i + 1] - '0'); };
  std::uint8_t* targets[] = {&t.year, &t.month, &t.day, &t.hour, &t.minute, &t.second};
  for (std::size_t f = 0; f < std::size(date_time_fields); ++f) {
    const auto& d = date_time_fields[f];
    int v = two(d.index);
    if (!t.relative && (v < d.min || v > d.max))
      throw time_failure{d.index,
                         fmt::format("{} {:02} is not {:02}-{:02}", d.name, v, d.min, d.max)};
    *targets[f] = static_cast<std::uint8_t>(v);
  }
  if (t.relative) {
    // SMPP v3.4 §7.1.1.2: tenths and UTC offset of a relative time are '0' and '00'.
    if (text.substr(12, 3) != "000") throw time_failure{12, "a relative time has '000' before 'R'"};
    return t;
  }
  if (t.day > days_in_month(2000 + t.year, t.month))
    throw time_failure{4, fmt::format("day {:02} does not exist in month {:02} of 20{:02}", t.day,
                                      t.month, t.year)};
  t.tenths = static_cast<std::uint8_t>(text[12] - '0');
  int offset = two(13);
  if (offset > 48)
    throw time_failure{13, fmt::format("UTC offset {:02} quarter hours is not 00-48", offset)};
  t.utc_offset_quarter_hours = static_cast<std::int8_t>(p == '-' ? -offset : offset);
  return t;
}

}  // namespace

std::string smpp_time_error::message() const {
  return fmt::format("column {}: {}", column, reason);
}

std::variant<smpp_time, smpp_time_error> parse_smpp_time(std::string_view text) {
  try {
    return parse_or_throw(text);
  } catch (time_failure& f) {
    return smpp_time_error{f.index + 1, std::move(f.reason)};
  }
}

std::optional<smpp_time_error> validate_smpp_time(std::string_view text) {
  if (text.empty()) return std::nullopt;
  auto parsed = parse_smpp_time(text);
  if (auto* e = std::get_if<smpp_time_error>(&parsed)) return std::move(*e);
  return std::nullopt;
}

std::string to_string(const smpp_time& t) {
  auto two = [](int v) { return v % 100; };
  if (t.relative)
    return fmt::format("{:02}{:02}{:02}{:02}{:02}{:02}000R", two(t.year), two(t.month), two(t.day),
                       two(t.hour), two(t.minute), two(t.second));
  int offset = t.utc_offset_quarter_hours;
  return fmt::format("{:02}{:02}{:02}{:02}{:02}{:02}{}{:02}{}", two(t.year), two(t.month),
                     two(t.day), two(t.hour), two(t.minute), two(t.second), t.tenths % 10,
                     (offset < 0 ? -offset : offset) % 100, offset < 0 ? '-' : '+');
}

}  // namespace smsdrv::smpp
