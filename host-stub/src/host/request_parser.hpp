// request_parser.hpp - one JSON-lines request to the arrays smsdrv_request wants, in place.
//
//   {"id":"r1","request":"SendSMS","channel":"channel-sms1","userData":{"_smsText":"hi"}}
//
// The line is parsed in situ (RapidJSON), so keys and string values point into the caller's
// buffer and the common case allocates nothing. Numbers and booleans in userData become their
// JSON text ("42", "1.5", "true"); null, objects and arrays are refused. The channel may also be
// given as userData._umsChannel; the PII requests (host/pii.hpp) need none. "parts" (SendMMS,
// ABI 1.2) is an array of {"contentType":..., "name":..., "base64":...}; their bytes are decoded
// here. Members other than id, request, channel, userData and parts are refused, so that a
// misspelt "userdata" is not silently dropped.
#ifndef SMSDRV_HOST_REQUEST_PARSER_HPP
#define SMSDRV_HOST_REQUEST_PARSER_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smsdrv::host {

// A part of a multimedia message, decoded.
struct parsed_part {
  std::string content_type;
  std::string name;
  std::string bytes;
};

// A parsed request: views into the parsed line and the parser; valid until the next parse().
struct parsed_request {
  bool has_id = false;
  std::string_view id;
  const char* request = nullptr;
  const char* channel = nullptr;  // null only for a PII request without a channel
  std::vector<const char*> keys;
  std::vector<const char*> values;
  std::vector<parsed_part> parts;
};

// Why a line is not a request: an SMSDRV_E_* code and a text naming the member at fault.
struct request_problem {
  int32_t code;
  std::string text;
};

class request_parser {
 public:
  // line[0..len) is the request; line[len] must be writable (it becomes NUL) and the buffer is
  // modified. On failure out.has_id / out.id tell whether the request's id was recognised, so
  // the caller can answer with an esp-response instead of an error event.
  std::optional<request_problem> parse(char* line, size_t len, parsed_request& out);

 private:
  std::string converted_;  // NUL-separated text of numbers, reused between requests
  std::vector<std::pair<size_t, size_t>> fixups_;  // (index into values, offset in converted_)
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_REQUEST_PARSER_HPP
