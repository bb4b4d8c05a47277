#include "abi/event_queue.hpp"

#include <algorithm>

#include "abi/struct_prefix.hpp"

namespace smsdrv::abi {

void event_queue::push(const std::string& channel, std::uintptr_t channel_key,
                       std::vector<channel::channel_event>& events) {
  if (events.empty()) return;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    for (channel::channel_event& e : events) {
      queued& q = incoming_.emplace_back();
      q.event_id = next_event_id_++;
      q.channel_key = channel_key;
      q.channel = &channel;
      if (e.ack_id != 0) awaiting_ack_.emplace(q.event_id, ack_target{channel_key, e.ack_id});
      q.event = std::move(e);
    }
    wake = std::exchange(host_waiting_, false);
  }
  events.clear();
  if (wake && notify_) notify_();
}

void event_queue::release(channel::channel_event& done) {
  // An MMS's parts can be large: freed as soon as the host is done with them.
  if (!done.parts.empty()) std::vector<channel::event_part>().swap(done.parts);
  recycle(done.attrs);
}

void event_queue::recycle(channel::attributes& done) {
  if (done.capacity() == 0 || done.capacity() > recycled_attrs_max ||
      spent_attrs_.size() >= spare_attrs_max)
    return;
  done.clear();
  spent_attrs_.push_back(std::move(done));
}

bool event_queue::poll(smsdrv_event& out) {
  if (next_ == taken_.size()) {
    std::lock_guard lock(mutex_);
    if (!spent_attrs_.empty()) {
      if (spare_attrs_.empty()) {
        spare_attrs_.swap(spent_attrs_);
      } else {
        for (channel::attributes& a : spent_attrs_)
          if (spare_attrs_.size() < spare_attrs_max) spare_attrs_.push_back(std::move(a));
        spent_attrs_.clear();
      }
    }
    // Nothing new: the last event handed out is the host's no more (smsdrv.h: until the next
    // poll()), so that nothing keeps a retired channel's entry (refers_to) once the host is done.
    if (incoming_.empty()) {
      host_waiting_ = true;
      if (next_ > 0) release(taken_[next_ - 1].event);
      taken_.clear();
      next_ = 0;
      return false;
    }
    if (next_ > 0) release(taken_[next_ - 1].event);
    taken_.clear();
    next_ = 0;
    taken_.swap(incoming_);
  } else if (next_ > 0) {
    // The previous event's strings are no longer the host's: keep its attribute list.
    release(taken_[next_ - 1].event);
  }
  const queued& current = taken_[next_++];
  const channel::channel_event& e = current.event;
  keys_.clear();
  values_.clear();
  for (const auto& [k, v] : e.attrs) {
    keys_.push_back(k.c_str());
    values_.push_back(v.c_str());
  }
  // The host's struct gets what its struct_size has room for (struct_prefix.hpp).
  smsdrv_event full{};
  full.type = e.type;
  full.event_id = current.event_id;
  full.request_id = e.request_id;
  full.channel = current.channel->c_str();
  full.status = e.status;
  full.text = e.text.c_str();
  full.count = static_cast<std::uint32_t>(keys_.size());
  full.keys = keys_.data();
  full.values = values_.data();
  full.flags = e.ack_id != 0 ? SMSDRV_EVENT_NEEDS_ACK : 0u;
  parts_.clear();
  part_pointers_.clear();
  if (!e.parts.empty()) {
    for (const auto& p : e.parts) {
      smsdrv_part part{};
      part.struct_size = sizeof part;
      part.content_type = p.content_type.c_str();
      part.name = p.name.c_str();
      part.data = reinterpret_cast<const std::uint8_t*>(p.bytes.data());
      part.size = p.bytes.size();
      parts_.push_back(part);
    }
    for (const auto& part : parts_)
      part_pointers_.push_back(&part);
    part_pointers_.push_back(nullptr);
    full.parts = part_pointers_.data();
    full.part_count = static_cast<std::uint32_t>(parts_.size());
  }
  fill_prefix(full, out);
  return true;
}

void event_queue::reclaim(std::vector<channel::attributes>& out, std::size_t limit) {
  std::lock_guard lock(mutex_);
  while (limit-- > 0 && !spare_attrs_.empty()) {
    out.push_back(std::move(spare_attrs_.back()));
    spare_attrs_.pop_back();
  }
}

std::optional<event_queue::ack_target> event_queue::take_ack(std::uint64_t event_id) {
  std::lock_guard lock(mutex_);
  auto it = awaiting_ack_.find(event_id);
  if (it == awaiting_ack_.end()) return std::nullopt;
  ack_target t = it->second;
  awaiting_ack_.erase(it);
  return t;
}

bool event_queue::refers_to(std::uintptr_t channel_key) const {
  auto of_channel = [&](const queued& q) { return q.channel_key == channel_key; };
  // taken_ is the host thread's own; the last event handed out is still in use until next poll.
  if (std::any_of(taken_.begin(), taken_.end(), of_channel)) return true;
  std::lock_guard lock(mutex_);
  return std::any_of(incoming_.begin(), incoming_.end(), of_channel) ||
         std::any_of(awaiting_ack_.begin(), awaiting_ack_.end(),
                     [&](const auto& kv) { return kv.second.channel_key == channel_key; });
}

std::size_t event_queue::size() const {
  std::lock_guard lock(mutex_);
  return incoming_.size() + (taken_.size() - next_);
}

std::size_t event_queue::awaiting_ack() const {
  std::lock_guard lock(mutex_);
  return awaiting_ack_.size();
}

}  // namespace smsdrv::abi
