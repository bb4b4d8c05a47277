// One channel's counters and gauges (docs/metrics.md). channel_core updates them on the I/O
// thread; driver_instance counts accepted requests on the host's send() thread; a snapshot may
// be taken from any thread at any time. Counters are relaxed atomics: a snapshot is not one
// instant across counters, but every counter in it is exact and none ever goes down.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace smsdrv::channel {

// Upper bounds (seconds) of the buckets of smsdrv_response_latency_seconds; a last bucket
// (+Inf) takes the rest.
inline constexpr std::array<double, 14> latency_bucket_bounds = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0};

// Labelled counters keep at most this many label values; further ones count as "other", so
// that an SMSC inventing statuses cannot grow the driver's memory.
inline constexpr std::size_t max_label_values = 64;

// A channel of several binds (x-smpp-sessions, at most this many) counts some figures per bind
// too. The bind's index (from 0) travels in the top bits of a submission's tag.
inline constexpr std::size_t max_sessions = 64;
inline constexpr unsigned session_tag_shift = 56;
constexpr std::uint64_t session_tag(std::uint64_t tag, std::uint32_t session) noexcept {
  return tag | (std::uint64_t{session} << session_tag_shift);
}

struct session_snapshot {
  bool link_up = false;
  std::uint64_t binds = 0;
  std::uint64_t submit_sent = 0;
  std::int64_t submit_in_flight = 0;
  std::uint64_t inbound_unacked = 0;
};

struct metrics_snapshot {
  using labelled = std::vector<std::pair<std::string, std::uint64_t>>;  // sorted by label

  std::uint64_t requests_accepted = 0;
  std::uint64_t requests_succeeded = 0;
  std::uint64_t requests_moved = 0;  // handed to the channel's x-failover-channel
  labelled requests_failed;          // by status: ESME_* (the SMSC refused) or SMSDRV_E_*
  std::uint64_t submit_sent = 0;
  std::uint64_t submit_acknowledged = 0;
  labelled submit_failed;  // by command_status name, "no-response" or "link-lost"
  std::uint64_t submit_throttled = 0;
  std::uint64_t submit_retried = 0;
  std::int64_t submit_in_flight = 0;
  std::uint64_t inbound = 0;
  std::uint64_t inbound_unacked = 0;   // inbound events waiting for the host's ack
  std::uint64_t inbound_deferred = 0;  // deliver_sm answered ESME_RX_T_APPN: the host's share full
  labelled delivery_reports;           // by stat: DELIVRD, UNDELIV, ...
  std::uint64_t reconnects = 0;
  std::uint64_t binds = 0;
  bool link_up = false;  // any bind of the channel bound
  // A channel of several binds: each one's figures (index = session - 1); empty otherwise.
  std::vector<session_snapshot> sessions;
  // x-shared-limits-redis-url set: whether the account's shared rate is unreachable and the
  // channel sends at its local share, and how often that began.
  bool shared_limits = false;
  bool shared_limit_fallback = false;
  std::uint64_t shared_limit_fallbacks = 0;
  // Per bucket (not cumulative), the last one for values above every bound.
  std::array<std::uint64_t, latency_bucket_bounds.size() + 1> latency_buckets{};
  std::uint64_t latency_count = 0;  // the sum of latency_buckets
  double latency_sum_seconds = 0;
};

class channel_metrics {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  channel_metrics() = default;
  channel_metrics(const channel_metrics&) = delete;
  channel_metrics& operator=(const channel_metrics&) = delete;

  // Before the channel starts: how many binds it opens (x-smpp-sessions), and whether it uses the
  // account's shared rate.
  void set_sessions(std::uint32_t n) noexcept {
    sessions_ = std::clamp<std::uint32_t>(n, 1, max_sessions);
  }
  void set_shared_limits() noexcept { shared_limits_ = true; }

  // ---- the host's send() thread, or the I/O thread ----
  // A request addressed to this channel by send(), or handed to it by a channel whose
  // x-failover-channel it is.
  void request_accepted() noexcept { add(requests_accepted_); }
  // A request accepted for this channel went to its x-failover-channel, which answers it (the
  // other channel counts it as accepted too, and its outcome).
  void request_moved() noexcept { add(requests_moved_); }

