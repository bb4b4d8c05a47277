// SendSMS -> submit_sm frames, on the caller's thread (smsdrv send()), so that bad requests are
// refused synchronously with a reason naming the key at fault and the I/O thread only assigns
// sequence numbers. Thread-safe: compose() is const apart from an atomic reference counter.
//
// User data (docs/esp.md):
//   _smsDestNumber  required, at most 20 characters (SMPP destination_addr)
//   _smsText        the text, UTF-8 (may be empty)
//   _smsSrcNumber   else default-reply-address
//   extraopt        TLV spec string (spec §4); else x-smpp-delivery-extraopt when a delivery
//                   report is requested, else x-smpp-extraopt
//   x-smpp-delivery-report  per-message override (true/false)
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
  text::encode_options encoding;
  text::concat_method long_messages = text::concat_method::udh8;
  std::size_t max_segments = 255;
  std::vector<smpp::tlv_item> extraopt;
  std::vector<smpp::tlv_item> delivery_extraopt;
};

// One key/value of the request's user data (views borrowed from the caller).
using user_data = std::span<const std::pair<std::string_view, std::string_view>>;

struct compose_result {
  std::int32_t status = 0;  // SMSDRV_OK or the SMSDRV_E_* to return from send()
  std::string error;        // names the key and the problem
  bool ok() const noexcept { return status == 0; }
};

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
