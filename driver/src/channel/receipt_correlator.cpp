#include "channel/receipt_correlator.hpp"

#include <cctype>
#include <charconv>

namespace smsdrv::channel {
namespace {

bool all_of(std::string_view s, int (*pred)(int)) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!pred(c)) return false;
  return true;
}

// The other base's spelling of a number (decimal <-> hex); "" when it does not apply.
std::string other_base(std::string_view normalised, bool from_decimal) {
  std::uint64_t v = 0;
  const int base = from_decimal ? 10 : 16;
  auto [p, ec] = std::from_chars(normalised.data(), normalised.data() + normalised.size(), v, base);
  if (ec != std::errc() || p != normalised.data() + normalised.size()) return {};
  char buf[32];
  auto [e, ec2] = std::to_chars(buf, buf + sizeof buf, v, from_decimal ? 16 : 10);
  if (ec2 != std::errc()) return {};
  return std::string(buf, e);
}

}  // namespace

receipt_correlator::receipt_correlator(std::size_t max_entries, std::chrono::seconds max_age)
    : max_entries_(max_entries), max_age_(max_age) {}

std::string receipt_correlator::normalise(std::string_view id) {
  std::string out;
  out.reserve(id.size());
  for (unsigned char c : id)
    out.push_back(static_cast<char>(std::tolower(c)));
  const auto first = out.find_first_not_of('0');
  if (first == std::string::npos) return out.empty() ? out : std::string("0");
  out.erase(0, first);
  return out;
}

void receipt_correlator::remember(std::string_view message_id, receipt_origin origin,
                                  time_point now) {
  if (message_id.empty() || max_entries_ == 0) return;
  std::string key = normalise(message_id);
  entries_.insert_or_assign(key, entry{origin, now});
  order_.emplace_back(now, std::move(key));
  while (entries_.size() > max_entries_ && pop_front_entry()) {
  }
}

bool receipt_correlator::front_is_live() const {
  auto it = entries_.find(order_.front().second);
  return it != entries_.end() && it->second.added == order_.front().first;
}

bool receipt_correlator::pop_front_entry() {
  // Skips order_ entries whose key was found (erased) or remembered again since.
  while (!order_.empty() && !front_is_live())
    order_.pop_front();
  if (order_.empty()) return false;
  entries_.erase(order_.front().second);
  order_.pop_front();
  return true;
}

std::unordered_map<std::string, receipt_correlator::entry>::iterator receipt_correlator::lookup(
    std::string_view id) {
  const std::string key = normalise(id);
  auto it = entries_.find(key);
  if (it != entries_.end()) return it;
  const bool decimal = all_of(key, [](int c) { return std::isdigit(c); });
  const bool hex = all_of(key, [](int c) { return std::isxdigit(c); });
  if (decimal) {
    if (auto alt = other_base(key, true); !alt.empty())
      if (it = entries_.find(alt); it != entries_.end()) return it;
  }
  if (hex) {
    if (auto alt = other_base(key, false); !alt.empty())
      if (it = entries_.find(alt); it != entries_.end()) return it;
  }
  return entries_.end();
}

std::optional<receipt_origin> receipt_correlator::find(std::string_view message_id, bool final) {
  auto it = lookup(message_id);
  if (it == entries_.end()) return std::nullopt;
  receipt_origin origin = it->second.origin;
  if (final) entries_.erase(it);  // its order_ entry is dropped lazily
  return origin;
}

void receipt_correlator::expire(time_point now) {
  for (;;) {
    while (!order_.empty() && !front_is_live())
      order_.pop_front();
    if (order_.empty() || now - order_.front().first < max_age_) return;
    pop_front_entry();
  }
}

}  // namespace smsdrv::channel
