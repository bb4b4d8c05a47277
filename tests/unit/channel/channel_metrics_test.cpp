// One channel's counters: what each event adds, the latency histogram, bounded label sets.
#include "channel/channel_metrics.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "smpp/command_status.hpp"
#include "smsdrv/smsdrv.h"

using namespace smsdrv::channel;
using namespace std::chrono_literals;
namespace cs = smsdrv::smpp::command_status;

namespace {

std::uint64_t label(const metrics_snapshot::labelled& l, std::string_view name) {
  for (const auto& [k, v] : l)
    if (k == name) return v;
  return 0;
}

}  // namespace

TEST_CASE("metrics: submissions, answers, failures and the in-flight gauge") {
  channel_metrics m;
  const channel_metrics::time_point t0{std::chrono::hours(1)};
  m.submit_sent(1, t0);
  m.submit_sent(2, t0);
  m.submit_sent(3, t0);
  m.submit_sent(4, t0);
  m.submit_sent(5, t0, true);
  CHECK(m.snapshot().submit_in_flight == 5);
  m.submit_answered(1, cs::esme_rok, false, t0 + 3ms);
  m.submit_answered(2, cs::esme_rthrottled, false, t0 + 40ms);
  m.submit_answered(3, cs::esme_rok, true, t0 + 2s);  // generic_nack without a status
  m.submit_unanswered(4, false);
  m.submit_unanswered(5, true);
  const metrics_snapshot s = m.snapshot();
  CHECK(s.submit_sent == 5);
  CHECK(s.submit_retried == 1);
  CHECK(s.submit_acknowledged == 1);
  CHECK(s.submit_throttled == 1);
  CHECK(s.submit_in_flight == 0);
  CHECK(label(s.submit_failed, "ESME_RTHROTTLED") == 1);
  CHECK(label(s.submit_failed, "ESME_RINVCMDID") == 1);
  CHECK(label(s.submit_failed, "no-response") == 1);
  CHECK(label(s.submit_failed, "link-lost") == 1);
  // Three answers: 3 ms (bucket <= 0.005), 40 ms (<= 0.05), 2 s (<= 2.5); timeouts not timed.
  CHECK(s.latency_count == 3);
  CHECK(s.latency_sum_seconds == Approx(2.043));
  CHECK(s.latency_buckets[2] == 1);   // 0.005
  CHECK(s.latency_buckets[5] == 1);   // 0.05
  CHECK(s.latency_buckets[10] == 1);  // 2.5
  CHECK(s.latency_buckets.back() == 0);
}

TEST_CASE("metrics: a latency above every bound goes to +Inf; on a bound it counts below") {
  channel_metrics m;
  const channel_metrics::time_point t0{};
  m.submit_sent(1, t0);
  m.submit_answered(1, cs::esme_rok, false, t0 + 31s);
  m.submit_sent(2, t0);
  m.submit_answered(2, cs::esme_rok, false, t0 + 100ms);
  const auto s = m.snapshot();
  CHECK(s.latency_buckets.back() == 1);
  CHECK(s.latency_buckets[6] == 1);  // le="0.1" includes 0.1 itself
}

TEST_CASE("metrics: requests by outcome, reports by state, link and reconnects") {
  channel_metrics m;
  m.request_accepted();
  m.request_accepted();
  m.request_accepted();
  m.request_answered(SMSDRV_OK, {});
  m.request_answered(SMSDRV_E_SMSC_REJECTED, "ESME_RINVDSTADR");
  m.request_answered(SMSDRV_E_TIMEOUT, {});
  m.inbound_delivered();
  m.inbound_unacked(7);
  m.inbound_unacked(4);
  m.inbound_deferred();
  m.delivery_report("DELIVRD");
  m.delivery_report("DELIVRD");
  m.delivery_report("NONSENSE");
  m.link_bound();
  CHECK(m.snapshot().link_up);
  m.link_down();
  m.reconnect_scheduled();
  const auto s = m.snapshot();
  CHECK(s.requests_accepted == 3);
  CHECK(s.requests_succeeded == 1);
  CHECK(label(s.requests_failed, "ESME_RINVDSTADR") == 1);
  CHECK(label(s.requests_failed, "SMSDRV_E_TIMEOUT") == 1);
  CHECK(s.inbound == 1);
  CHECK(s.inbound_unacked == 4);  // a gauge
  CHECK(s.inbound_deferred == 1);
  CHECK(label(s.delivery_reports, "DELIVRD") == 2);
  CHECK(label(s.delivery_reports, "other") == 1);
  CHECK(s.binds == 1);
  CHECK(s.reconnects == 1);
  CHECK_FALSE(s.link_up);
}

