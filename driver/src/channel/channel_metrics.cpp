#include "channel/channel_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "smpp/command_status.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::channel {
namespace {

namespace cs = smpp::command_status;

std::string_view driver_status_name(std::int32_t status) noexcept {
  switch (status) {
#define SMSDRV_METRICS_STATUS_NAME_(name, value, message) \
  case value:                                             \
    return "SMSDRV_" #name;
    SMSDRV_STATUS_MAP(SMSDRV_METRICS_STATUS_NAME_)
#undef SMSDRV_METRICS_STATUS_NAME_
  }
  return "SMSDRV_E_UNKNOWN";
}

// The receipt states of SMPP v3.4 §5.2.28 as the "stat" word of Appendix B.
constexpr std::string_view known_stats[] = {"ENROUTE", "DELIVRD", "EXPIRED", "DELETED",
                                            "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD"};

metrics_snapshot::labelled copy_of(const std::map<std::string, std::uint64_t, std::less<>>& m) {
  return {m.begin(), m.end()};
}

}  // namespace

void channel_metrics::count(std::map<std::string, std::uint64_t, std::less<>>& m,
                            std::string_view label) {
  std::lock_guard lock(labelled_mutex_);
  auto it = m.find(label);
  if (it == m.end()) {
    if (m.size() >= max_label_values) label = "other";
    it = m.try_emplace(std::string(label), 0).first;
  }
  ++it->second;
}

void channel_metrics::answered(std::uint64_t tag) noexcept {
  submit_in_flight_.fetch_sub(1, std::memory_order_relaxed);
  per_session_[session_of(tag)].submit_in_flight.fetch_sub(1, std::memory_order_relaxed);
}

void channel_metrics::submit_sent(std::uint64_t tag, time_point now, bool retried) {
  add(submit_sent_);
  if (retried) add(submit_retried_);
  submit_in_flight_.fetch_add(1, std::memory_order_relaxed);
  session_counters& sc = per_session_[session_of(tag)];
  add(sc.submit_sent);
  sc.submit_in_flight.fetch_add(1, std::memory_order_relaxed);
  if (spare_nodes_.empty()) {
    sent_at_.insert_or_assign(tag, now);
    return;
  }
  sent_map::node_type node = std::move(spare_nodes_.back());
  spare_nodes_.pop_back();
  node.key() = tag;
  node.mapped() = now;
  auto [it, inserted, unused] = sent_at_.insert(std::move(node));
  if (!inserted) {
    it->second = now;
    spare_nodes_.push_back(std::move(unused));
  }
}

void channel_metrics::forget_sent(sent_map::iterator it) {
  spare_nodes_.push_back(sent_at_.extract(it));
}

void channel_metrics::record_latency(std::uint64_t tag, time_point now) {
  auto it = sent_at_.find(tag);
  if (it == sent_at_.end()) return;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - it->second);
  forget_sent(it);
  const double seconds = static_cast<double>(ns.count()) / 1e9;
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(latency_bucket_bounds.begin(), latency_bucket_bounds.end(), seconds) -
      latency_bucket_bounds.begin());
  add(latency_buckets_[bucket]);
  add(latency_sum_ns_, static_cast<std::uint64_t>(std::max<std::int64_t>(ns.count(), 0)));
}

void channel_metrics::submit_answered(std::uint64_t tag, std::uint32_t command_status,
                                      bool generic_nack, time_point now) {
  answered(tag);
  record_latency(tag, now);
  if (command_status == cs::esme_rok && !generic_nack) {
    add(submit_acknowledged_);
    return;
  }
  const std::uint32_t st = command_status != cs::esme_rok ? command_status : cs::esme_rinvcmdid;
  if (st == cs::esme_rthrottled) add(submit_throttled_);
  const std::string_view name = smpp::status_name(st);
  count(submit_failed_, name.empty() ? fmt::format("0x{:08X}", st) : std::string(name));
}

