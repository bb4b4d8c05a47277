// The numbers of a SendSMS, checked by their type of number before they go out (SMPP v3.4
// §5.2.5 addr_ton, §5.2.6 addr_npi; 3GPP TS 23.040 §9.1.2.5):
//
//  - A leading '+' means an international number: the '+' is not sent, the TON is 1
//    (International) and the NPI 1 (ISDN/E.164), unless the request gives them; a request TON
//    other than International contradicts the '+' and is refused.
//  - A source with anything but digits is alphanumeric: TON 5, NPI 0, unless the request gives
//    a TON (what Kannel and operators expect of a sender such as "MyBrand"). The channel's
//    x-smpp-src-addr-ton is the default for numbers, not for names.
//  - Otherwise the request's TON/NPI, else the channel's.
//  - Numeric TONs (every TON but 5) take digits only, at most 20 (the SMPP field holds 20);
//    an alphanumeric address is printable ASCII, at most 11 characters (the 10 octets of
//    TP-OA / TP-DA hold 11 GSM 7-bit characters).
// A refusal names the key, the character at fault and its position, and the rule; never the
// whole number (it is personal data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace smsdrv::channel {

enum class address_role : std::uint8_t { source, destination };

struct address_input {
  std::string_view key;  // where the value came from: "_smsDestNumber", "default-reply-address"
  std::string_view value;
  address_role role = address_role::destination;
  std::optional<std::uint8_t> request_ton;  // given by the request's override keys
  std::optional<std::uint8_t> request_npi;
  std::uint8_t channel_ton = 0;  // the channel's x-smpp-*-addr-ton / -npi
  std::uint8_t channel_npi = 0;
};

struct typed_address {
  std::string_view address;  // what goes into the PDU: a view into the input's value
  std::uint8_t ton = 0;
  std::uint8_t npi = 0;
};

// The address as it goes out with its TON and NPI, or the reason it is refused. An empty value
// stays empty (the SMSC's default source) with the request's or channel's TON/NPI.
std::variant<typed_address, std::string> type_address(const address_input& in);

// "International", "Alphanumeric", ...; "reserved" above 6 (SMPP v3.4 §5.2.5).
std::string_view ton_name(std::uint8_t ton) noexcept;

}  // namespace smsdrv::channel
