// One host's side of the account-wide rate limit (docs/scaling.md): tokens are leased from the
// shared GCRA (shared_gcra.hpp) in batches, so that a message costs no Redis round trip, and
// spent locally. Sans-I/O: every call takes the time; the owner sends the requests that
// request_due() asks for and reports their outcome.
//
// Contracts:
//  - At most one request is in flight. A request is due when there was demand (a try_take)
//    within the lease's lifetime, fewer than half a lease is held, and the store's last answer
//    does not say to wait: leases are refilled ahead of need and never while idle. After a
//    partial grant (the account is at its rate) the next request waits until half a lease has
//    accrued at the account's rate; after none, until the next token is due.
//  - A leased token is spent near its place in the account's schedule or not at all: it expires
//    `late_grace` after that place (the store says where the grant ends: gcra_grant::ahead_ns),
//    so that a host that stalls (a busy machine) cannot spend its lease late on top of the
//    tokens the others spend meanwhile; in any sliding second the account then sees at most
//    its rate, one lease and the grace's worth of the rate. Without the place, a token expires
//    `lease_ttl` after its grant.
//  - A failed request (error, timeout, no connection) switches to `fallback`: the held leases
//    are dropped and messages go through a local limiter at local_share_percent of the account
//    rate, starting without a burst (the shared tokens spent just before already count), so the
//    account sees at most its rate plus this host's share. The store is tried
//    again every retry_after_failure; the first grant switches back to `shared`.
//  - The request that brings the share back carries a debit: the local tokens spent in the last
//    second, which the store puts on the account's schedule before it grants anything
//    (gcra_take). The account pays for them then, so that the hosts still on their share
//    (their retries are not in step) and the hosts back on the shared limit together stay
//    within the account's rate plus one lease in any sliding second.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

#include "flow/rate_limit.hpp"

namespace smsdrv::flow {

struct lease_settings {
  std::uint32_t account_rate = 10;         // messages per second over every host of the account
  std::uint32_t lease_size = 20;           // tokens asked for at once; also the account's burst
  std::uint32_t local_share_percent = 50;  // of account_rate, while the store is unreachable
  std::chrono::milliseconds lease_ttl{1000};
  std::chrono::milliseconds late_grace{10};
  std::chrono::milliseconds retry_after_failure{1000};
};

enum class lease_mode : std::uint8_t { shared, fallback };

struct lease_stats {
  std::uint64_t requests = 0;         // round trips to the store
  std::uint64_t requests_failed = 0;  // errors and timeouts
  std::uint64_t tokens_granted = 0;
  std::uint64_t tokens_taken = 0;    // spent from leases
  std::uint64_t tokens_expired = 0;  // leased, never spent (expired, or dropped on failure)
  std::uint64_t local_taken = 0;     // spent through the local share in fallback
  std::uint64_t tokens_debited = 0;  // of those, put on the account's schedule on return
  std::uint64_t fallbacks = 0;       // switches to fallback
};

class lease_manager {
 public:
  using time_point = token_bucket::time_point;

  lease_manager(const lease_settings& settings, time_point now);

  // Takes one token for a message at `now`, from a lease or (fallback) the local share.
  bool try_take(time_point now);
  // The number of tokens to ask the store for now (the request is then in flight), or nullopt.
  // 0 asks nothing but whether the store answers: the probe of fallback mode without demand.
  std::optional<std::uint32_t> request_due(time_point now);
  // The debit of the request in flight: local tokens the store puts on the schedule first.
  std::uint32_t request_debit() const noexcept { return debit_; }
  // The store's answer to the request in flight: `granted` tokens, the next one due after
  // `retry_after`, the schedule `ahead` of now after the grant (unknown: nullopt).
  void on_granted(std::uint32_t granted, std::chrono::microseconds retry_after, time_point now,
                  std::optional<std::chrono::microseconds> ahead = std::nullopt);
  // The request in flight failed (error, timeout, connection lost).
  void on_failed(time_point now);

  // When the owner must call again (a lease expiring, a request becoming due, the local
  // limiter's next token): time_point::max() when nothing is pending.
  time_point next_deadline(time_point now) const;
  // When try_take() may succeed without a new grant (fallback: the local limiter's answer).
  std::optional<time_point> next_local_token(time_point now) const;

  lease_mode mode() const noexcept { return mode_; }
  // True once after each change of mode.
  bool take_mode_change() noexcept { return std::exchange(mode_changed_, false); }
  bool request_in_flight() const noexcept { return in_flight_; }
  std::uint32_t held(time_point now);
  const lease_stats& stats() const noexcept { return stats_; }
  const lease_settings& settings() const noexcept { return settings_; }
  std::uint32_t local_rate() const noexcept { return local_.rate(); }

 private:
  struct lease {
    std::uint32_t left;
    time_point expires;                   // of its first token
    std::chrono::nanoseconds spacing{0};  // between its tokens' expiries
  };
  void expire(time_point now);
  void drop_leases();
  bool recent_demand(time_point now) const noexcept;
  bool wants_request(time_point now) const noexcept;
  std::uint32_t low_water() const noexcept;

  lease_settings settings_;
  std::deque<lease> leases_;  // oldest first
  std::uint32_t held_ = 0;
  rate_limit local_;
  sliding_second local_spent_{1};  // the local share's tokens of the last second
  std::uint32_t debit_ = 0;
  lease_mode mode_ = lease_mode::shared;
  bool mode_changed_ = false;
  bool in_flight_ = false;
  std::uint32_t asked_ = 0;
  time_point last_demand_;
  bool had_demand_ = false;
  time_point not_before_;  // no request before this (the store said wait, or it failed)
  lease_stats stats_;
};

}  // namespace smsdrv::flow