void channel_metrics::submit_refused(std::uint64_t tag, std::string_view label, bool throttled,
                                     time_point now) {
  answered(tag);
  record_latency(tag, now);
  if (throttled) add(submit_throttled_);
  count(submit_failed_, label);
}

void channel_metrics::submit_unanswered(std::uint64_t tag, bool lost) {
  answered(tag);
  if (auto it = sent_at_.find(tag); it != sent_at_.end()) forget_sent(it);
  count(submit_failed_, lost ? "link-lost" : "no-response");
}

void channel_metrics::request_answered(std::int32_t status, std::string_view smpp_status) {
  if (status == SMSDRV_OK) {
    add(requests_succeeded_);
    return;
  }
  count(requests_failed_, !smpp_status.empty() ? smpp_status : driver_status_name(status));
}

void channel_metrics::delivery_report(std::string_view stat) {
  const bool known =
      std::find(std::begin(known_stats), std::end(known_stats), stat) != std::end(known_stats);
  count(delivery_reports_, known ? stat : "other");
}

void channel_metrics::link_bound(std::uint32_t session) noexcept {
  add(binds_);
  add(per_session_[session % max_sessions].binds);
  bound_mask_.fetch_or(std::uint64_t{1} << (session % max_sessions), std::memory_order_relaxed);
}

void channel_metrics::shared_limit_mode(bool fallback) noexcept {
  if (!shared_limit_fallback_.exchange(fallback, std::memory_order_relaxed) && fallback)
    add(shared_limit_fallbacks_);
}

metrics_snapshot channel_metrics::snapshot() const {
  const auto get = [](const std::atomic<std::uint64_t>& c) {
    return c.load(std::memory_order_relaxed);
  };
  metrics_snapshot s;
  s.requests_accepted = get(requests_accepted_);
  s.requests_succeeded = get(requests_succeeded_);
  s.requests_moved = get(requests_moved_);
  s.submit_sent = get(submit_sent_);
  s.submit_acknowledged = get(submit_acknowledged_);
  s.submit_throttled = get(submit_throttled_);
  s.submit_retried = get(submit_retried_);
  s.submit_in_flight = std::max<std::int64_t>(submit_in_flight_.load(std::memory_order_relaxed), 0);
  s.inbound = get(inbound_);
  s.inbound_deferred = get(inbound_deferred_);
  s.reconnects = get(reconnects_);
  s.binds = get(binds_);
  const std::uint64_t bound = bound_mask_.load(std::memory_order_relaxed);
  s.link_up = bound != 0;
  for (std::size_t i = 0; i < max_sessions; ++i)
    s.inbound_unacked += get(per_session_[i].inbound_unacked);
  if (sessions_ > 1) {
    s.sessions.resize(sessions_);
    for (std::size_t i = 0; i < sessions_; ++i) {
      const session_counters& c = per_session_[i];
      session_snapshot& o = s.sessions[i];
      o.link_up = (bound >> i) & 1;
      o.binds = get(c.binds);
      o.submit_sent = get(c.submit_sent);
      o.submit_in_flight =
          std::max<std::int64_t>(c.submit_in_flight.load(std::memory_order_relaxed), 0);
      o.inbound_unacked = get(c.inbound_unacked);
    }
  }
  s.shared_limits = shared_limits_;
  s.shared_limit_fallback = shared_limit_fallback_.load(std::memory_order_relaxed);
  s.shared_limit_fallbacks = get(shared_limit_fallbacks_);
  for (std::size_t i = 0; i < latency_buckets_.size(); ++i) {
    s.latency_buckets[i] = get(latency_buckets_[i]);
    s.latency_count += s.latency_buckets[i];
  }
  s.latency_sum_seconds = static_cast<double>(get(latency_sum_ns_)) / 1e9;
  std::lock_guard lock(labelled_mutex_);
  s.requests_failed = copy_of(requests_failed_);
  s.submit_failed = copy_of(submit_failed_);
  s.delivery_reports = copy_of(delivery_reports_);
  return s;
}

}  // namespace smsdrv::channel
