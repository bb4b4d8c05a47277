#include "flow/window_slots.hpp"

#include <algorithm>

namespace smsdrv::flow {

window_slots::window_slots(const window_settings& settings) : settings_(settings) {
  settings_.window = std::max<std::uint32_t>(settings_.window, 1);
  if (settings_.batch == 0)
    settings_.batch = std::clamp<std::uint32_t>(settings_.window / 4, 1, 50);
  settings_.batch = std::clamp<std::uint32_t>(settings_.batch, 1, settings_.window);
}

std::uint32_t window_slots::local_share() const noexcept {
  return std::max<std::uint32_t>(static_cast<std::uint32_t>(std::uint64_t{settings_.window} *
                                                            settings_.local_share_percent / 100),
                                 1);
}

std::uint32_t window_slots::limit() const noexcept {
  if (mode_ == window_mode::fallback) return local_share();
  // A claim that gives slots back may be answered after the others took them: until then, no
  // more than it keeps.
  return in_flight_ ? std::min(held_, asked_) : held_;
}

bool window_slots::try_take(std::uint32_t in_use, time_point now) {
  last_active_ = now;
  if (in_use < limit()) {
    waiting_ = false;
    return true;
  }
  if (!waiting_) ++stats_.refused;
  waiting_ = true;
  return false;
}

std::optional<std::uint32_t> window_slots::wanted(std::uint32_t in_use, time_point now) const {
  const std::uint32_t more = std::min(settings_.window, in_use + settings_.batch);
  if (mode_ == window_mode::fallback) {
    if (now < not_before_) return std::nullopt;
    return waiting_ ? more : in_use;  // the probe records what is out
  }
  if (waiting_ && held_ < more && now >= not_before_) return more;
  if (held_ > in_use + settings_.batch) return in_use + settings_.batch;
  if (held_ > in_use && !waiting_ && now - last_active_ >= settings_.idle) return in_use;
  if ((held_ > 0 || in_use > 0) && now - last_claim_ >= settings_.slot_ttl / 3)
    return std::max(held_, in_use);
  return std::nullopt;
}

std::optional<window_claim> window_slots::claim_due(std::uint32_t in_use, time_point now) {
  if (in_flight_) return std::nullopt;
  const auto target = wanted(in_use, now);
  if (!target) return std::nullopt;
  in_flight_ = true;
  asked_ = *target;
  last_claim_ = now;
  ++stats_.claims;
  return window_claim{*target, in_use};
}

void window_slots::on_granted(std::uint32_t granted, time_point now) {
  in_flight_ = false;
  held_ = granted;
  if (mode_ == window_mode::fallback) {
    mode_ = window_mode::shared;
    mode_changed_ = true;
  }
  // Fewer than asked: the account's window is full; ask again after `poll`.
  not_before_ = granted < asked_ ? now + settings_.poll : time_point{};
}

void window_slots::on_failed(time_point now) {
  in_flight_ = false;
  held_ = 0;
  ++stats_.claims_failed;
  not_before_ = now + settings_.retry_after_failure;
  if (mode_ != window_mode::fallback) {
    mode_ = window_mode::fallback;
    mode_changed_ = true;
    ++stats_.fallbacks;
  }
}

window_slots::time_point window_slots::next_deadline(std::uint32_t in_use, time_point now) const {
  if (in_flight_) return time_point::max();
  time_point due = time_point::max();
  // While writes wait, look again every `poll` at the latest: a slot freed here (an answer the
  // owner was not told of) lets them go without the store.
  if (waiting_) due = now + settings_.poll;
  if (mode_ == window_mode::fallback) return std::min(due, not_before_);
  if (waiting_ && held_ < std::min(settings_.window, in_use + settings_.batch))
    due = std::min(due, std::max(not_before_, now));
  if (held_ > 0) {
    due = std::min(due, last_claim_ + settings_.slot_ttl / 3);
    if (!waiting_) due = std::min(due, last_active_ + settings_.idle);
  }
  return due;
}

const std::string_view window_claim_script = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local me = ARGV[1]
local target = tonumber(ARGV[2])
local floor = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local fields = redis.call('HGETALL', KEYS[1])
local slots, expiry = {}, {}
for i = 1, #fields, 2 do
  local kind, host = string.sub(fields[i], 1, 2), string.sub(fields[i], 3)
  if kind == 's:' then slots[host] = tonumber(fields[i + 1]) end
  if kind == 'e:' then expiry[host] = tonumber(fields[i + 1]) end
end
local others = 0
for host, n in pairs(slots) do
  if host ~= me then
    if (expiry[host] or 0) <= now then
      redis.call('HDEL', KEYS[1], 's:' .. host, 'e:' .. host)
    else
      others = others + n
    end
  end
end
local mine = math.min(target, math.max(window - others, 0))
if mine < floor then mine = floor end
if mine > 0 then
  redis.call('HSET', KEYS[1], 's:' .. me, mine, 'e:' .. me, now + ttl)
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
else
  redis.call('HDEL', KEYS[1], 's:' .. me, 'e:' .. me)
end
return {mine, others}
)lua";

}  // namespace smsdrv::flow
