#include "message_store.hpp"

namespace smsdrv::sim {

message_store::message_store(std::size_t capacity)
    : capacity_(capacity), records_(std::make_unique<message_record[]>(capacity)) {}

message_record& message_store::add(std::uint64_t counter) noexcept {
  message_record& r = records_[counter % capacity_];
  r = message_record{};
  r.counter = counter;
  return r;
}

message_record* message_store::find(std::uint64_t counter) noexcept {
  if (counter == 0) return nullptr;
  message_record& r = records_[counter % capacity_];
  return r.counter == counter ? &r : nullptr;
}

}  // namespace smsdrv::sim