  // ---- the channel's I/O thread ----
  // A submit_sm with this tag was written (again, when retried is true). The tag names its bind
  // (session_tag()).
  void submit_sent(std::uint64_t tag, time_point now, bool retried = false);
  // Its submit_sm_resp (or generic_nack) came.
  void submit_answered(std::uint64_t tag, std::uint32_t command_status, bool generic_nack,
                       time_point now);
  // It got no answer: timed out (lost false) or the link went down first (lost true).
  void submit_unanswered(std::uint64_t tag, bool lost);
  // An HTTP gateway answered it with a refusal, counted under `label` ("HTTP_503"); throttled:
  // the gateway asked us to slow down (429, 503).
  void submit_refused(std::uint64_t tag, std::string_view label, bool throttled, time_point now);
  // A request got its RESPONSE: status SMSDRV_OK, or the failure; smpp_status names the
  // SMSC's refusal (ESME_RINVDSTADR) when there was one.
  void request_answered(std::int32_t status, std::string_view smpp_status);
  void inbound_delivered() noexcept { add(inbound_); }
  // Of one bind (session, from 0); the channel's figure is the sum.
  void inbound_unacked(std::size_t n, std::uint32_t session = 0) noexcept {
    per_session_[session % max_sessions].inbound_unacked.store(n, std::memory_order_relaxed);
  }
  void inbound_deferred() noexcept { add(inbound_deferred_); }
  void delivery_report(std::string_view stat);
  // A bind (session, from 0) came up or went down; the channel's link is up while any is.
  void link_bound(std::uint32_t session = 0) noexcept;
  void link_down(std::uint32_t session = 0) noexcept {
    bound_mask_.fetch_and(~(std::uint64_t{1} << (session % max_sessions)),
                          std::memory_order_relaxed);
  }
  // The account's shared rate switched to the local share (fallback true) or back.
  void shared_limit_mode(bool fallback) noexcept;
  void reconnect_scheduled() noexcept { add(reconnects_); }

  // ---- any thread ----
  metrics_snapshot snapshot() const;

 private:
  static void add(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) noexcept {
    c.fetch_add(n, std::memory_order_relaxed);
  }
  void count(std::map<std::string, std::uint64_t, std::less<>>& m, std::string_view label);
  void record_latency(std::uint64_t tag, time_point now);
  void answered(std::uint64_t tag) noexcept;

  struct session_counters {
    std::atomic<std::uint64_t> binds{0};
    std::atomic<std::uint64_t> submit_sent{0};
    std::atomic<std::int64_t> submit_in_flight{0};
    std::atomic<std::uint64_t> inbound_unacked{0};
  };
  static std::uint32_t session_of(std::uint64_t tag) noexcept {
    return static_cast<std::uint32_t>((tag >> session_tag_shift) % max_sessions);
  }

  std::atomic<std::uint64_t> requests_accepted_{0};
  std::atomic<std::uint64_t> requests_succeeded_{0};
  std::atomic<std::uint64_t> requests_moved_{0};
  std::atomic<std::uint64_t> submit_sent_{0};
  std::atomic<std::uint64_t> submit_acknowledged_{0};
  std::atomic<std::uint64_t> submit_throttled_{0};
  std::atomic<std::uint64_t> submit_retried_{0};
  std::atomic<std::int64_t> submit_in_flight_{0};
  std::atomic<std::uint64_t> inbound_{0};
  std::atomic<std::uint64_t> inbound_deferred_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> binds_{0};
  std::atomic<std::uint64_t> bound_mask_{0};  // bit i: session i bound
  std::array<session_counters, max_sessions> per_session_{};
  std::uint32_t sessions_ = 1;
  bool shared_limits_ = false;
  std::atomic<bool> shared_limit_fallback_{false};
  std::atomic<std::uint64_t> shared_limit_fallbacks_{0};
  std::array<std::atomic<std::uint64_t>, latency_bucket_bounds.size() + 1> latency_buckets_{};
  std::atomic<std::uint64_t> latency_sum_ns_{0};

  mutable std::mutex labelled_mutex_;  // the labelled counters: rare events
  std::map<std::string, std::uint64_t, std::less<>> requests_failed_;
  std::map<std::string, std::uint64_t, std::less<>> submit_failed_;
  std::map<std::string, std::uint64_t, std::less<>> delivery_reports_;

  // I/O thread only: when each outstanding submit_sm was written, by tag. Entries of answered
  // submissions are kept in spare_nodes_ and reused, so a submission allocates nothing once as
  // many are outstanding as ever were (spare_nodes_ holds at most that many).
  using sent_map = std::unordered_map<std::uint64_t, time_point>;
  sent_map sent_at_;
  std::vector<sent_map::node_type> spare_nodes_;
  void forget_sent(sent_map::iterator it);
};

}  // namespace smsdrv::channel
