#include "account_limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace smsdrv::sim {
namespace {

bool parse_count(std::string_view text, std::uint32_t& out) noexcept {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

std::string parse_account_limit(std::string_view text, account_limit& out) {
  out = account_limit{};
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return "expected SYSTEM_ID:binds=N,rate=R (either key may be left out)";
  // SMPP v3.4 §4.1.1: system_id at most 15 octets.
  if (colon > 15) return "system_id longer than 15 characters";
  out.system_id = std::string(text.substr(0, colon));
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) return "expected binds=N and/or rate=R after the system_id";
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    std::uint32_t* target = key == "binds" ? &out.max_binds : key == "rate" ? &out.rate : nullptr;
    if (target == nullptr) return fmt::format("unknown key '{}' (binds, rate)", key);
    if (!parse_count(value, *target) || *target == 0 || *target > 10'000'000)
      return fmt::format("{}: expected a number in 1..10000000", key);
  }
  return {};
}

void set_account_limit(std::vector<account_limit>& limits, const account_limit& limit) {
  std::erase_if(limits, [&](const account_limit& l) { return l.system_id == limit.system_id; });
  if (limit.max_binds != 0 || limit.rate != 0) limits.push_back(limit);
}

const account_limit* find_account_limit(const std::vector<account_limit>& limits,
                                        std::string_view system_id) noexcept {
  const account_limit* any = nullptr;
  for (const account_limit& l : limits) {
    if (l.system_id == system_id) return &l;
    if (l.system_id == "*") any = &l;
  }
  return any;
}

std::string describe(const account_limit& limit) {
  std::string out = limit.system_id + ":";
  if (limit.max_binds != 0) out += fmt::format("binds={}", limit.max_binds);
  if (limit.rate != 0) out += fmt::format("{}rate={}", limit.max_binds != 0 ? "," : "", limit.rate);
  return out;
}

}  // namespace smsdrv::sim
