// SendSMS -> submit_sm frames, on the caller's thread (smsdrv send()), so that bad requests are
// refused synchronously with a reason naming the key at fault and the I/O thread only assigns
// sequence numbers. Thread-safe: compose() is const apart from an atomic reference counter.
//
// User data (docs/esp.md):
//   _smsDestNumber  required; checked and typed by TON (address_rules.hpp: a leading '+' is
//                   international, numeric TONs take digits only, at most 20)
//   _smsText        the text, UTF-8 (may be empty)
//   _smsSrcNumber   else default-reply-address; typed like the destination, and a sender with
//                   letters is alphanumeric (TON 5, NPI 0) unless the request gives a TON
//   extraopt        TLV spec string (spec §4); else x-smpp-delivery-extraopt when a delivery
//                   report is requested, else x-smpp-extraopt; on every segment
//   per-request overrides: a key named like the channel option it overrides, its value checked
//   by that option's rule (config/option_table.cpp); an empty value keeps the channel's.
//     x-smpp-delivery-report, x-smpp-outbound-enc-default, x-smpp-flash, x-smpp-overwrite,
//     x-smpp-validity-period, x-smpp-service-type, x-smpp-src-addr-ton, x-smpp-src-addr-npi,
//     x-smpp-dest-addr-ton, x-smpp-dest-addr-npi, x-smpp-long-message-method,
//     x-smpp-use-msg-payload
//   Any other x-smpp-* key is refused (a misspelt override must not be lost); other keys are
//   ignored.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channel/prepared_request.hpp"
#include "smpp/tlv_spec.hpp"
#include "text/encode.hpp"
#include "text/segment.hpp"

namespace smsdrv::channel {

struct composer_settings {
  std::string channel;  // for messages
  std::string default_source;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  std::string service_type;
  std::string validity_period;  // validated SMPP time string or ""
  bool delivery_report = false;
  bool prompt_responses = false;
  bool flash = false;             // x-smpp-flash: message class 0 in data_coding
  bool overwrite = false;         // x-smpp-overwrite: replace_if_present_flag 1
  text::encode_options encoding;  // requested alphabet, UCS-2 schema, national language
  text::concat_method long_messages = text::concat_method::udh8;  // udh8, udh16 or sar
  bool use_message_payload = false;  // x-smpp-use-msg-payload: payload instead of the method
  std::size_t max_segments = 255;
  std::vector<smpp::tlv_item> extraopt;
  std::vector<smpp::tlv_item> delivery_extraopt;
};

// The keys a request may override, in docs/esp.md order.
std::span<const std::string_view> override_keys() noexcept;

// One key/value of the request's user data (views borrowed from the caller).
using user_data = std::span<const std::pair<std::string_view, std::string_view>>;

struct compose_result {
  std::int32_t status = 0;  // SMSDRV_OK or the SMSDRV_E_* to return from send()
  std::string error;        // names the key and the problem
  // What was asked and what was sent (for the log: fallbacks, flash on another alphabet).
  text::encoding requested = text::encoding::gsm7;
  text::encoding_result encoding;
  bool ok() const noexcept { return status == 0; }
};

// A line for the debug log when the text did not go out in the alphabet asked for, e.g.
// "sent as utf16be (data_coding 0x08) instead of smscdefault because of U+1F600 at byte 12";
// empty otherwise.
std::string encoding_remark(const compose_result& r);

class composer {
 public:
  explicit composer(composer_settings settings) : settings_(std::move(settings)) {}

  const composer_settings& settings() const noexcept { return settings_; }

  // Fills `out` (frames, flags) for a SendSMS request; out.request_id / accepted are the
  // caller's.
  compose_result compose(user_data data, prepared_request& out) const;

 private:
  composer_settings settings_;
  mutable std::atomic<std::uint16_t> next_reference_{1};
};

}  // namespace smsdrv::channel
