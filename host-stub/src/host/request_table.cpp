#include "host/request_table.hpp"

namespace smsdrv::host {

std::optional<pending_request> request_table::take(size_t driver, uint64_t request_id) {
  std::lock_guard lock(mutex_);
  auto& map = by_driver_[driver];
  auto it = map.find(request_id);
  if (it == map.end()) return std::nullopt;
  if (it->second.has_id) open_ids_.erase(it->second.id);
  --size_;
  return std::move(map.extract(it).mapped());
}

std::optional<std::string> request_table::id_of(size_t driver, uint64_t request_id) const {
  std::lock_guard lock(mutex_);
  const auto& map = by_driver_[driver];
  const auto it = map.find(request_id);
  if (it == map.end() || !it->second.has_id) return std::nullopt;
  return it->second.id;
}

void request_table::mark_superseded(size_t driver, std::string_view channel) {
  std::lock_guard lock(mutex_);
  for (auto& [request_id, p] : by_driver_[driver])
    if (p.channel == channel) p.superseded = true;
}

void pack_request(std::string& out, std::string_view request, std::string_view channel,
                  uint32_t count, const char* const* keys, const char* const* values) {
  out.clear();
  auto add = [&out](std::string_view s) {
    out.append(s);
    out.push_back('\0');
  };
  add(request);
  add(channel);
  for (uint32_t i = 0; i < count; ++i) {
    add(keys[i] != nullptr ? keys[i] : "");
    add(values[i] != nullptr ? values[i] : "");
  }
}

unpacked_request unpack_request(const std::string& payload) {
  unpacked_request out;
  std::vector<const char*> parts;
  for (size_t at = 0; at < payload.size();) {
    parts.push_back(payload.c_str() + at);
    const size_t end = payload.find('\0', at);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  if (parts.size() < 2) return out;
  out.request = parts[0];
  out.channel = parts[1];
  for (size_t i = 2; i + 1 < parts.size(); i += 2) {
    out.keys.push_back(parts[i]);
    out.values.push_back(parts[i + 1]);
  }
  return out;
}

std::vector<pending_request> request_table::take_all() {
  std::lock_guard lock(mutex_);
  std::vector<pending_request> all;
  all.reserve(size_);
  for (auto& map : by_driver_) {
    for (auto& [request_id, p] : map)
      all.push_back(std::move(p));
    map.clear();
  }
  open_ids_.clear();
  size_ = 0;
  return all;
}

void report_ids::remember(size_t driver, uint64_t request_id, std::string id) {
  if (capacity_ == 0) return;
  const key k{driver, request_id};
  if (ring_.size() < capacity_) {
    ring_.push_back(k);
  } else {
    ids_.erase(ring_[next_]);
    ring_[next_] = k;
    next_ = (next_ + 1) % capacity_;
  }
  ids_.insert_or_assign(k, std::move(id));
}

std::optional<std::string_view> report_ids::find(size_t driver, uint64_t request_id) const {
  const auto it = ids_.find({driver, request_id});
  if (it == ids_.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace smsdrv::host
