// An http:// or https:// URL split into what an HTTP client needs (RFC 3986, RFC 9110 §4.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace smsdrv::mm7 {

struct http_url {
  std::string text;  // as given (the user-info part is refused: credentials are keys of their own)
  bool tls = false;  // https
  std::string host;  // name or address, without IPv6 brackets
  std::uint16_t port = 0;  // explicit or the scheme's default
  std::string target;      // path and query, "/" when the URL has none

  bool operator==(const http_url&) const = default;
};

// The URL, or the rule it breaks ("must be an http:// or https:// URL").
std::variant<http_url, std::string> parse_http_url(std::string_view text);

}  // namespace smsdrv::mm7
