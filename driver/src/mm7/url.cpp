// URLs with Boost.URL (its sources are compiled once for the driver, in http/boost_url.cpp).
#include "mm7/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

namespace smsdrv::mm7 {

std::variant<http_url, std::string> parse_http_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return std::string("must be an absolute http:// or https:// URL");
  const boost::urls::url_view& u = *parsed;
  http_url out;
  out.text = std::string(text);
  std::string scheme(u.scheme());
  for (char& c : scheme)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (scheme == "https")
    out.tls = true;
  else if (scheme != "http")
    return std::string("must be an http:// or https:// URL");
  if (!u.has_authority() || u.encoded_host().empty())
    return std::string("must name a host (http://host[:port]/path)");
  if (u.has_userinfo())
    return std::string("must not carry a user name or password: use the user and password keys");
  if (u.has_fragment()) return std::string("must not have a fragment (#...)");
  out.host = std::string(u.encoded_host_address());
  if (u.has_port()) {
    std::string_view p = u.port();
    unsigned value = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || value == 0 || value > 65535)
      return std::string("must have a port from 1 to 65535");
    out.port = static_cast<std::uint16_t>(value);
  } else {
    out.port = out.tls ? 443 : 80;
  }
  out.target = std::string(u.encoded_path());
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
  return out;
}

}  // namespace smsdrv::mm7
