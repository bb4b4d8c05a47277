#include "abi/metrics_export.hpp"

#include "abi/struct_prefix.hpp"

#include <fmt/format.h>

namespace smsdrv::abi {
namespace {

using channel::metrics_snapshot;

// One family: its name, kind and meaning (docs/metrics.md lists the same).
struct family {
  const char* name;
  smsdrv_metric_kind kind;
  const char* help;
};

constexpr family requests_accepted{
    "smsdrv_requests_accepted_total", SMSDRV_METRIC_COUNTER,
    "SendSMS requests accepted by send() for this channel, or handed to it by a channel whose "
    "x-failover-channel it is"};
constexpr family requests_succeeded{"smsdrv_requests_succeeded_total", SMSDRV_METRIC_COUNTER,
                                    "requests answered positively (every segment accepted)"};
constexpr family requests_failed{
    "smsdrv_requests_failed_total", SMSDRV_METRIC_COUNTER,
    "requests answered negatively, by status: the SMSC's ESME_* refusal, else SMSDRV_E_*"};
constexpr family requests_moved{
    "smsdrv_requests_moved_total", SMSDRV_METRIC_COUNTER,
    "requests of this channel handed to its x-failover-channel, which answers them"};
constexpr family submit_sent{"smsdrv_submit_sm_sent_total", SMSDRV_METRIC_COUNTER,
                             "submit_sm PDUs written to the SMSC (one per segment and attempt)"};
constexpr family submit_acknowledged{"smsdrv_submit_sm_acknowledged_total", SMSDRV_METRIC_COUNTER,
                                     "submit_sm answered by a submit_sm_resp with ESME_ROK"};
constexpr family submit_failed{
    "smsdrv_submit_sm_failed_total", SMSDRV_METRIC_COUNTER,
    "submit_sm not accepted, by status: the command_status of the answer (a generic_nack "
    "without one counts as ESME_RINVCMDID), no-response or link-lost"};
constexpr family submit_throttled{"smsdrv_submit_sm_throttled_total", SMSDRV_METRIC_COUNTER,
                                  "submit_sm answered ESME_RTHROTTLED"};
constexpr family submit_retried{"smsdrv_submit_sm_retried_total", SMSDRV_METRIC_COUNTER,
                                "submit_sm written again for a segment already tried"};
constexpr family submit_in_flight{"smsdrv_submit_sm_in_flight", SMSDRV_METRIC_GAUGE,
                                  "submit_sm written and not yet answered"};
constexpr family queue_depth{
    "smsdrv_queue_depth", SMSDRV_METRIC_GAUGE,
    "requests accepted and not yet answered (x-smpp-queue-size bounds it)"};
constexpr family queue_capacity{"smsdrv_queue_capacity", SMSDRV_METRIC_GAUGE,
                                "x-smpp-queue-size: most requests accepted and not yet answered"};
constexpr family inbound{"smsdrv_inbound_total", SMSDRV_METRIC_COUNTER,
                         "inbound messages handed to the host (a long message counts once)"};
constexpr family inbound_unacked{
    "smsdrv_inbound_unacked", SMSDRV_METRIC_GAUGE,
    "inbound messages and delivery reports waiting for the host's acknowledgement "
    "(x-smpp-inbound-max-unacked bounds it)"};
constexpr family inbound_deferred{
    "smsdrv_inbound_deferred_total", SMSDRV_METRIC_COUNTER,
    "deliver_sm answered ESME_RX_T_APPN because the host held x-smpp-inbound-max-unacked "
    "messages (the SMSC delivers them again)"};
constexpr family delivery_reports{"smsdrv_delivery_reports_total", SMSDRV_METRIC_COUNTER,
                                  "delivery reports handed to the host, by state (stat)"};
constexpr family binds{"smsdrv_binds_total", SMSDRV_METRIC_COUNTER, "successful binds"};
constexpr family reconnects{
    "smsdrv_reconnects_total", SMSDRV_METRIC_COUNTER,
    "reconnections scheduled because the link was lost, could not be made or was refused"};
constexpr family link_up{"smsdrv_link_up", SMSDRV_METRIC_GAUGE,
                         "1 while the channel is bound to its SMSC, else 0"};
constexpr family session_link_up{
    "smsdrv_session_link_up", SMSDRV_METRIC_GAUGE,
    "a channel of several binds (x-smpp-sessions): 1 while this bind is bound, else 0"};
constexpr family session_binds{"smsdrv_session_binds_total", SMSDRV_METRIC_COUNTER,
                               "a channel of several binds: successful binds of this session"};
constexpr family session_submit_sent{
    "smsdrv_session_submit_sm_sent_total", SMSDRV_METRIC_COUNTER,
    "a channel of several binds: submit_sm PDUs written on this bind"};
constexpr family session_submit_in_flight{
    "smsdrv_session_submit_sm_in_flight", SMSDRV_METRIC_GAUGE,
    "a channel of several binds: submit_sm written on this bind and not yet answered"};
constexpr family session_inbound_unacked{
    "smsdrv_session_inbound_unacked", SMSDRV_METRIC_GAUGE,
    "a channel of several binds: inbound messages of this bind waiting for the host's "
    "acknowledgement"};
constexpr family shared_limit_fallback{
    "smsdrv_shared_limit_fallback", SMSDRV_METRIC_GAUGE,
    "x-shared-limits-redis-url set: 1 while Redis is unreachable and the channel sends at "
    "x-shared-limits-local-share of the account's rate, else 0"};
constexpr family shared_limit_fallbacks{
    "smsdrv_shared_limit_fallbacks_total", SMSDRV_METRIC_COUNTER,
    "x-shared-limits-redis-url set: times the channel fell back to its local share"};
constexpr family latency{"smsdrv_response_latency_seconds", SMSDRV_METRIC_HISTOGRAM,
                         "time from writing a submit_sm to reading its answer"};
constexpr const char* latency_bucket = "smsdrv_response_latency_seconds_bucket";
constexpr const char* latency_sum = "smsdrv_response_latency_seconds_sum";
constexpr const char* latency_count = "smsdrv_response_latency_seconds_count";

// "0.001" ... "30", then "+Inf": the le labels of the latency buckets.
const std::vector<std::string>& bucket_labels() {
  static const std::vector<std::string> labels = [] {
    std::vector<std::string> v;
    for (double b : channel::latency_bucket_bounds)
      v.push_back(fmt::format("{}", b));
    v.emplace_back("+Inf");
    return v;
  }();
  return labels;
}

}  // namespace

void metrics_export::fill(std::span<const channel_metrics_source> channels, smsdrv_metrics& out) {
  std::vector<metrics_snapshot> snaps;
  std::vector<double> depths;
  snaps.reserve(channels.size());
  for (const channel_metrics_source& c : channels) {
    snaps.push_back(c.metrics->snapshot());
    depths.push_back(
        c.queue_depth ? static_cast<double>(c.queue_depth->load(std::memory_order_relaxed)) : 0);
  }
  strings_.clear();
  samples_.clear();
  pointers_.clear();

  auto add = [&](const family& f, const char* name, std::size_t ch, const char* label_name,
                 const char* label_value, double value) {
    smsdrv_metric m{};
    m.struct_size = sizeof m;
    m.kind = f.kind;
    m.family = f.name;
    m.name = name;
    m.help = f.help;
    m.channel = channels[ch].channel.c_str();
    m.label_name = label_name;
    m.label_value = label_value;
    m.value = value;
    samples_.push_back(m);
  };
  auto plain = [&](const family& f, auto value_of) {
    for (std::size_t ch = 0; ch < channels.size(); ++ch)
      add(f, f.name, ch, "", "", static_cast<double>(value_of(ch)));
  };
  auto labelled = [&](const family& f, const char* label,
                      metrics_snapshot::labelled metrics_snapshot::*member) {
    for (std::size_t ch = 0; ch < channels.size(); ++ch)
      for (const auto& [value, n] : snaps[ch].*member)
        add(f, f.name, ch, label, strings_.emplace_back(value).c_str(), static_cast<double>(n));
  };

  plain(requests_accepted, [&](std::size_t c) { return snaps[c].requests_accepted; });
  plain(requests_succeeded, [&](std::size_t c) { return snaps[c].requests_succeeded; });
  labelled(requests_failed, "status", &metrics_snapshot::requests_failed);
  plain(requests_moved, [&](std::size_t c) { return snaps[c].requests_moved; });
  plain(submit_sent, [&](std::size_t c) { return snaps[c].submit_sent; });
  plain(submit_acknowledged, [&](std::size_t c) { return snaps[c].submit_acknowledged; });
  labelled(submit_failed, "status", &metrics_snapshot::submit_failed);
  plain(submit_throttled, [&](std::size_t c) { return snaps[c].submit_throttled; });
  plain(submit_retried, [&](std::size_t c) { return snaps[c].submit_retried; });
  plain(submit_in_flight, [&](std::size_t c) { return snaps[c].submit_in_flight; });
  plain(queue_depth, [&](std::size_t c) { return depths[c]; });
  plain(queue_capacity, [&](std::size_t c) { return channels[c].queue_capacity; });
  plain(inbound, [&](std::size_t c) { return snaps[c].inbound; });
  plain(inbound_unacked, [&](std::size_t c) { return snaps[c].inbound_unacked; });
  plain(inbound_deferred, [&](std::size_t c) { return snaps[c].inbound_deferred; });
  labelled(delivery_reports, "state", &metrics_snapshot::delivery_reports);
  plain(binds, [&](std::size_t c) { return snaps[c].binds; });
  plain(reconnects, [&](std::size_t c) { return snaps[c].reconnects; });
  plain(link_up, [&](std::size_t c) { return snaps[c].link_up ? 1 : 0; });
  // Per session, only for channels of several binds; the label value is the session (from 1).
  auto per_session = [&](const family& f, auto value_of) {
    for (std::size_t ch = 0; ch < channels.size(); ++ch)
      for (std::size_t i = 0; i < snaps[ch].sessions.size(); ++i)
        add(f, f.name, ch, "session", strings_.emplace_back(std::to_string(i + 1)).c_str(),
            static_cast<double>(value_of(snaps[ch].sessions[i])));
  };
  using ss = channel::session_snapshot;
  per_session(session_link_up, [](const ss& s) { return s.link_up ? 1 : 0; });
  per_session(session_binds, [](const ss& s) { return s.binds; });
  per_session(session_submit_sent, [](const ss& s) { return s.submit_sent; });
  per_session(session_submit_in_flight, [](const ss& s) { return s.submit_in_flight; });
  per_session(session_inbound_unacked, [](const ss& s) { return s.inbound_unacked; });
  // Only for channels that share the account's rate through Redis.
  auto shared = [&](const family& f, auto value_of) {
    for (std::size_t ch = 0; ch < channels.size(); ++ch)
      if (snaps[ch].shared_limits) add(f, f.name, ch, "", "", static_cast<double>(value_of(ch)));
  };
  shared(shared_limit_fallback, [&](std::size_t c) { return snaps[c].shared_limit_fallback; });
  shared(shared_limit_fallbacks, [&](std::size_t c) { return snaps[c].shared_limit_fallbacks; });
  const auto& les = bucket_labels();
  for (std::size_t ch = 0; ch < channels.size(); ++ch) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < les.size(); ++b) {
      cumulative += snaps[ch].latency_buckets[b];
      add(latency, latency_bucket, ch, "le", les[b].c_str(), static_cast<double>(cumulative));
    }
    add(latency, latency_sum, ch, "", "", snaps[ch].latency_sum_seconds);
    add(latency, latency_count, ch, "", "", static_cast<double>(snaps[ch].latency_count));
  }

  pointers_.reserve(samples_.size() + 1);
  for (const smsdrv_metric& m : samples_)
    pointers_.push_back(&m);
  pointers_.push_back(nullptr);
  smsdrv_metrics filled{};
  filled.count = static_cast<std::uint32_t>(samples_.size());
  filled.samples = pointers_.data();
  fill_prefix(filled, out);
}

}  // namespace smsdrv::abi
