// The Redis server of the account-wide rate limit (x-shared-limits-redis-url):
// "redis://host[:port][/db]", port 6379 and database 0 when left out. No user information: the
// password is an option of its own (x-shared-limits-redis-password), a secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace smsdrv::config {

struct redis_url {
  std::string host;  // a name or an IPv4 address ([IPv6] in brackets, without them here)
  std::uint16_t port = 6379;
  std::uint32_t db = 0;
};

// The URL checked, or the rule it breaks.
std::variant<redis_url, std::string> parse_redis_url(std::string_view text);

}  // namespace smsdrv::config
