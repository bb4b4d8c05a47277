#include "flow/shared_gcra.hpp"

#include <algorithm>

namespace smsdrv::flow {

namespace {
constexpr std::int64_t ns_per_s = 1'000'000'000;
}

gcra_grant gcra_take(gcra_state& state, std::int64_t now_ns, std::uint32_t rate,
                     std::uint32_t burst, std::uint32_t count, std::uint32_t debit) noexcept {
  const std::int64_t r = std::max<std::uint32_t>(rate, 1);
  const std::int64_t tolerance =
      static_cast<std::int64_t>(std::max<std::uint32_t>(burst, 1) - 1) * (ns_per_s / r);
  // d: the schedule relative to now (small, so the Lua script's doubles hold it exactly).
  std::int64_t d = state.set ? state.tat_ns - now_ns : 0;
  std::int64_t rem = state.set ? state.rem : 0;
  if (d < 0) {  // idle: the schedule restarts at now
    d = 0;
    rem = 0;
  }
  const std::int64_t owed = rem + static_cast<std::int64_t>(debit) * ns_per_s;
  d += owed / r;
  rem = owed % r;
  // After j tokens the schedule is at d + floor((rem + j * 1e9) / r) ns; token j is due when
  // that, less the tolerance, is not after now: rem + j * 1e9 <= (tolerance - d + 1) * r - 1.
  const std::int64_t room = (tolerance - d + 1) * r - 1 - rem;
  std::int64_t granted = 0;
  if (room >= 0) granted = std::min<std::int64_t>(count, room / ns_per_s + 1);
  const std::int64_t advance = rem + granted * ns_per_s;
  d += advance / r;
  rem = advance % r;
  if (granted > 0 || debit > 0) {
    state.set = true;
    state.tat_ns = now_ns + d;
    state.rem = rem;
  }
  gcra_grant g;
  g.granted = static_cast<std::uint32_t>(granted);
  g.retry_after_ns = std::max<std::int64_t>(0, d - tolerance);
  g.ahead_ns = d;
  return g;
}

// The same arithmetic as gcra_take(). Lua 5.1 numbers are doubles, exact for whole numbers below
// 2^53: nanoseconds since 1970 are not, so the schedule is kept as seconds and nanoseconds and
// only its distance to now (d, a few seconds at most) is computed in nanoseconds; `room` is at
// most (burst * 1e9 / rate + 1) * rate, about burst * 1e9, and `owed` (debit + 1) * 1e9 with a
// debit of at most a second's worth of the rate.
const std::string_view gcra_lease_script = R"lua(
local rate = math.max(tonumber(ARGV[1]), 1)
local burst = math.max(tonumber(ARGV[2]), 1)
local count = tonumber(ARGV[3])
local debit = tonumber(ARGV[4])
local now_s, now_ns
if ARGV[6] then
  now_s = tonumber(ARGV[5])
  now_ns = tonumber(ARGV[6])
else
  local t = redis.call('TIME')
  now_s = tonumber(t[1])
  now_ns = tonumber(t[2]) * 1000
end
local tolerance = (burst - 1) * math.floor(1000000000 / rate)
local state = redis.call('HMGET', KEYS[1], 's', 'ns', 'rem')
local d = 0
local rem = 0
if state[1] and state[2] and state[3] then
  d = (tonumber(state[1]) - now_s) * 1000000000 + (tonumber(state[2]) - now_ns)
  rem = tonumber(state[3])
end
if d < 0 then
  d = 0
  rem = 0
end
local owed = rem + debit * 1000000000
d = d + math.floor(owed / rate)
rem = owed % rate
local room = (tolerance - d + 1) * rate - 1 - rem
local granted = 0
if room >= 0 then
  granted = math.min(count, math.floor(room / 1000000000) + 1)
end
local advance = rem + granted * 1000000000
d = d + math.floor(advance / rate)
rem = advance % rate
if granted > 0 or debit > 0 then
  local tat_ns = now_ns + d
  local tat_s = now_s + math.floor(tat_ns / 1000000000)
  tat_ns = tat_ns % 1000000000
  redis.call('HSET', KEYS[1], 's', string.format('%.0f', tat_s),
             'ns', string.format('%.0f', tat_ns), 'rem', string.format('%.0f', rem))
  redis.call('PEXPIRE', KEYS[1], math.floor(d / 1000000) + 1000)
end
local retry = d - tolerance
if retry < 0 then retry = 0 end
return {granted, math.ceil(retry / 1000), math.ceil(d / 1000)}
)lua";

}  // namespace smsdrv::flow
