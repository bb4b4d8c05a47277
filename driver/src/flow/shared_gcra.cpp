#include "flow/shared_gcra.hpp"

#include <algorithm>

namespace smsdrv::flow {

namespace {
constexpr std::int64_t us_per_s = 1'000'000;
}

gcra_grant gcra_take(gcra_state& state, std::int64_t now_us, std::uint32_t rate,
                     std::uint32_t burst, std::uint32_t count) noexcept {
  const std::int64_t r = std::max<std::uint32_t>(rate, 1);
  const std::int64_t interval = us_per_s / r;
  const std::int64_t tolerance = static_cast<std::int64_t>(std::max<std::uint32_t>(burst, 1) - 1) *
                                 interval;
  std::int64_t tat = state.set ? state.tat : now_us;
  std::int64_t rem = state.set ? state.rem : 0;
  if (tat < now_us) {  // idle: the schedule restarts at now
    tat = now_us;
    rem = 0;
  }
  // After j tokens the schedule is at tat + (rem + j * 1e6) / r microseconds; token j is due
  // when its whole part, less the tolerance, is not after now:
  // rem + j * 1e6 <= (now + tolerance - tat + 1) * r - 1.
  const std::int64_t room = (now_us + tolerance - tat + 1) * r - 1 - rem;
  std::int64_t granted = 0;
  if (room >= 0) granted = std::min<std::int64_t>(count, room / us_per_s + 1);
  const std::int64_t advance = rem + granted * us_per_s;
  tat += advance / r;
  rem = advance % r;
  if (granted > 0) {
    state.set = true;
    state.tat = tat;
    state.rem = rem;
  }
  gcra_grant g;
  g.granted = static_cast<std::uint32_t>(granted);
  g.retry_after_us = std::max<std::int64_t>(0, tat - tolerance - now_us);
  g.ttl_ms = (tat - now_us) / 1000 + 1000;
  return g;
}

// The same arithmetic as gcra_take(); Lua 5.1 numbers are doubles, exact for whole numbers below
// 2^53: microseconds since 1970 (~2^51) are, and so is `room` (at most (burst + 1) * 1e6 * rate
// with tat near now).
const std::string_view gcra_lease_script = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local count = tonumber(ARGV[3])
local now
if ARGV[4] then
  now = tonumber(ARGV[4])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
if rate < 1 then rate = 1 end
if burst < 1 then burst = 1 end
local interval = math.floor(1000000 / rate)
local tolerance = (burst - 1) * interval
local state = redis.call('HMGET', KEYS[1], 'tat', 'rem')
local tat = tonumber(state[1])
local rem = tonumber(state[2])
if tat == nil or rem == nil then
  tat = now
  rem = 0
end
if tat < now then
  tat = now
  rem = 0
end
local room = (now + tolerance - tat + 1) * rate - 1 - rem
local granted = 0
if room >= 0 then
  granted = math.min(count, math.floor(room / 1000000) + 1)
end
local advance = rem + granted * 1000000
tat = tat + math.floor(advance / rate)
rem = advance % rate
local ttl = math.floor((tat - now) / 1000) + 1000
if granted > 0 then
  redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat), 'rem', string.format('%.0f', rem))
  redis.call('PEXPIRE', KEYS[1], ttl)
end
local retry = tat - tolerance - now
if retry < 0 then retry = 0 end
return {granted, retry}
)lua";

}  // namespace smsdrv::flow
