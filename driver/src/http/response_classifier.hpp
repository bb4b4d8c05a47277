// What came back from an HTTP SMS gateway -> one outcome of the channel's vocabulary, pure.
//
//   accepted(message id)  a 2xx status AND, when x-http-success-contains is set, that string in
//                         the body; the id is what x-http-message-id-regex finds (its first
//                         group, else the whole match).
//   refused(status, ...)  the gateway answered and said no: permanent, or try again later
//                         (408: retry the request; 429 and 503: pause the channel, for the
//                         Retry-After the gateway gave when it gave one).
//   lost(before write)    the request never reached the gateway: the name did not resolve, the
//                         connection or the proxy refused, TLS failed, or the request was not
//                         completely written (a gateway acts only on a complete request). Safe
//                         to retry or fail over.
//   lost(after write)     the request was written and no usable answer came: timeout, reset or
//                         close, a malformed response, or 502/504 from an intermediary. The
//                         gateway may have sent the SMS: outcome unknown, never retried unless
//                         the operator asks for it.
//
// Texts name the HTTP status and the start of the body, with every secret masked; they never
// contain the request.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <memory>

#include "http/secret_masker.hpp"

namespace smsdrv::http {

// Why an exchange ended without a complete response.
enum class transport_failure : unsigned char {
  none,             // a complete response arrived
  resolve,          // the gateway's or the proxy's name did not resolve
  connect,          // TCP connect refused, unreachable or timed out (x-http-connect-timeout)
  proxy,            // the proxy refused: CONNECT or its authentication failed
  tls,              // TLS handshake or certificate verification failed
  timeout,          // the whole exchange took longer than x-http-request-timeout
  connection_lost,  // reset or closed before a complete response
  protocol,         // the response was not HTTP/1.x as it should be
  local,            // a problem on our side (memory, a refused socket)
};

std::string_view failure_name(transport_failure f) noexcept;

// What the transport saw of one exchange.
struct exchange {
  transport_failure failure = transport_failure::none;
  // Every octet of the request (headers and body) was handed to the connection.
  bool request_written = false;
  int status = 0;         // the HTTP status, when a response arrived
  std::string_view body;  // the response body, possibly cut at the transport's limit
  std::optional<std::chrono::seconds> retry_after;  // Retry-After: delta-seconds
  // The transport's words ("Connection refused"), or a hint for a refusal; masked here.
  std::string_view detail;
};

// x-http-message-id-regex (Kannel's generic-foreign-id-regex idea): Perl / ECMAScript syntax
// (Boost.Regex, which bounds the work of one search instead of overflowing the stack).
class message_id_pattern {
 public:
  // The pattern compiled, or the reason it does not compile.
  static std::variant<message_id_pattern, std::string> compile(std::string_view pattern);

  // The first group of the first match in `body` (the whole match when the pattern has no
  // group), or nullopt when nothing matches or the search gave up.
  std::optional<std::string> find(std::string_view body) const;
  // Where find()'s id lies in `body`.
  std::optional<secret_masker::span> locate(std::string_view body) const;

 private:
  struct impl;
  std::shared_ptr<const impl> impl_;
};

struct response_rules {
  std::string success_contains;                  // empty: any 2xx is a success
  std::optional<message_id_pattern> message_id;  // none: accepted without a message id
  std::chrono::milliseconds default_pause{std::chrono::seconds(1)};
  std::chrono::milliseconds max_pause{std::chrono::minutes(5)};  // Retry-After is capped here
};

struct accepted {
  std::string message_id;  // empty: none given or found
  std::string note;        // e.g. the id regex found nothing (for a log line)
};

enum class refusal : unsigned char {
  permanent,  // fails the request (SMSDRV_E_SMSC_REJECTED)
  retry,      // this request again after `delay`
  pause,      // no request to this gateway for `delay`, then this one again
};

struct refused {
  int http_status = 0;
  refusal kind = refusal::permanent;
  std::chrono::milliseconds delay{0};
  std::string text;  // "HTTP 403 Forbidden: <start of the body>"
};

enum class lost_when : unsigned char { before_write, after_write };

struct lost {
  lost_when when = lost_when::before_write;
  transport_failure failure = transport_failure::none;
  int http_status = 0;  // 407, 502, 504 when an intermediary answered
  std::string text;
};

using outcome = std::variant<accepted, refused, lost>;

// Characters of the body quoted in a text.
inline constexpr std::size_t body_excerpt_characters = 160;

outcome classify(const exchange& e, const response_rules& rules, const secret_masker& secrets);

// "HTTP 403 Forbidden", "HTTP 299".
std::string status_text(int status);

// The start of a body for a message: blanks collapsed, control characters and invalid UTF-8 as
// \xNN, at most `characters` characters, "..." when cut; "(empty body)" for an empty one.
// Secrets are masked in the body as it came (a secret written with a tab or a control
// character) and again in the whole collapsed text (collapsing "pass  word" makes "pass word"),
// both before the cut, so a secret cut by the excerpt is masked too.
std::string body_excerpt(std::string_view body, const secret_masker& secrets,
                         std::size_t characters = body_excerpt_characters);

}  // namespace smsdrv::http
