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
  // The request as sent (request_payload), to send it again when a reload replaced the channel
  // instance that had it queued (superseded) and that instance answered SMSDRV_E_SHUT_DOWN.
  std::string payload;
  bool superseded = false;
};

// A request's name, channel and user data in one string, NUL-separated (user data never holds a
// NUL: the parser refuses it): "SendSMS\0channel-a\0key\0value\0...".
void pack_request(std::string& out, std::string_view request, std::string_view channel,
                  uint32_t count, const char* const* keys, const char* const* values);

// The view of a packed request: pointers into the payload, valid while it lives unchanged.
struct unpacked_request {
  const char* request = nullptr;
  const char* channel = nullptr;
  std::vector<const char*> keys, values;
};
unpacked_request unpack_request(const std::string& payload);

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
                 std::string_view payload, Send&& send) {
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
      p.payload.assign(payload);
      p.superseded = false;
      if (p.has_id) open_ids_.insert(p.id);
    }
    return status;
  }

  // A reload replaced or moved the channel: its instance in `driver` answers what it had queued
  // SMSDRV_E_SHUT_DOWN, and those requests are to be sent again.
  void mark_superseded(size_t driver, std::string_view channel);

  // What send_again() did.
  struct again {
    enum class outcome { unknown, sent, taken } what = outcome::unknown;
    pending_request request;              // taken: the record, for the caller to answer
    int32_t status = SMSDRV_E_SHUT_DOWN;  // taken: SHUT_DOWN as answered, or send's refusal
  };

  // A SMSDRV_E_SHUT_DOWN answer to a superseded request: calls send(const pending_request&,
  // size_t* driver, uint64_t* request_id) -> int32_t under the table's lock; on SMSDRV_OK the
  // record moves to the new (driver, request_id), its id in flight throughout (sent). Otherwise,
  // or when the request is not superseded, the record is taken out as take() does (taken), with
  // send's refusal or SMSDRV_E_SHUT_DOWN. unknown: no such request (take() would say nullopt).
  template <typename Send>
  again send_again(size_t driver, uint64_t request_id, Send&& send) {
    std::lock_guard lock(mutex_);
    again out;
    auto& map = by_driver_[driver];
    auto it = map.find(request_id);
    if (it == map.end()) return out;
    if (it->second.superseded) {
      size_t to_driver = driver;
      uint64_t to_id = 0;
      out.status = send(it->second, &to_driver, &to_id);
      if (out.status == SMSDRV_OK) {
        auto node = map.extract(it);
        node.key() = to_id;
        node.mapped().driver = to_driver;
        node.mapped().request_id = to_id;
        node.mapped().superseded = false;
        by_driver_[to_driver].insert(std::move(node));
        out.what = again::outcome::sent;
        return out;
      }
    }
    if (it->second.has_id) open_ids_.erase(it->second.id);
    --size_;
    out.request = std::move(map.extract(it).mapped());
    out.what = again::outcome::taken;
    return out;
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
