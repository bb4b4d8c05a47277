// One host's side of the account-wide window (x-shared-limits-window, docs/scaling.md): the
// number of submissions outstanding (written, not yet answered) over every host and bind of an
// SMSC account. Each host claims slots of the window from the store (window_claim_script) in
// small batches and uses one per submission it writes; a slot comes back when the submission is
// answered, times out or its link is lost (the owner counts what is outstanding: `in_use`).
// Sans-I/O: every call takes the time and what is in use; the owner sends the claims that
// claim_due() asks for and reports their outcome.
//
// Contracts:
//  - A claim names the number of slots the host wants to hold in all (its target), never fewer
//    than it has in use. The store grants at most what keeps the sum over the hosts within the
//    window, and records the host's holding with an expiry (`slot_ttl`), so that the slots of a
//    host that dies come back after it. A host refreshes its holding every slot_ttl / 3 while
//    it holds any.
//  - Shared mode: try_take() allows a write while in_use < held. A refused write asks for a
//    batch more (target in_use + batch, at most the window); a claim that brings fewer than
//    asked is asked again after `poll` while writes wait. Slots held beyond in_use + batch are
//    given back, and all unused ones once no write was refused or allowed for `idle`.
//  - At most one claim is in flight; while it is, the host uses at most the smaller of what it
//    holds and what it asked for, so that slots given back are not used meanwhile. A failed claim
//    (error, timeout, no connection) switches to `fallback`: the host writes while in_use <
//    local_share_percent of the window (at least 1) and tries the store again every
//    retry_after_failure. The claim that brings the store back records at least what is in use then
//    (its `floor`), even above the window: those submissions are out, and the other hosts get no
//    slot until enough of them are answered. While hosts are on their local share, the account may
//    see the window plus the shares of the hosts in fallback, less what they hold in the store;
//    never more.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace smsdrv::flow {

struct window_settings {
  std::uint32_t window = 8;  // submissions outstanding over every host
  std::uint32_t batch = 0;   // slots claimed at once; 0: a quarter of the window, 1 to 50
  std::uint32_t local_share_percent = 50;  // of the window, while the store is unreachable
  std::chrono::milliseconds slot_ttl{3000};
  std::chrono::milliseconds poll{20};
  std::chrono::milliseconds idle{1000};
  std::chrono::milliseconds retry_after_failure{1000};
};

enum class window_mode : std::uint8_t { shared, fallback };

struct window_claim {
  std::uint32_t target = 0;  // slots to hold in all
  std::uint32_t floor = 0;   // recorded even above the window: in use now
};

struct window_stats {
  std::uint64_t claims = 0;         // round trips to the store
  std::uint64_t claims_failed = 0;  // errors and timeouts
  std::uint64_t refused = 0;        // writes refused for want of a slot
  std::uint64_t fallbacks = 0;      // switches to fallback
};

class window_slots {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit window_slots(const window_settings& settings);

  // One write at `now` with `in_use` submissions outstanding on this host.
  bool try_take(std::uint32_t in_use, time_point now);
  // The claim to send now (it is then in flight), or nullopt.
  std::optional<window_claim> claim_due(std::uint32_t in_use, time_point now);
  // The store's answer: the host holds `granted` slots.
  void on_granted(std::uint32_t granted, time_point now);
  void on_failed(time_point now);

  // When the owner must call claim_due() again: time_point::max() when nothing is pending; at
  // most `poll` ahead while a write waits.
  time_point next_deadline(std::uint32_t in_use, time_point now) const;

  window_mode mode() const noexcept { return mode_; }
  // True once after each change of mode.
  bool take_mode_change() noexcept { return std::exchange(mode_changed_, false); }
  bool claim_in_flight() const noexcept { return in_flight_; }
  std::uint32_t held() const noexcept { return held_; }
  std::uint32_t local_share() const noexcept;
  // Submissions this host may have outstanding now: the slots held, or (fallback) its share.
  std::uint32_t limit() const noexcept;
  // A write was refused and not allowed since: the owner wakes the writers when this changes.
  bool waiting() const noexcept { return waiting_; }
  // The writers were told to try again (they ask try_take() anew).
  void not_waiting() noexcept { waiting_ = false; }
  const window_stats& stats() const noexcept { return stats_; }
  const window_settings& settings() const noexcept { return settings_; }

 private:
  std::optional<std::uint32_t> wanted(std::uint32_t in_use, time_point now) const;

  window_settings settings_;
  window_mode mode_ = window_mode::shared;
  bool mode_changed_ = false;
  bool in_flight_ = false;
  bool waiting_ = false;
  std::uint32_t held_ = 0;
  std::uint32_t asked_ = 0;
  time_point last_active_{};
  time_point last_claim_{};
  time_point not_before_{};  // no claim for more slots before this (poll, retry)
  window_stats stats_;
};

// KEYS[1]: the account's hash: per host, "s:<id>" the slots it holds and "e:<id>" when they
// expire (milliseconds on the Redis server's clock). ARGV: host id, target, floor, window,
// slot_ttl in ms. Expired hosts are removed first; then the host holds
// max(floor, min(target, window - the others' slots)) and its expiry is renewed (none held: its
// fields are removed). One key: atomic, and a Redis Cluster hash tag keeps it on one node.
// Returns {held, others}.
extern const std::string_view window_claim_script;

}  // namespace smsdrv::flow
