// request_table.hpp - the requests drivers have accepted and not yet answered, shared by the
// reader thread (which sends) and the main thread (which polls the responses).
#ifndef SMSDRV_HOST_REQUEST_TABLE_HPP
#define SMSDRV_HOST_REQUEST_TABLE_HPP

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "smsdrv/smsdrv.h"

namespace smsdrv::host {

// The host's side of one accepted request.
struct pending_request {
  bool has_id = false;
  std::string id;           // the request's "id" when has_id
  std::string channel;      // for the stub's own answer when the drain times out
  size_t driver = 0;        // which driver accepted it,
  uint64_t request_id = 0;  // under which number (the driver's log lines name it)
};

class request_table {
 public:
  explicit request_table(size_t drivers) : by_driver_(drivers) {}

  // True when a request with this id is accepted and not yet answered.
  bool in_flight(std::string_view id) const {
    std::lock_guard lock(mutex_);
    return open_ids_.count(id) != 0;
  }

  // Calls send(uint64_t* request_id) -> int32_t under the table's lock and records the request
  // when it returns SMSDRV_OK, so that the main thread cannot take the response before the record
  // exists. send() must not block (smsdrv.h guarantees it for a driver's send).
  template <typename Send>
  int32_t submit(size_t driver, std::optional<std::string_view> id, std::string_view channel,
                 Send&& send) {
    std::lock_guard lock(mutex_);
    uint64_t request_id = 0;
    const int32_t status = send(&request_id);
    if (status == SMSDRV_OK) {
      auto [it, fresh] = by_driver_[driver].try_emplace(request_id);
      pending_request& p = it->second;
      if (fresh)
        ++size_;
      else if (p.has_id)  // a driver reusing an id it has not answered: the newer request wins
        open_ids_.erase(p.id);
      p.has_id = id.has_value();
      if (id) p.id.assign(*id);
      p.channel.assign(channel);
      p.driver = driver;
      p.request_id = request_id;
      if (p.has_id) open_ids_.insert(p.id);
    }
    return status;
  }

  // Removes and returns the request the driver answered, or nullopt when it is unknown (never
  // sent through this table, or already answered by the stub when the drain timed out).
  std::optional<pending_request> take(size_t driver, uint64_t request_id);

  // The id of an unanswered request, for a delivery report that overtook its response.
  std::optional<std::string> id_of(size_t driver, uint64_t request_id) const;

  // Removes and returns every unanswered request.
  std::vector<pending_request> take_all();

  size_t size() const {
    std::lock_guard lock(mutex_);
    return size_;
  }

 private:
  mutable std::mutex mutex_;
  // Per driver: request_id from send() -> the request. Node-based, so the id strings do not move
  // and open_ids_ can view them.
  std::vector<std::unordered_map<uint64_t, pending_request>> by_driver_;
  std::unordered_set<std::string_view> open_ids_;
  size_t size_ = 0;
};

// The ids of recently answered requests, so that delivery reports (which arrive after the
// response) carry the request's id. Bounded: the oldest are forgotten first. Main thread only.
class report_ids {
 public:
  explicit report_ids(size_t capacity) : capacity_(capacity) {}

  void remember(size_t driver, uint64_t request_id, std::string id);
  std::optional<std::string_view> find(size_t driver, uint64_t request_id) const;

 private:
  using key = std::pair<size_t, uint64_t>;
  struct key_hash {
    size_t operator()(const key& k) const noexcept {
      return std::hash<uint64_t>()(k.second * 0x9E3779B97F4A7C15ull + k.first);
    }
  };
  size_t capacity_;
  std::unordered_map<key, std::string, key_hash> ids_;
  std::vector<key> ring_;  // insertion order, circular once full
  size_t next_ = 0;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_REQUEST_TABLE_HPP
