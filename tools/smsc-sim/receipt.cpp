#include "receipt.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace smsdrv::sim {
namespace {

struct stat_row {
  std::uint8_t state;
  std::string_view word;  // Appendix B
  std::string_view name;  // §5.2.28
};

constexpr std::array<stat_row, 8> stats{{
    {message_state::enroute, "ENROUTE", "enroute"},
    {message_state::delivered, "DELIVRD", "delivered"},
    {message_state::expired, "EXPIRED", "expired"},
    {message_state::deleted, "DELETED", "deleted"},
    {message_state::undeliverable, "UNDELIV", "undeliverable"},
    {message_state::accepted, "ACCEPTD", "accepted"},
    {message_state::unknown, "UNKNOWN", "unknown"},
    {message_state::rejected, "REJECTD", "rejected"},
}};

bool same_nocase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto low = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (low(a[i]) != low(b[i])) return false;
  }
  return true;
}

std::string yymmddhhmm(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:02}{:02}{:02}{:02}{:02}", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min);
}

}  // namespace

std::string_view stat_word(std::uint8_t state) noexcept {
  for (const stat_row& r : stats)
    if (r.state == state) return r.word;
  return "UNKNOWN";
}

bool parse_outcome(std::string_view text, receipt_outcome& out) noexcept {
  const auto colon = text.find(':');
  const std::string_view word = text.substr(0, colon);
  receipt_outcome o;
  bool found = false;
  for (const stat_row& r : stats) {
    if (same_nocase(word, r.word) || same_nocase(word, r.name)) {
      o.state = r.state;
      found = true;
    }
  }
  if (!found || o.state == message_state::enroute) return false;
  if (colon != std::string_view::npos) {
    const std::string_view err = text.substr(colon + 1);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(err.data(), err.data() + err.size(), v);
    if (ec != std::errc() || p != err.data() + err.size() || v > 999) return false;
    o.err = static_cast<std::uint16_t>(v);
  }
  out = o;
  return true;
}

std::string receipt_text(const receipt_fields& f) {
  const bool delivered = f.outcome.state == message_state::delivered;
  return fmt::format("id:{} sub:001 dlvrd:{} submit date:{} done date:{} stat:{} err:{:03} text:{}",
                     f.message_id, delivered ? "001" : "000", yymmddhhmm(f.submit_date),
                     yymmddhhmm(f.done_date), stat_word(f.outcome.state), f.outcome.err, f.text);
}

}  // namespace smsdrv::sim
