// The driver's event queue between its I/O thread (push) and the host (poll, ack).
//
// Contracts (smsdrv.h):
//  - notify() is called, outside the lock, when events arrive and the host last found the
//    queue empty (edge-triggered: one wake-up per drain, not one per event).
//  - poll() fills an smsdrv_event whose strings stay valid until the next poll().
//  - Events flagged NEEDS_ACK are remembered until ack() names them.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "channel/channel_event.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::abi {

class event_queue {
 public:
  using notify_fn = std::function<void()>;
  explicit event_queue(notify_fn notify) : notify_(std::move(notify)) {}

  // I/O thread. `channel_key` is handed back by take_ack() so the ack finds its channel.
  // `channel` is kept by reference: it must outlive the queue (a channel's name lives as long
  // as the driver).
  void push(const std::string& channel, std::uintptr_t channel_key,
            std::vector<channel::channel_event>& events);

  // Host thread (one at a time). Returns false when there is nothing to take. Takes every
  // event pushed so far in one go under the lock and hands them out one per call.
  bool poll(smsdrv_event& out);

  // I/O thread: moves at most `limit` emptied attribute lists of events the host has finished
  // with onto `out` (io::event_sink::reclaim).
  void reclaim(std::vector<channel::attributes>& out, std::size_t limit);

  struct ack_target {
    std::uintptr_t channel_key;
    std::uint64_t ack_id;
  };
  // The channel and ack id of an event still waiting for its acknowledgement (forgotten now).
  std::optional<ack_target> take_ack(std::uint64_t event_id);

  // True while an event of the channel is queued, handed out (the last one poll() returned) or
  // waiting for its acknowledgement: its name and key must stay valid. Host thread.
  bool refers_to(std::uintptr_t channel_key) const;

  // Events not handed out yet (host thread).
  std::size_t size() const;
  std::size_t awaiting_ack() const;

 private:
  struct queued {
    std::uint64_t event_id = 0;
    std::uintptr_t channel_key = 0;
    const std::string* channel = nullptr;
    channel::channel_event event;
  };

  notify_fn notify_;
  mutable std::mutex mutex_;
  // Pushed and not yet taken by the host. poll() swaps it with taken_ (both keep their
  // capacity: no allocation per event once they have grown).
  std::vector<queued> incoming_;
  bool host_waiting_ = true;  // the host found the queue empty: the next push notifies
  std::uint64_t next_event_id_ = 1;
  std::unordered_map<std::uint64_t, ack_target> awaiting_ack_;
  // Emptied attribute lists for reclaim(): what the host finished with, handed over with each
  // batch. Lists with room for more than recycled_attrs_max entries (inbound events) are freed;
  // at most spare_attrs_max are kept.
  static constexpr std::size_t recycled_attrs_max = 8;
  static constexpr std::size_t spare_attrs_max = 1024;
  std::vector<channel::attributes> spare_attrs_;

  // Host thread only: the batch taken from incoming_, handed out from taken_[next_] on; the
  // event handed out last, taken_[next_ - 1], stays there until the next poll().
  std::vector<queued> taken_;
  std::size_t next_ = 0;
  std::vector<channel::attributes> spent_attrs_;  // since the last batch, for spare_attrs_
  // Moves the emptied list to spent_attrs_, when it is worth keeping.
  void recycle(channel::attributes& done);
  // The event the host is done with: its parts freed, its attribute list recycled.
  void release(channel::channel_event& done);
  // The pointer arrays into the event handed out last, and its parts (ABI 1.2).
  std::vector<const char*> keys_;
  std::vector<const char*> values_;
  std::vector<smsdrv_part> parts_;
  std::vector<const smsdrv_part*> part_pointers_;
};

}  // namespace smsdrv::abi
