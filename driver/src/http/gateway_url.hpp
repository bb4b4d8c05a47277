// The URLs of an HTTP SMS gateway channel: the gateway's SMS URL and the proxy's, checked when
// the channel is configured, and any URL masked for messages.
//
// The SMS URL (spec §2: "at most one query parameter"): http:// or https://, a host, an optional
// port and path, and at most one query parameter (such as an access token), which stays first; the
// message's parameters follow it. No fragment. User information ("user:password@") is passed on as
// HTTP Basic authentication and masked like the query.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace smsdrv::http {

struct gateway_url {
  bool https = false;
  std::string host;        // as written (an IPv6 address in brackets)
  std::uint16_t port = 0;  // as written, else 80 or 443
  bool has_query = false;  // the URL carries its one query parameter
};

// The URL checked, or the rule it breaks ("may carry at most one query parameter ...").
std::variant<gateway_url, std::string> parse_gateway_url(std::string_view text);

struct proxy_url {
  bool https = false;      // TLS to the proxy itself (rare); CONNECT works with both
  std::string host;        // as written
  std::uint16_t port = 0;  // 0: not in the URL
};

// "http://proxy.example.com:3128", "https://proxy:8443" or a bare host "proxy.example.com";
// no path, query or user information (the user and password are options of their own).
std::variant<proxy_url, std::string> parse_proxy_url(std::string_view text);

// text with every secret part replaced by ********: the password of user information, and the
// value of every query parameter (the SMS URL's one parameter is typically an access token);
// the fragment is dropped. Works on any text, also one that is not a valid URL.
//   "https://u:pw@api.example.com/send?token=abc" ->
//   "https://u:********@api.example.com/send?token=********"
// Text that is not a URL is shown only up to the first character where a secret could start.
std::string masked_url(std::string_view text);

}  // namespace smsdrv::http
