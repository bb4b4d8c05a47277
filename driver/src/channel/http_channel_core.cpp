#include "channel/http_channel_core.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <utility>

#include "channel/request_tracker_impl.hpp"

namespace smsdrv::channel {
namespace {

using std::chrono::milliseconds;

std::uint64_t seed_of(const http_channel_config& c) {
  return c.seed != 0 ? c.seed : std::hash<std::string>{}(c.name) | 1;
}

supervisor_settings link_settings(const http_channel_config& c) {
  supervisor_settings s;
  s.backoff_initial = c.reconnect_initial;
  s.backoff_cap = c.reconnect_cap;
  s.seed = seed_of(c);
  return s;
}

request_tracker<http_prepared_request, http_channel_core>::settings tracker_settings(
    const http_channel_config& c) {
  request_tracker<http_prepared_request, http_channel_core>::settings s;
  // Without a message id regex the gateway is not asked for one: none is missing.
  s.message_ids_expected = static_cast<bool>(c.rules.message_id);
  return s;
}

std::string seconds_text(milliseconds d) {
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

http_channel_core::http_channel_core(http_channel_config config, log_sink& log, time_point now)
    : config_(std::move(config)),
      log_(log),
      // Burst: 50 ms of requests after idle, never more than the window; it is also how far back
      // a late timer is made up (rate_limit.hpp).
      rate_(flow::rate_limit(
          std::max<std::uint32_t>(config_.max_rate, 1),
          std::clamp<std::uint32_t>(
              config_.max_rate / 20, 1,
              static_cast<std::uint32_t>(std::clamp<std::size_t>(config_.window, 1, 1000))))),
      link_({{config_.gateway}}, link_settings(config_)),
      now_(now),
      tracker_(tracker_settings(config_), *this, rate_, *config_.metrics, events_) {
  link_.start(now);  // requests may try the gateway
  follow_link();
}

void http_channel_core::follow_link() {
  for (const link_action& a : link_.take_actions())
    if (a.what == link_action::kind::connect && down_) probe_open_ = true;
}

void http_channel_core::tick_link(time_point now) {
  if (tracker_.shutting_down()) return;
  link_.on_tick(now);
  follow_link();
}

void http_channel_core::pump(time_point now) {
  tick_link(now);
  tracker_.pump(now);
}

void http_channel_core::enqueue(http_prepared_request&& request, time_point now) {
  now_ = now;
  tick_link(now);
  tracker_.enqueue(std::move(request), now);
}

void http_channel_core::take_unsent(std::size_t limit, std::vector<unsent_request>& out) {
  // The tracker's queue holds only requests the gateway never answered: one refused or with an
  // unknown outcome waits in its slot to be sent again.
  tracker_.take_unsent(limit, out);
}

bool http_channel_core::can_write(time_point) {
  if (exchanges_ >= std::max<std::size_t>(config_.window, 1)) return false;
  // While the gateway cannot be reached, one request at a time tries it, after the back-off.
  return !down_ || (probe_open_ && exchanges_ == 0);
}

void http_channel_core::write_part(std::size_t slot, std::uint16_t part, bool, time_point now) {
  tracker::in_flight& f = tracker_.slot(slot);
  ++f.request.attempts;
  const std::uint64_t tag = tracker::tag_of(slot, part);
  config_.metrics->submit_sent(tag, now, f.request.attempts > 1);
  ++exchanges_;
  outgoing_.push_back({tag, &f.request.request});
  if (down_) probe_open_ = false;  // this one is the probe
}

void http_channel_core::fail(std::size_t slot, std::int32_t status, std::string text,
                             int http_status) {
  attributes a;
  if (http_status != 0) {
    a.emplace_back(attr::error_code, std::to_string(http_status));
    a.emplace_back(attr::error_name, fmt::format("HTTP_{}", http_status));
  }
  tracker_.failed(slot, 0, status, std::move(text), std::move(a));
}

void http_channel_core::on_result(std::uint64_t tag, const http::exchange& result, time_point now) {
  now_ = now;
  if (!tracker_.awaiting(tag)) {
    log(log_level::debug, fmt::format("a result for exchange {} that is not in flight", tag));
    return;
  }
  --exchanges_;
  const std::size_t slot = tracker::slot_of(tag);
  const std::uint64_t id = tracker_.slot(slot).request.request_id;
  const http::outcome outcome = http::classify(result, config_.rules, config_.secrets);
  if (config_.trace && log_.enabled(log_level::debug)) {
    if (result.failure == http::transport_failure::none)
      log(log_level::debug, fmt::format("request {}: {}: {}", id, http::status_text(result.status),
                                        http::body_excerpt(result.body, config_.secrets, 400)));
    else
      log(log_level::debug,
          fmt::format("request {}: {} ({}written): {}", id, http::failure_name(result.failure),
                      result.request_written ? "" : "not ",
                      http::body_excerpt(result.detail, config_.secrets, 400)));
  }

  if (const auto* a = std::get_if<http::accepted>(&outcome)) {
    config_.metrics->submit_answered(tag, 0, false, now);
    gateway_reached(now);
    pauses_in_a_row_ = 0;
    if (!a->note.empty()) log(log_level::warn, fmt::format("request {}: {}", id, a->note));
    tracker_.accepted(slot, 0, a->message_id);
  } else if (const auto* r = std::get_if<http::refused>(&outcome)) {
    const bool throttled = r->kind == http::refusal::pause;
    config_.metrics->submit_refused(tag, fmt::format("HTTP_{}", r->http_status), throttled, now);
    gateway_reached(now);
    on_refused(slot, *r, result, now);
  } else {
    config_.metrics->submit_unanswered(tag, true);
    on_lost(slot, std::get<http::lost>(outcome), now);
  }
  if (tracker_.shutting_down() && exchanges_ == 0)
    emit_state("shut-down", SMSDRV_E_SHUT_DOWN, "shut down: every request has its response");
  pump(now);
}

void http_channel_core::on_refused(std::size_t slot, const http::refused& r,
                                   const http::exchange& result, time_point now) {
  tracker::in_flight& f = tracker_.slot(slot);
  const std::uint64_t id = f.request.request_id;
  if (r.kind == http::refusal::permanent) {
    fail(slot, SMSDRV_E_SMSC_REJECTED, r.text, r.http_status);
  } else if (tracker_.shutting_down()) {
    fail(slot, SMSDRV_E_SHUT_DOWN,
         fmt::format("not sent: the gateway refused it for now ({}) and the driver shut down "
                     "before it could be sent again",
                     r.text),
         r.http_status);
  } else if (f.resubmitted >= config_.max_retries) {
    fail(slot, SMSDRV_E_SMSC_REJECTED,
         fmt::format("{} (sent {} times)", r.text, f.request.attempts), r.http_status);
  } else {
    ++resubmissions_;
    part_state& p = f.part[0];
    if (r.kind == http::refusal::pause) {
      milliseconds pause = r.delay;
      if (!result.retry_after) {
        // No Retry-After: a pause that doubles while the gateway keeps refusing.
        for (std::uint32_t i = 0; i < pauses_in_a_row_ && pause < config_.max_pause; ++i)
          pause *= 2;
        pause = std::min(pause, config_.max_pause);
      }
      begin_pause(pause, p.written_as, now, fmt::format("request {}: {}", id, r.text));
      // Sent again at once, when the pause is over (last_refusal 0: see unsent_text).
      p.last_refusal = 0;
      tracker_.resend(slot, 0, now);
    } else {
      log(log_level::info,
          fmt::format("request {}: {}; sending it again in {}", id, r.text, seconds_text(r.delay)));
      // last_refusal: the HTTP status of a refusal sent again after its delay.
      p.last_refusal = static_cast<std::uint32_t>(r.http_status);
      tracker_.resend(slot, 0, now + r.delay);
    }
  }
}

void http_channel_core::on_lost(std::size_t slot, const http::lost& l, time_point now) {
  tracker::in_flight& f = tracker_.slot(slot);
  if (l.when == http::lost_when::before_write) {
    if (tracker_.shutting_down()) {
      fail(slot, SMSDRV_E_SHUT_DOWN, fmt::format("{}; the driver shut down", l.text),
           l.http_status);
      return;
    }
    gateway_unreachable(l.text, now);
    if (waited_long_enough(f.request) <= now)
      fail(slot, SMSDRV_E_CHANNEL_DOWN,
           fmt::format("{} (waited {} for the gateway, x-http-request-timeout)", l.text,
                       seconds_text(config_.max_waiting)),
           l.http_status);
    else
      tracker_.unwrite(slot, 0, now);  // it never reached the gateway: back to the head
  } else if (config_.resubmit_unknown && !tracker_.shutting_down() &&
             f.resubmitted < config_.max_retries) {
    ++resubmissions_;
    log(log_level::warn,
        fmt::format("request {}: {}; sending it again (x-http-on-outcome-unknown = resubmit)",
                    f.request.request_id, l.text));
    f.part[0].last_refusal = 0;
    tracker_.resend(slot, 0, now);
  } else {
    fail(slot, SMSDRV_E_OUTCOME_UNKNOWN, l.text, l.http_status);
  }
}

void http_channel_core::gateway_reached(time_point now) {
  if (link_.state(0) == gateway_state::up) return;
  const bool again = std::exchange(down_, false);
  probe_open_ = false;
  link_.on_up(0, now);  // the next back-off starts small
  follow_link();
  down_reason_.clear();
  config_.metrics->link_bound();
  emit_state("ready", SMSDRV_OK,
             fmt::format("gateway {} {}", config_.gateway,
                         again ? "reached again" : "reached: sending requests"));
}

void http_channel_core::gateway_unreachable(std::string_view reason, time_point now) {
  // Exchanges started before the gateway went down fail alike: one state change is told. The
  // probe's failure is news: the next, longer back-off.
  const bool probe_failed = down_ && !probe_open_ && link_.state(0) == gateway_state::connecting;
  if (down_ && !probe_failed) return;
  if (!down_) down_since_ = now;
  down_ = true;
  probe_open_ = false;
  down_reason_ = std::string(reason);
  link_.on_down(0, now);
  follow_link();
  const milliseconds delay = link_.last_delay();
  config_.metrics->link_down();
  config_.metrics->reconnect_scheduled();
  emit_state("down", SMSDRV_E_CHANNEL_DOWN,
             fmt::format("gateway {} cannot be reached: {}; trying again in {}", config_.gateway,
                         reason, seconds_text(delay)),
             std::string(reason), delay);
}

void http_channel_core::begin_pause(milliseconds pause, std::uint64_t refused_write, time_point now,
                                    std::string_view why) {
  // A refusal of a request started before the current pause began does not extend it.
  if (tracker_.pause_answered(refused_write) && tracker_.paused(now)) return;
  ++pauses_in_a_row_;
  tracker_.pause_until(now + pause, refused_write);
  log(log_level::info, fmt::format("{}; the gateway asked to slow down: no request for {}", why,
                                   seconds_text(pause)));
}

http_channel_core::time_point http_channel_core::waited_long_enough(
    const http_prepared_request& r) const noexcept {
  return std::max(r.accepted, down_since_) + config_.max_waiting;
}

void http_channel_core::on_tick(time_point now) {
  now_ = now;
  if (down_) tracker_.expire(now, down_since_, config_.max_waiting);
  pump(now);
}

http_channel_core::time_point http_channel_core::next_deadline() const noexcept {
  time_point t = time_point::max();
  if (tracker_.shutting_down()) return exchanges_ == 0 ? t : tracker_.drain_deadline();
  // Every time returned is in the future or work can start at it: the shell never spins.
  const time_point resend_at = tracker_.next_resend();
  if (resend_at != time_point::max() && resend_at > now_) t = resend_at;
  const bool work_due = tracker_.work_at() <= now_;
  if (down_) {
    // Exchanges in flight report back: only when none is, the next probe is due (after the
    // back-off; when it is over, once a pause is over and the rate allows it).
    if (exchanges_ == 0 && work_due) {
      const time_point from = std::max(tracker_.paused_until(), now_);
      t = std::min(
          t, probe_open_ ? std::max(from, rate_.next_available(from)) : link_.next_deadline());
    }
    return std::min(t, tracker_.next_expiry(down_since_, config_.max_waiting));
  }
  if (!work_due || exchanges_ >= std::max<std::size_t>(config_.window, 1)) return t;
  // When the pause is over and the rate allows the next request.
  const time_point from = std::max(tracker_.paused_until(), now_);
  return std::min(t, std::max(from, rate_.next_available(from)));
}

void http_channel_core::shutdown(time_point now, time_point deadline) {
  if (tracker_.shutting_down()) return;
  now_ = now;
  tracker_.shutdown(now, deadline);
  if (exchanges_ == 0)
    emit_state("shut-down", SMSDRV_E_SHUT_DOWN, "shut down (no request in flight)");
  else
    log(log_level::info,
        fmt::format("shutting down: {} request(s) in flight get until the drain deadline",
                    exchanges_));
}

std::string http_channel_core::unsent_text(unsent_reason why, const http_prepared_request&,
                                           const tracker::in_flight* f, std::uint16_t part) {
  switch (why) {
    case unsent_reason::enqueued_after_shutdown:
      return "not sent: the driver is shutting down";
    case unsent_reason::shutdown_queued:
      return "not sent: the driver shut down";
    case unsent_reason::shutdown_resend:
      if (f != nullptr && f->part[part].last_refusal != 0)
        return "not sent again: the driver shut down (the gateway had refused it for now)";
      return "not sent: the driver shut down";
    case unsent_reason::expired_queued:
    case unsent_reason::expired_part_way:
    case unsent_reason::expired_resend:
      return fmt::format(
          "not sent: the gateway could not be reached for {} (x-http-request-timeout): {}",
          seconds_text(config_.max_waiting), down_reason_);
    case unsent_reason::drain_deadline:
      break;
  }
  return "no answer from the gateway before the shutdown's drain deadline; the message may or "
         "may not have been accepted";
}

void http_channel_core::emit_state(std::string_view state, std::int32_t status, std::string text,
                                   std::string reason, milliseconds retry_in) {
  log(status == SMSDRV_OK || status == SMSDRV_E_SHUT_DOWN ? log_level::info : log_level::warn,
      text);
  channel_event& e = events_.emplace_back();
  e.type = SMSDRV_EVENT_CHANNEL_STATE;
  e.status = status;
  e.text = std::move(text);
  e.attrs.emplace_back(attr::state, std::string(state));
  e.attrs.emplace_back(attr::gateway, config_.gateway);
  e.attrs.emplace_back(attr::gateway_type, "http");
  if (!reason.empty()) e.attrs.emplace_back(attr::reason, std::move(reason));
  if (retry_in.count() > 0)
    e.attrs.emplace_back(attr::retry_in_ms, std::to_string(retry_in.count()));
}

void http_channel_core::log(log_level level, std::string line, std::uint64_t) {
  if (log_.enabled(level)) log_.write(level, config_.name, line);
}

void http_channel_core::log_summary(log_level level, std::string line) {
  if (log_.enabled(level)) log_.write(level, config_.name, line);
}

// The tracker for HTTP, compiled here so that its calls of this transport can be inlined.
template class request_tracker<http_prepared_request, http_channel_core>;

}  // namespace smsdrv::channel
