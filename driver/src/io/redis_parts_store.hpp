// channel::remote_parts in Redis (docs/scaling.md, "Long inbound messages over several hosts"):
// the parts of one long message in one hash, smsdrv:mo:{<account>}:<message>, written and read
// by Lua scripts so that exactly one host sees the message complete.
//
//  - store: HSET of the part; the call that makes the parts complete marks the message
//    "awaiting the host until T" (T = now + hold) and gets every part. A part of a message
//    awaiting its host is answered "awaiting" until T; after T (the host that delivered it
//    never answered: stopped, killed) the message completes again for whoever asks, so it is
//    delivered at least once.
//  - confirm (the host took it): the parts are deleted and "done" is kept for `done_ttl`: a
//    part delivered again meanwhile is a duplicate.
//  - reopen (the host refused it): the mark and the completing part are deleted.
//  - take (a deadline passed): the parts held, deleted, unless the message completed.
//  - Every hash expires `open_ttl` after its first part: nothing stays when every host that
//    held a deadline for it is gone.
// The time is Redis's (TIME): hosts need not agree on theirs. Runs on the I/O thread.
// Every reply also goes to `on_result` (a failure or the first success after one) so that the
// channel says once when it falls back to joining parts on this host.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "channel/remote_parts.hpp"
#include "io/redis_client.hpp"

namespace boost::asio {
class io_context;
}

namespace smsdrv::io {

struct redis_parts_settings {
  redis_endpoint redis;
  std::string account;
  std::chrono::milliseconds open_ttl{std::chrono::minutes(10)};
  std::chrono::milliseconds hold{std::chrono::minutes(5)};
  std::chrono::milliseconds done_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds redis_timeout{500};
};

class redis_parts_store final : public channel::remote_parts {
 public:
  // `after_reply`: runs after every handler (the channel writes what the handler produced).
  // `on_mode`: the store became unreachable (true, with Redis's error) or answers again.
  redis_parts_store(boost::asio::io_context& io, redis_parts_settings settings,
                    std::function<void()> after_reply,
                    std::function<void(bool unreachable, const std::string& reason)> on_mode);
  ~redis_parts_store() override;

  void store(const channel::remote_message_key& key, std::uint8_t seqnum, std::string part,
             handler done) override;
  void take(const channel::remote_message_key& key, handler done) override;
  void confirm(const channel::remote_message_key& key) override;
  void reopen(const channel::remote_message_key& key, std::uint8_t seqnum) override;

  std::string key_of(const channel::remote_message_key& key) const;
  std::uint64_t redis_commands() const noexcept { return client_.commands(); }

 private:
  void finish(const redis_values_reply& r, const handler& done);
  void note(bool failed, const std::string& error);

  redis_parts_settings settings_;
  redis_client client_;
  std::function<void()> after_reply_;
  std::function<void(bool, const std::string&)> on_mode_;
  bool unreachable_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace smsdrv::io
