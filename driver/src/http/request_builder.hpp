// SendSMS -> the HTTP request of a generic HTTP(S) SMS gateway (spec §2, docs/http.md), pure: no
// I/O, no clock.
//
// The parameters, in this order, each name=value form-encoded (form_encoding.hpp):
//   destination (digits with the country code, phone_number.hpp), message (the whole UTF-8 text
//   in one request: no segmentation), sender (when x-http-sender-param is set and the request
//   or the channel has one), the extra parameters in their order, then flash and overwrite
//   parameters when the message asks for them.
// GET appends them to the SMS URL ('?' or, after the URL's own query parameter, '&'); POST sends
// them as an application/x-www-form-urlencoded body to the SMS URL as configured (its query
// parameter stays in the URL).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/form_encoding.hpp"
#include "http/secret_masker.hpp"

namespace smsdrv::http {

enum class method : unsigned char { get, post };

std::string_view method_name(method m) noexcept;

struct parameter {
  std::string name;
  std::string value;
  bool secret = false;  // "Is Password": the value never appears in a log, trace, event or error
};

struct request_settings {
  method verb = method::post;
  std::string url;  // accepted by parse_gateway_url (at most one query parameter, no fragment)
  std::string destination_param;
  std::string message_param;
  std::string sender_param;  // empty: no sender parameter
  space_encoding spaces = space_encoding::plus;
  std::vector<parameter> extra;
  std::optional<parameter> flash;      // nullopt: the gateway cannot send flash SMS
  std::optional<parameter> overwrite;  // nullopt: the gateway cannot overwrite
};

// Most octets of text in one request: a bound on memory, far above any gateway's limit.
inline constexpr std::size_t max_text_octets = 65536;

struct sms_message {
  std::string_view destination;  // as given: "+4917612345678" or "4917612345678"
  std::string_view text;         // UTF-8
  std::string_view sender;       // empty: none
  bool flash = false;
  bool overwrite = false;
};

struct built_request {
  method verb = method::post;
  std::string url;   // GET: the SMS URL with every parameter; POST: the SMS URL
  std::string body;  // POST: the form; GET: empty
  // Set instead of body: a body shared with its owner (an MM7 SubmitReq kept for a retry on the
  // failover URL), sent without a copy.
  std::shared_ptr<const std::string> shared_body;
  // More request headers, "Name: value" (MM7: Content-Type, SOAPAction, Authorization).
  std::vector<std::string> headers;

  const std::string& payload() const noexcept { return shared_body ? *shared_body : body; }
};

inline constexpr std::string_view form_content_type = "application/x-www-form-urlencoded";

// Why a message cannot be sent: `field` is the request key at fault ("_smsDestNumber",
// "_smsText", "x-smpp-flash", ...), `rule` what it breaks; neither repeats the value.
struct build_problem {
  std::string field;
  std::string rule;
};

// How a log line shows the value of a user-data key (privacy::masking rules); the value given
// back is form-encoded like the real one.
using value_shower = std::function<std::string(std::string_view key, std::string_view value)>;

class request_builder {
 public:
  explicit request_builder(request_settings settings);

  const request_settings& settings() const noexcept { return settings_; }
  bool can_flash() const noexcept { return settings_.flash.has_value(); }
  bool can_overwrite() const noexcept { return settings_.overwrite.has_value(); }

  // Builds the request into `out` (its buffers reused); nullopt on success.
  std::optional<build_problem> build(const sms_message& m, built_request& out) const;

  // The request for a log line: "POST https://host/send?token=******** to=...&text=...": the
  // values of secret parameters and the URL's secrets as ********, user data as `show` gives
  // it. Only for messages build() accepted.
  std::string describe(const sms_message& m, const value_shower& show) const;

  // Every secret of these settings, to mask any text that may quote the request.
  const secret_masker& secrets() const noexcept { return secrets_; }

 private:
  // The parameters after destination, message and sender (encoded, each "&name=value").
  std::string extra_suffix(bool show_secrets) const;
  void append_parameters(std::string& out, std::string_view destination, std::string_view text,
                         std::string_view sender, bool flash, bool overwrite,
                         std::string_view extras) const;
  void append_pair(std::string& out, std::string_view name, std::string_view value) const;

  request_settings settings_;
  std::string destination_name_;  // encoded
  std::string message_name_;
  std::string sender_name_;
  std::string extras_;        // encoded "&name=value..." of the extra parameters
  std::string extras_shown_;  // the same with secret values as ********
  std::string flash_pair_;    // encoded "&name=value", or empty
  std::string overwrite_pair_;
  char first_separator_ = '?';  // GET: '&' after the URL's own query parameter
  secret_masker secrets_;
};

}  // namespace smsdrv::http
