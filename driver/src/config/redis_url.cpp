#include "config/redis_url.hpp"

#include <charconv>

namespace smsdrv::config {
namespace {

constexpr std::string_view form = "must be redis://host[:port][/db], e.g. redis://10.0.0.5:6379/0";

template <class Int>
bool parse_number(std::string_view text, Int& out, Int min, Int max) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && p == text.data() + text.size() && out >= min &&
         out <= max;
}

}  // namespace

std::variant<redis_url, std::string> parse_redis_url(std::string_view text) {
  constexpr std::string_view scheme = "redis://";
  if (!text.starts_with(scheme)) {
    if (text.starts_with("rediss://"))
      return std::string("must be redis://: TLS to Redis (rediss://) is not supported");
    return std::string(form);
  }
  std::string_view rest = text.substr(scheme.size());
  if (rest.find('@') != std::string_view::npos)
    return std::string(
        "must not carry user information: the password goes in x-shared-limits-redis-password");
  redis_url out;
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !parse_number<std::uint32_t>(db, out.db, 0, 15))
      return std::string("must name a database 0-15 after the '/' (redis://host:port/0)");
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::string(form);
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::string(form);
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::string("must name the Redis host (redis://host[:port][/db])");
  for (char c : out.host)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#') return std::string(form);
  if (!port.empty() || authority.ends_with(':')) {
    if (!parse_number<std::uint16_t>(port, out.port, 1, 65535))
      return std::string("must give a port from 1 to 65535 after the ':'");
  }
  return out;
}

}  // namespace smsdrv::config
