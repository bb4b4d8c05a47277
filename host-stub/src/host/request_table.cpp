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
