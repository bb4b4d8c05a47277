#include "util/id_ranges.hpp"

#include <fmt/format.h>

namespace smsdrv {

void id_ranges::add(std::uint64_t id) {
  ++count_;
  if (!ranges_.empty() && ranges_.back().last + 1 == id) {
    ranges_.back().last = id;
    return;
  }
  if (ranges_.size() < max_ranges_) {
    ranges_.push_back({id, id});
    return;
  }
  overflow_ = true;
}

std::string id_ranges::text() const {
  std::string out;
  for (const range& r : ranges_) {
    if (!out.empty()) out += ", ";
    if (r.first == r.last)
      out += fmt::format("{}", r.first);
    else
      out += fmt::format("{}-{}", r.first, r.last);
  }
  if (overflow_) out += ", …";
  return out;
}

}  // namespace smsdrv
