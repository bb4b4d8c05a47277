// A SendSMS request turned into wire form on the caller's thread (composer.hpp), ready for the
// channel's I/O thread, which only assigns sequence numbers and writes.
#pragma once

#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "channel/unsent_request.hpp"

namespace smsdrv::channel {

// Encoded PDUs stored back to back in one buffer, in order: a one-part message costs one
// allocation (the buffer), not a vector plus a string per part. Frames are appended (a whole
// PDU at a time) and read as views, which stay valid until the list is changed.
class frame_list {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;

    iterator() = default;
    iterator(const frame_list* list, std::size_t index) : list_(list), index_(index) {}
    std::string_view operator*() const { return (*list_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++index_;
      return old;
    }
    bool operator==(const iterator& o) const noexcept { return index_ == o.index_; }

   private:
    const frame_list* list_ = nullptr;
    std::size_t index_ = 0;
  };

  frame_list() = default;
  frame_list(const frame_list&) = default;
  frame_list& operator=(const frame_list&) = default;
  // A moved-from list is empty.
  frame_list(frame_list&& o) noexcept
      : data_(std::move(o.data_)),
        starts_(std::move(o.starts_)),
        closed_(o.closed_),
        count_(o.count_) {
    o.clear();
  }
  frame_list& operator=(frame_list&& o) noexcept {
    if (this != &o) {
      data_ = std::move(o.data_);
      starts_ = std::move(o.starts_);
      closed_ = o.closed_;
      count_ = o.count_;
      o.clear();
    }
    return *this;
  }

  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  std::string_view operator[](std::size_t i) const noexcept {
    assert(i < count_);
    const std::size_t begin = i == 0 ? 0 : starts_[i - 1];
    const std::size_t end = i + 1 < count_ ? starts_[i] : data_.size();
    return std::string_view(data_).substr(begin, end - begin);
  }
  iterator begin() const noexcept { return {this, 0}; }
  iterator end() const noexcept { return {this, count_}; }

  // Empties the list; the buffers keep their capacity.
  void clear() noexcept {
    data_.clear();
    starts_.clear();
    closed_ = 0;
    count_ = 0;
  }
  void reserve(std::size_t octets) { data_.reserve(octets); }
  std::size_t capacity() const noexcept { return data_.capacity(); }
  void push_back(std::string_view frame) {
    open_frame().append(frame);
    close_frame();
  }
  // Appending a frame in place: open_frame() gives the buffer to append exactly one PDU to
  // (smpp::encode appends), close_frame() makes what was appended since the last frame the next
  // one. A frame opened and not closed must leave the buffer as it was (encode does on failure).
  std::string& open_frame() noexcept { return data_; }
  void close_frame() {
    if (count_ > 0) starts_.push_back(static_cast<std::uint32_t>(closed_));
    closed_ = data_.size();
    ++count_;
  }

 private:
  std::string data_;
  // Where frames 1..n-1 start in data_ (frame 0 starts at 0): empty for a one-part message.
  std::vector<std::uint32_t> starts_;
  std::size_t closed_ = 0;  // data_.size() at the last close_frame()
  std::size_t count_ = 0;
};

struct prepared_request {
  std::uint64_t request_id = 0;
  // One encoded submit_sm per segment, in order, sequence_number 0 (patched when sent).
  frame_list frames;
  // registered_delivery was set: remember each segment's message id for its receipt.
  bool wants_receipt = false;
  // x-smpp-sar-prompt-responses: answer the request when the first segment is acknowledged.
  bool prompt_response = false;
  std::chrono::steady_clock::time_point accepted{};
  // x-failover-channel: the user data, to compose it again for the other channel while it is
  // still queued (unsent_request.hpp); empty otherwise.
  kept_user_data kept;
};

// For the request tracker (request_tracker.hpp): a part is a segment.
inline std::size_t part_count(const prepared_request& r) noexcept {
  return r.frames.size();
}
inline bool answers_at_first_part(const prepared_request& r) noexcept {
  return r.prompt_response;
}

}  // namespace smsdrv::channel
