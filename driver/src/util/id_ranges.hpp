// A short, bounded list of numbers (request ids) for one log line: "13-231, 240, 300-302", kept
// as ranges of consecutive ids in the order they came. At most `max_ranges` are kept; further
// ids are only counted, and the text ends with ", …".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace smsdrv {

class id_ranges {
 public:
  explicit id_ranges(std::size_t max_ranges = 8) : max_ranges_(max_ranges) {}

  void add(std::uint64_t id);
  void clear() noexcept {
    ranges_.clear();
    count_ = 0;
    overflow_ = false;
  }
  bool empty() const noexcept { return count_ == 0; }
  // Ids added, also those beyond the ranges kept.
  std::size_t count() const noexcept { return count_; }
  // "13-231, 240" (", …" when ids were left out); "" when empty.
  std::string text() const;

 private:
  struct range {
    std::uint64_t first;
    std::uint64_t last;
  };
  std::size_t max_ranges_;
  std::vector<range> ranges_;
  std::size_t count_ = 0;
  bool overflow_ = false;
};

}  // namespace smsdrv
