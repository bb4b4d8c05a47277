// Phone numbers for an HTTP SMS gateway (spec §2: "digits only and start with a country
// code"): ITU-T E.164, at most 15 digits. A leading '+' is dropped;
// anything else that is not a digit is refused rather than guessed at, and so is a leading 0 (a
// national trunk prefix or the "00" international prefix, where the country code should be).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smsdrv::http {

inline constexpr std::size_t min_msisdn_digits = 7;   // country code and a short subscriber number
inline constexpr std::size_t max_msisdn_digits = 15;  // ITU-T E.164 §6.1

// The number as the gateway gets it, or nullopt with `problem` saying which rule it breaks (the
// number itself is not repeated: the caller names the field and shows the value masked).
std::optional<std::string> international_number(std::string_view number, std::string& problem);

}  // namespace smsdrv::http
