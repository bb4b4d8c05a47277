#include "http/gateway_url.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>

#include <algorithm>

namespace smsdrv::http {
namespace {

constexpr std::string_view masked = "********";

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == y; });
}

constexpr std::string_view url_shape =
    "must be a URL http(s)://host[:port][/path][?name=value] (RFC 3986: blanks and other special "
    "characters percent-encoded)";

// Port as written in the URL, when it is 1-65535.
bool port_of(const boost::urls::url_view& u, std::uint16_t& out) {
  if (!u.has_port()) return true;
  const std::string_view digits = u.port();
  if (digits.empty() || digits.size() > 5) return false;
  unsigned n = 0;
  for (char c : digits)
    n = n * 10 + static_cast<unsigned>(c - '0');  // RFC 3986 §3.2.3: port = *DIGIT
  if (n == 0 || n > 65535) return false;
  out = static_cast<std::uint16_t>(n);
  return true;
}

}  // namespace

std::variant<gateway_url, std::string> parse_gateway_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return std::string(url_shape);
  const boost::urls::url_view& u = *parsed;
  gateway_url out;
  if (same_ignoring_case(u.scheme(), "https"))
    out.https = true;
  else if (!same_ignoring_case(u.scheme(), "http"))
    return std::string("must start with http:// or https://");
  if (!u.has_authority() || u.encoded_host().empty())
    return std::string("must name the gateway's host (http(s)://host/...)");
  if (u.has_fragment()) return std::string("must not have a fragment ('#...')");
  out.host = std::string(u.encoded_host_address());
  if (u.host_type() == boost::urls::host_type::ipv6) out.host = "[" + out.host + "]";
  out.port = out.https ? 443 : 80;
  if (!port_of(u, out.port)) return std::string("has a port that is not 1-65535");
  if (u.has_query() && !u.encoded_query().empty()) {
    const std::string_view query = u.encoded_query();
    const std::size_t count =
        static_cast<std::size_t>(std::count(query.begin(), query.end(), '&')) + 1;
    if (count > 1)
      return fmt::format(
          "carries {} query parameters; at most one is allowed (such as an access token, which "
          "stays first): give the others as x-http-param-<N>",
          count);
    out.has_query = true;
  }
  return out;
}

std::variant<proxy_url, std::string> parse_proxy_url(std::string_view text) {
  std::string with_scheme;
  if (text.find("://") == std::string_view::npos) {
    with_scheme = fmt::format("http://{}", text);
    text = with_scheme;
  }
  auto parsed = boost::urls::parse_uri(text);
  constexpr std::string_view shape =
      "must be a proxy as http://host[:port], https://host[:port] or host";
  if (!parsed) return std::string(shape);
  const boost::urls::url_view& u = *parsed;
  proxy_url out;
  if (same_ignoring_case(u.scheme(), "https"))
    out.https = true;
  else if (!same_ignoring_case(u.scheme(), "http"))
    return std::string("must be an HTTP proxy: http://host[:port] or https://host[:port]");
  if (!u.has_authority() || u.encoded_host().empty()) return std::string(shape);
  if (u.has_userinfo())
    return std::string(
        "must not carry a user or password: give them as x-http-proxy-user and "
        "x-http-proxy-password");
  if (!(u.encoded_path().empty() || u.encoded_path() == "/") || u.has_query() || u.has_fragment())
    return std::string("must be the proxy alone, without a path, query or fragment");
  out.host = std::string(u.encoded_host_address());
  if (u.host_type() == boost::urls::host_type::ipv6) out.host = "[" + out.host + "]";
  if (!port_of(u, out.port)) return std::string("has a port that is not 1-65535");
  return out;
}

std::string masked_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri_reference(text);
  if (!parsed) {
    // Not a URL: where a secret starts cannot be told, so only the start is shown, up to the
    // first character that may begin user information, a port, a path, a query or a fragment.
    const std::size_t scheme = text.find("://");
    const std::size_t from = scheme == std::string_view::npos ? 0 : scheme + 3;
    const std::size_t cut = text.find_first_of("@:/?#;&=", from);
    if (cut == std::string_view::npos) return std::string(text);
    return fmt::format("{}{}", text.substr(0, cut), masked);
  }
  const boost::urls::url_view& u = *parsed;
  std::string out;
  out.reserve(text.size() + 16);
  if (u.has_scheme()) {
    out.append(u.scheme());
    out += ':';
  }
  if (u.has_authority()) {
    out += "//";
    if (u.has_userinfo()) {
      out.append(u.encoded_user());
      if (u.has_password()) {
        out += ':';
        out.append(masked);
      }
      out += '@';
    }
    out.append(u.encoded_host());
    if (u.has_port()) {
      out += ':';
      out.append(u.port());
    }
  }
  out.append(u.encoded_path());
  if (u.has_query()) {
    // The query split by hand: Boost.URL 1.81's params iterator reads past the end of "?#..."
    // (found by fuzz_http_request).
    out += '?';
    std::string_view query = u.encoded_query();
    bool first = true;
    while (!query.empty() || first) {
      const std::size_t amp = query.find('&');
      const std::string_view param = query.substr(0, amp);
      if (!first) out += '&';
      first = false;
      if (const std::size_t eq = param.find('='); eq != std::string_view::npos) {
        out.append(param.substr(0, eq + 1));
        out.append(masked);
      } else if (!param.empty()) {
        out.append(masked);  // a bare token ("?abc123") is a value too
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
      if (query.empty()) out += '&';
    }
  }
  return out;
}

}  // namespace smsdrv::http
