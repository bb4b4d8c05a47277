// Limits an SMSC puts on an account, over every bind of one system_id together (docs/smsc-sim.md,
// "Account limits"): how many binds may be open at once, and how many submissions are accepted
// in any sliding second. SMPP v3.4 names neither: a bind above the limit is refused with
// ESME_RBINDFAIL (§5.1.3, "Bind Failed"), a submission above the rate with ESME_RTHROTTLED.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::sim {

struct account_limit {
  std::string system_id;        // "*": every system_id without a limit of its own
  std::uint32_t max_binds = 0;  // 0: no limit
  std::uint32_t rate = 0;       // submissions per sliding second; 0: no limit
};

// Parses "SYSTEM_ID:binds=N,rate=R" (either key may be left out). Returns "" or what is wrong.
std::string parse_account_limit(std::string_view text, account_limit& out);

// Sets or replaces the limit of out.system_id; a limit with neither key set removes it.
void set_account_limit(std::vector<account_limit>& limits, const account_limit& limit);

// The limit of `system_id`: its own, else the "*" one, else nullptr.
const account_limit* find_account_limit(const std::vector<account_limit>& limits,
                                        std::string_view system_id) noexcept;

// "esme:binds=2,rate=300", as the command line takes it.
std::string describe(const account_limit& limit);

}  // namespace smsdrv::sim
