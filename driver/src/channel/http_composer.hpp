// SendSMS -> the HTTP request of a generic HTTP(S) gateway channel, on the caller's thread
// (smsdrv send()), so that a bad request is refused synchronously naming the key at fault.
// Thread-safe (const).
//
// User data (docs/esp.md, docs/http.md):
//   _smsDestNumber  required: digits with the country code, a leading + dropped
//   _smsText        the text, UTF-8, whole in one request (may be empty)
//   _smsSrcNumber   else default-reply-address; sent when x-http-sender-param is set
//   x-smpp-flash, x-smpp-overwrite  per-request overrides of x-http-flash / x-http-overwrite (the
//                   same keys as on an SMPP channel, so a request reads the same on either); a
//                   gateway without the parameter for it refuses the request
//   the other x-smpp-* overrides of an SMPP channel are accepted and have no effect here; an
//   x-smpp-* key that is no override at all is refused (a misspelt override must not be lost).
#pragma once

#include <string>
#include <string_view>

#include "channel/composer.hpp"
#include "channel/http_request.hpp"
#include "http/request_builder.hpp"

namespace smsdrv::privacy {
class masking;
}

namespace smsdrv::channel {

struct http_composer_settings {
  std::string channel;
  std::string default_source;  // default-reply-address
  bool flash = false;          // x-http-flash
  bool overwrite = false;      // x-http-overwrite
  http::request_settings request;
};

class http_composer {
 public:
  explicit http_composer(http_composer_settings settings);

  // Fills out.request; out.request_id / accepted are the caller's.
  compose_result compose(user_data data, http_prepared_request& out) const;

  // The request as a debug log line: passwords and the URL's secrets ********, user data masked
  // by `m` (null: shown as is). Only for requests compose() accepted.
  std::string describe(user_data data, const privacy::masking* m) const;

  const http::request_builder& builder() const noexcept { return builder_; }

 private:
  // The message compose() sends, or the key and rule it breaks.
  std::variant<http::sms_message, compose_result> message_of(user_data data) const;

  http_composer_settings settings_;
  http::request_builder builder_;
};

}  // namespace smsdrv::channel
