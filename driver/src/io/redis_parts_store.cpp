#include "io/redis_parts_store.hpp"

#include <fmt/format.h>

namespace smsdrv::io {
namespace {

// KEYS[1] the message; ARGV seqnum, total, part, open_ttl_ms, hold_ms. Field s: absent while
// open, the time (ms) until which the host that completed it decides, or "d" once taken.
constexpr std::string_view store_script = R"lua(
local k = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local total = tonumber(ARGV[2])
local s = redis.call('HGET', k, 's')
if s == 'd' then return {'duplicate'} end
if s then
  if now < tonumber(s) then return {'awaiting'} end
  redis.call('HSET', k, 'p' .. ARGV[1], ARGV[3])
else
  local fresh = redis.call('EXISTS', k) == 0
  redis.call('HSET', k, 'p' .. ARGV[1], ARGV[3])
  if fresh then redis.call('PEXPIRE', k, ARGV[4]) end
  if redis.call('HLEN', k) < total then return {'held'} end
end
redis.call('HSET', k, 's', tostring(now + tonumber(ARGV[5])))
redis.call('PEXPIRE', k, ARGV[4])
local out = {'completed'}
for i = 1, total do out[#out + 1] = redis.call('HGET', k, 'p' .. i) or '' end
return out
)lua";

// KEYS[1] the message; ARGV total.
constexpr std::string_view take_script = R"lua(
local k = KEYS[1]
if redis.call('EXISTS', k) == 0 or redis.call('HEXISTS', k, 's') == 1 then
  return {'duplicate'}
end
local out = {'completed'}
for i = 1, tonumber(ARGV[1]) do out[#out + 1] = redis.call('HGET', k, 'p' .. i) or '' end
redis.call('DEL', k)
return out
)lua";

// KEYS[1] the message; ARGV done_ttl_ms.
constexpr std::string_view confirm_script = R"lua(
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 's', 'd')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
)lua";

// KEYS[1] the message; ARGV seqnum of the completing part, open_ttl_ms.
constexpr std::string_view reopen_script = R"lua(
if redis.call('HGET', KEYS[1], 's') == 'd' then return 0 end
redis.call('HDEL', KEYS[1], 's', 'p' .. ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
)lua";

struct scripts {
  redis_script store{"the reassembly store script", store_script},
      take{"the reassembly take script", take_script},
      confirm{"the reassembly confirm script", confirm_script},
      reopen{"the reassembly reopen script", reopen_script};
};
const scripts& the_scripts() {
  static const scripts s;
  return s;
}

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count());
}

}  // namespace

redis_parts_store::redis_parts_store(boost::asio::io_context& io, redis_parts_settings settings,
                                     std::function<void()> after_reply,
                                     std::function<void(bool, const std::string&)> on_mode)
    : settings_(std::move(settings)),
      client_(io, settings_.redis, settings_.redis_timeout),
      after_reply_(std::move(after_reply)),
      on_mode_(std::move(on_mode)) {}

redis_parts_store::~redis_parts_store() {
  *alive_ = false;
}

std::string redis_parts_store::key_of(const channel::remote_message_key& key) const {
  // The braces make the account a Redis Cluster hash tag (as the rate's key).
  return fmt::format("smsdrv:mo:{{{}}}:{}", settings_.account, channel::remote_key_suffix(key));
}

void redis_parts_store::note(bool failed, const std::string& error) {
  if (failed == unreachable_) return;
  unreachable_ = failed;
  if (on_mode_) on_mode_(failed, error);
}

void redis_parts_store::finish(const redis_values_reply& r, const handler& done) {
  channel::remote_reply out;
  if (!r.ok) {
    out.error = r.error;
  } else if (r.values.empty()) {
    out.error = "the reassembly script answered nothing";
  } else {
    const std::string& what = r.values.front();
    if (what == "held")
      out.outcome = channel::remote_outcome::held;
    else if (what == "completed")
      out.outcome = channel::remote_outcome::completed;
    else if (what == "duplicate")
      out.outcome = channel::remote_outcome::duplicate;
    else if (what == "awaiting")
      out.outcome = channel::remote_outcome::awaiting;
    else
      out.error = fmt::format("the reassembly script answered '{}'", what);
    out.parts.assign(r.values.begin() + 1, r.values.end());
  }
  note(out.outcome == channel::remote_outcome::failed, out.error);
  done(out, std::chrono::steady_clock::now(), std::chrono::system_clock::now());
  if (after_reply_) after_reply_();
}

void redis_parts_store::store(const channel::remote_message_key& key, std::uint8_t seqnum,
                              std::string part, handler done) {
  client_.eval_values(the_scripts().store, key_of(key),
                      {std::to_string(seqnum), std::to_string(key.total), std::move(part),
                       ms(settings_.open_ttl), ms(settings_.hold)},
                      [this, alive = std::weak_ptr<bool>(alive_),
                       done = std::move(done)](const redis_values_reply& r) {
                        if (alive.expired()) return;
                        finish(r, done);
                      });
}

void redis_parts_store::take(const channel::remote_message_key& key, handler done) {
  client_.eval_values(the_scripts().take, key_of(key), {std::to_string(key.total)},
                      [this, alive = std::weak_ptr<bool>(alive_),
                       done = std::move(done)](const redis_values_reply& r) {
                        if (alive.expired()) return;
                        finish(r, done);
                      });
}

void redis_parts_store::confirm(const channel::remote_message_key& key) {
  client_.eval_values(the_scripts().confirm, key_of(key), {ms(settings_.done_ttl)},
                      [this, alive = std::weak_ptr<bool>(alive_)](const redis_values_reply& r) {
                        if (alive.expired()) return;
                        note(!r.ok, r.error);
                      });
}

void redis_parts_store::reopen(const channel::remote_message_key& key, std::uint8_t seqnum) {
  client_.eval_values(the_scripts().reopen, key_of(key),
                      {std::to_string(seqnum), ms(settings_.open_ttl)},
                      [this, alive = std::weak_ptr<bool>(alive_)](const redis_values_reply& r) {
                        if (alive.expired()) return;
                        note(!r.ok, r.error);
                      });
}

}  // namespace smsdrv::io
