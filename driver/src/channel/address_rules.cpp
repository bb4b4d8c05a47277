#include "channel/address_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "config/text_util.hpp"

namespace smsdrv::channel {
namespace {

constexpr std::uint8_t ton_international = 1;
constexpr std::uint8_t ton_alphanumeric = 5;
constexpr std::uint8_t npi_unknown = 0;
constexpr std::uint8_t npi_isdn = 1;
constexpr std::size_t max_digits = 20;        // source_addr / destination_addr: C-Octet String 21
constexpr std::size_t max_alphanumeric = 11;  // 3GPP TS 23.040 §9.1.2.5: 10 octets of septets

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::string_view field_of(address_role role) noexcept {
  return role == address_role::source ? "source_addr" : "destination_addr";
}

// The character starting at byte `at` (a whole UTF-8 sequence), shown printable, and its
// 1-based position counted in characters.
std::string character_at(std::string_view value, std::size_t at) {
  std::size_t end = at + 1;
  while (end < value.size() && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80)
    ++end;
  std::size_t position = 1;
  for (std::size_t i = 0; i < at; ++i)
    if ((static_cast<unsigned char>(value[i]) & 0xC0) != 0x80) ++position;
  return fmt::format("'{}' at character {}", config::printable(value.substr(at, end - at)),
                     position);
}

std::size_t characters(std::string_view value) {
  return static_cast<std::size_t>(std::count_if(value.begin(), value.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string ton_text(std::uint8_t ton) {
  return fmt::format("{} ({})", ton, ton_name(ton));
}

}  // namespace

std::string_view ton_name(std::uint8_t ton) noexcept {
  static constexpr std::array<std::string_view, 7> names{
      "Unknown",          "International", "National",   "NetworkSpecific",
      "SubscriberNumber", "Alphanumeric",  "Abbreviated"};
  return ton < names.size() ? names[ton] : std::string_view("reserved");
}

std::variant<typed_address, std::string> type_address(const address_input& in) {
  std::string_view value = in.value;
  const std::string_view field = field_of(in.role);
  typed_address out{value, in.request_ton.value_or(in.channel_ton),
                    in.request_npi.value_or(in.channel_npi)};
  if (value.empty()) return out;

  if (value.front() == '+') {
    if (in.request_ton && *in.request_ton != ton_international)
      return fmt::format(
          "{}: a leading '+' means an international number, but the request gives TON {}; "
          "leave the '+' out, or the TON",
          in.key, ton_text(*in.request_ton));
    const std::string_view digits = value.substr(1);
    if (digits.empty()) return fmt::format("{}: '+' and no digits after it", in.key);
    for (std::size_t i = 0; i < digits.size(); ++i)
      if (!is_digit(digits[i]))
        return fmt::format("{}: {} is not a digit; an international number is '+' and digits",
                           in.key, character_at(value, i + 1));
    if (digits.size() > max_digits)
      return fmt::format("{} has {} characters ({} digits after the '+'); SMPP {} holds at most {}",
                         in.key, characters(value), digits.size(), field, max_digits);
    return typed_address{digits, ton_international, in.request_npi.value_or(npi_isdn)};
  }

  const auto not_digit =
      std::find_if(value.begin(), value.end(), [](char c) { return !is_digit(c); });
  if (not_digit != value.end() && in.role == address_role::source && !in.request_ton) {
    out.ton = ton_alphanumeric;
    out.npi = in.request_npi.value_or(npi_unknown);
  }

  if (out.ton == ton_alphanumeric) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      const auto c = static_cast<unsigned char>(value[i]);
      if (c < 0x20 || c > 0x7E)
        return fmt::format(
            "{}: {} is not printable ASCII, which an alphanumeric address (TON {}) "
            "is made of",
            in.key, character_at(value, i), ton_text(ton_alphanumeric));
    }
    if (value.size() > max_alphanumeric)
      return fmt::format(
          "{} has {} characters; an alphanumeric address (TON {}) has at most {} (3GPP TS "
          "23.040 §9.1.2.5)",
          in.key, value.size(), ton_text(ton_alphanumeric), max_alphanumeric);
    return out;
  }

  if (not_digit != value.end()) {
    const std::string hint =
        in.role == address_role::source
            ? "; a sender with letters is alphanumeric (TON 5) when the request gives no TON"
            : "; a leading '+' means international";
    return fmt::format("{}: {} is not a digit; a number of TON {} has digits only{}", in.key,
                       character_at(value, static_cast<std::size_t>(not_digit - value.begin())),
                       ton_text(out.ton), hint);
  }
  if (value.size() > max_digits)
    return fmt::format("{} has {} characters; SMPP {} holds at most {}", in.key, value.size(),
                       field, max_digits);
  return out;
}

}  // namespace smsdrv::channel
