// Maps the SMSC message id of every segment that asked for a delivery receipt back to the
// request that sent it, so a receipt arriving minutes or hours later is reported against the
// request id. Bounded in entries and in age; ids are compared the way SMSCs actually differ:
// case-insensitively, without leading zeros, and across hex/decimal (many SMSCs answer
// submit_sm_resp in hex and write the receipt's id: in decimal, or the other way round).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace smsdrv::channel {

struct receipt_origin {
  std::uint64_t request_id = 0;
  std::uint16_t segment = 1;  // 1-based
  std::uint16_t segments = 1;
};

class receipt_correlator {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  receipt_correlator(std::size_t max_entries, std::chrono::seconds max_age);

  void remember(std::string_view message_id, receipt_origin origin, time_point now);
  // The origin of a receipt's message id. A final receipt forgets the entry; an intermediate
  // one (ENROUTE, ACCEPTD) keeps it for the final one.
  std::optional<receipt_origin> find(std::string_view message_id, bool final);
  // Forgets entries older than max_age.
  void expire(time_point now);
  std::size_t size() const noexcept { return entries_.size(); }

  // The comparison key of an id: lower case, leading zeros stripped.
  static std::string normalise(std::string_view id);

 private:
  struct entry {
    receipt_origin origin;
    time_point added;
  };
  std::unordered_map<std::string, entry>::iterator lookup(std::string_view id);
  bool front_is_live() const;
  bool pop_front_entry();  // forgets the oldest live entry; false when there is none

  std::size_t max_entries_;
  std::chrono::seconds max_age_;
  std::unordered_map<std::string, entry> entries_;
  std::deque<std::pair<time_point, std::string>> order_;  // insertion order, for age and size
};

}  // namespace smsdrv::channel
