// The messages the simulator accepted, for query_sm, cancel_sm, replace_sm and receipts.
//
// A ring of fixed-size records indexed by the message counter (counter % capacity): storing a
// message costs a copy of a few fields and no allocation; the oldest messages are forgotten once
// `capacity` newer ones arrived (query_sm then answers ESME_RQUERYFAIL, docs/smsc-sim.md).
#pragma once

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string_view>

#include "receipt.hpp"
#include "sim_clock.hpp"

namespace smsdrv::sim {

// A fixed-capacity string (fields are truncated to fit; SMPP limits are below these sizes).
template <std::size_t N>
struct fixed_string {
  char data[N];
  std::uint8_t size = 0;
  void assign(std::string_view s) noexcept {
    size = static_cast<std::uint8_t>(std::min(s.size(), N));
    std::copy_n(s.data(), size, data);
  }
  std::string_view view() const noexcept { return {data, size}; }
};

struct message_record {
  std::uint64_t counter = 0;  // 0: free slot
  fixed_string<16> system_id;
  fixed_string<65> source_addr;
  fixed_string<65> destination_addr;
  fixed_string<20> excerpt;  // receipt "text:" field
  fixed_string<6> service_type;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  std::uint8_t registered_delivery = 0;
  bool cancelled = false;
  bool receipt_sent = false;
  std::time_t submit_date = 0;  // wall clock, for receipts
  time_point final_at{};        // the message reaches `outcome` at this time
  receipt_outcome outcome;

  // message_state at `now` (§5.2.28): ENROUTE until final_at, then the outcome; DELETED once
  // cancelled.
  std::uint8_t state(time_point now) const noexcept {
    if (cancelled) return message_state::deleted;
    return now >= final_at ? outcome.state : message_state::enroute;
  }
};

class message_store {
 public:
  explicit message_store(std::size_t capacity);

  // The slot for a new message (overwrites the message `capacity` counters older).
  message_record& add(std::uint64_t counter) noexcept;
  // The message with this counter, or nullptr when unknown or forgotten.
  message_record* find(std::uint64_t counter) noexcept;
  std::size_t capacity() const noexcept { return capacity_; }

  template <class F>
  void for_each(F&& f) {
    for (std::size_t i = 0; i < capacity_; ++i)
      if (records_[i].counter != 0) f(records_[i]);
  }

 private:
  std::size_t capacity_;
  std::unique_ptr<message_record[]> records_;
};

}  // namespace smsdrv::sim