TEST_CASE("metrics: an SMSC inventing statuses cannot grow the label set without bound") {
  channel_metrics m;
  for (std::uint32_t st = 0x400; st < 0x400 + 1000; ++st) {
    m.submit_sent(st, {});
    m.submit_answered(st, st, false, {});
  }
  const auto s = m.snapshot();
  CHECK(s.submit_failed.size() == max_label_values + 1);
  CHECK(label(s.submit_failed, "other") == 1000 - max_label_values);
  CHECK(label(s.submit_failed, "0x00000400") == 1);
}

TEST_CASE("metrics: a channel of several binds counts each bind and the channel over all") {
  channel_metrics m;
  m.set_sessions(3);
  const channel_metrics::time_point t0{std::chrono::hours(1)};
  m.link_bound(0);
  m.link_bound(2);
  // The same core tag on two binds: two submissions, each timed and answered on its own.
  m.submit_sent(session_tag(0x100, 0), t0);
  m.submit_sent(session_tag(0x100, 2), t0 + 1ms);
  m.submit_sent(session_tag(0x200, 2), t0 + 1ms);
  m.inbound_unacked(4, 0);
  m.inbound_unacked(1, 2);
  metrics_snapshot s = m.snapshot();
  CHECK(s.link_up);
  CHECK(s.binds == 2);
  CHECK(s.submit_in_flight == 3);
  CHECK(s.inbound_unacked == 5);
  REQUIRE(s.sessions.size() == 3);
  CHECK(s.sessions[0].link_up);
  CHECK_FALSE(s.sessions[1].link_up);
  CHECK(s.sessions[2].link_up);
  CHECK(s.sessions[0].submit_sent == 1);
  CHECK(s.sessions[2].submit_sent == 2);
  CHECK(s.sessions[2].submit_in_flight == 2);
  CHECK(s.sessions[0].inbound_unacked == 4);
  m.submit_answered(session_tag(0x100, 2), cs::esme_rok, false, t0 + 3ms);
  m.submit_answered(session_tag(0x100, 0), cs::esme_rok, false, t0 + 5ms);
  m.submit_unanswered(session_tag(0x200, 2), true);
  m.link_down(0);
  s = m.snapshot();
  CHECK(s.latency_count == 2);  // both timed: the tags did not collide
  CHECK(s.submit_in_flight == 0);
  CHECK(s.sessions[0].submit_in_flight == 0);
  CHECK(s.sessions[2].submit_in_flight == 0);
  CHECK(s.link_up);  // bind 3 still is
  CHECK_FALSE(s.sessions[0].link_up);
  m.link_down(2);
  CHECK_FALSE(m.snapshot().link_up);
  // A channel of one bind reports no per-session figures.
  channel_metrics one;
  one.link_bound();
  CHECK(one.snapshot().sessions.empty());
  CHECK(one.snapshot().link_up);
}

TEST_CASE("metrics: the shared limit's fallback, counted once per switch") {
  channel_metrics m;
  CHECK_FALSE(m.snapshot().shared_limits);
  m.set_shared_limits();
  m.shared_limit_mode(true);
  m.shared_limit_mode(true);
  metrics_snapshot s = m.snapshot();
  CHECK(s.shared_limits);
  CHECK(s.shared_limit_fallback);
  CHECK(s.shared_limit_fallbacks == 1);
  m.shared_limit_mode(false);
  m.shared_limit_mode(true);
  s = m.snapshot();
  CHECK(s.shared_limit_fallback);
  CHECK(s.shared_limit_fallbacks == 2);
}
