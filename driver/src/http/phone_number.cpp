#include "http/phone_number.hpp"

#include <fmt/format.h>

namespace smsdrv::http {

std::optional<std::string> international_number(std::string_view number, std::string& problem) {
  std::string_view digits = number;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[i];
    if (c < '0' || c > '9') {
      problem = fmt::format(
          "must be digits only, with the country code (a leading + is dropped); character {} is "
          "not a digit",
          i + 1 + (digits.size() < number.size() ? 1 : 0));
      return std::nullopt;
    }
  }
  if (digits.empty()) {
    problem = "must be digits with the country code, e.g. 4917612345678";
    return std::nullopt;
  }
  if (digits.front() == '0') {
    problem =
        "starts with 0: give the country code first (4917612345678), not a national number or "
        "the 00 prefix";
    return std::nullopt;
  }
  if (digits.size() < min_msisdn_digits || digits.size() > max_msisdn_digits) {
    problem = fmt::format("has {} digits; a number with its country code has {} to {} (E.164)",
                          digits.size(), min_msisdn_digits, max_msisdn_digits);
    return std::nullopt;
  }
  return std::string(digits);
}

}  // namespace smsdrv::http
