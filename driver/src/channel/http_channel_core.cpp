#include "channel/http_channel_core.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <utility>

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

std::string seconds_text(milliseconds d) {
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

http_channel_core::http_channel_core(http_channel_config config, log_sink& log, time_point now)
    : config_(std::move(config)),
      log_(log),
      // Burst: 50 ms of requests after idle, never more than the window; it is also how far back
      // a late timer is made up (rate_limit.hpp).
      rate_(std::max<std::uint32_t>(config_.max_rate, 1),
            std::clamp<std::uint32_t>(
                config_.max_rate / 20, 1,
                static_cast<std::uint32_t>(std::clamp<std::size_t>(config_.window, 1, 1000)))),
      link_({{config_.gateway}}, link_settings(config_)),
      now_(now) {
  link_.start(now);  // requests may try the gateway
  follow_link();
}

void http_channel_core::follow_link() {
  for (const link_action& a : link_.take_actions())
    if (a.what == link_action::kind::connect && down_) probe_open_ = true;
}

void http_channel_core::enqueue(http_prepared_request&& request, time_point now) {
  now_ = now;
  item it;
  it.prepared = std::move(request);
  if (shutting_down_) {
    respond_failure(it, SMSDRV_E_SHUT_DOWN, "not sent: the driver is shutting down", 0);
    return;
  }
  queue_.push_back(std::move(it));
  pump(now);
}

void http_channel_core::take_unsent(std::size_t limit, std::vector<unsent_request>& out) {
  if (shutting_down_) return;
  // retry_ holds only requests the gateway answered; in queue_, retries counts the answers
  // (refusals, unknown outcomes): a request sent again after one stays.
  for (auto it = queue_.begin(); it != queue_.end() && limit > 0;) {
    if (it->retries != 0 || it->prepared.kept.empty()) {
      ++it;
      continue;
    }
    out.push_back({it->prepared.request_id, it->prepared.accepted, std::move(it->prepared.kept)});
    it = queue_.erase(it);
    --limit;
  }
}

void http_channel_core::pump(time_point now) {
  // Only a stop at the rate limit makes the pump wait for it: stopped by anything else (a
  // pause, the window, the gateway down, nothing to send), what it starts next is not late, and
  // the rate limit does not make it up (flow/rate_limit.hpp).
  if (shutting_down_) return rate_.not_waiting();
  link_.on_tick(now);
  follow_link();
  while (in_flight_.size() < std::max<std::size_t>(config_.window, 1)) {
    if (now < paused_until_) return rate_.not_waiting();
    const bool retry_due = !retry_.empty() && retry_.front().not_before <= now;
    if (!retry_due && queue_.empty()) return rate_.not_waiting();
    // While the gateway cannot be reached, one request at a time tries it, after the back-off.
    if (down_ && (!probe_open_ || !in_flight_.empty())) return rate_.not_waiting();
    if (!rate_.try_take(now)) return;
    std::deque<item>& from = retry_due ? retry_ : queue_;
    item it = std::move(from.front());
    from.pop_front();
    const bool probe = down_;
    start(std::move(it), now);
    if (probe) {
      probe_open_ = false;
      return rate_.not_waiting();
    }
  }
  rate_.not_waiting();
}

void http_channel_core::start(item&& it, time_point now) {
  const std::uint64_t tag = next_tag_++;
  ++it.attempts;
  it.pause_epoch = pause_epoch_;
  config_.metrics->submit_sent(tag, now, it.attempts > 1);
  auto [pos, inserted] = in_flight_.emplace(tag, std::move(it));
  static_cast<void>(inserted);
  outgoing_.push_back({tag, &pos->second.prepared.request});
}

void http_channel_core::requeue_front(item&& it) {
  queue_.push_front(std::move(it));
}

void http_channel_core::schedule_retry(item&& it, time_point due) {
  it.not_before = due;
  auto at = std::upper_bound(retry_.begin(), retry_.end(), due,
                             [](time_point t, const item& i) { return t < i.not_before; });
  retry_.insert(at, std::move(it));
}

void http_channel_core::on_result(std::uint64_t tag, const http::exchange& result, time_point now) {
  now_ = now;
  auto node = in_flight_.extract(tag);
  if (node.empty()) {
    log(log_level::debug, fmt::format("a result for exchange {} that is not in flight", tag));
    return;
  }
  item it = std::move(node.mapped());
  const std::uint64_t id = it.prepared.request_id;
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
    respond_ok(it, *a);
  } else if (const auto* r = std::get_if<http::refused>(&outcome)) {
    const bool throttled = r->kind == http::refusal::pause;
    config_.metrics->submit_refused(tag, fmt::format("HTTP_{}", r->http_status), throttled, now);
    gateway_reached(now);
    if (r->kind == http::refusal::permanent) {
      respond_failure(it, SMSDRV_E_SMSC_REJECTED, r->text, r->http_status);
    } else if (shutting_down_) {
      respond_failure(it, SMSDRV_E_SHUT_DOWN,
                      fmt::format("not sent: the gateway refused it for now ({}) and the driver "
                                  "shut down before it could be sent again",
                                  r->text),
                      r->http_status);
    } else if (it.retries >= config_.max_retries) {
      respond_failure(it, SMSDRV_E_SMSC_REJECTED,
                      fmt::format("{} (sent {} times)", r->text, it.attempts), r->http_status);
    } else {
      ++it.retries;
      ++resubmissions_;
      if (r->kind == http::refusal::pause) {
        milliseconds pause = r->delay;
        if (!result.retry_after) {
          // No Retry-After: a pause that doubles while the gateway keeps refusing.
          for (std::uint32_t i = 0; i < pauses_in_a_row_ && pause < config_.max_pause; ++i)
            pause *= 2;
          pause = std::min(pause, config_.max_pause);
        }
        begin_pause(pause, it.pause_epoch, now, fmt::format("request {}: {}", id, r->text));
        requeue_front(std::move(it));
      } else {
        log(log_level::info, fmt::format("request {}: {}; sending it again in {}", id, r->text,
                                         seconds_text(r->delay)));
        schedule_retry(std::move(it), now + r->delay);
      }
    }
  } else {
    const auto& l = std::get<http::lost>(outcome);
    config_.metrics->submit_unanswered(tag, true);
    if (l.when == http::lost_when::before_write) {
      if (shutting_down_) {
        respond_failure(it, SMSDRV_E_SHUT_DOWN, fmt::format("{}; the driver shut down", l.text),
                        l.http_status);
      } else {
        gateway_unreachable(l.text, now);
        if (waited_long_enough(it) <= now)
          respond_failure(it, SMSDRV_E_CHANNEL_DOWN,
                          fmt::format("{} (waited {} for the gateway, x-http-request-timeout)",
                                      l.text, seconds_text(config_.max_waiting)),
                          l.http_status);
        else
          requeue_front(std::move(it));
      }
    } else if (config_.resubmit_unknown && !shutting_down_ && it.retries < config_.max_retries) {
      ++it.retries;
      ++resubmissions_;
      log(log_level::warn,
          fmt::format("request {}: {}; sending it again (x-http-on-outcome-unknown = resubmit)", id,
                      l.text));
      requeue_front(std::move(it));
    } else {
      respond_failure(it, SMSDRV_E_OUTCOME_UNKNOWN, l.text, l.http_status);
    }
  }
  if (shutting_down_ && in_flight_.empty())
    emit_state("shut-down", SMSDRV_E_SHUT_DOWN, "shut down: every request has its response");
  pump(now);
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

void http_channel_core::begin_pause(milliseconds pause, std::uint32_t epoch, time_point now,
                                    std::string_view why) {
  // A refusal of a request started before the current pause began does not extend it.
  if (epoch < pause_epoch_ && now < paused_until_) return;
  ++pause_epoch_;
  ++pauses_in_a_row_;
  paused_until_ = std::max(paused_until_, now + pause);
  log(log_level::info, fmt::format("{}; the gateway asked to slow down: no request for {}", why,
                                   seconds_text(pause)));
}

http_channel_core::time_point http_channel_core::waited_long_enough(const item& it) const noexcept {
  return std::max(it.prepared.accepted, down_since_) + config_.max_waiting;
}

void http_channel_core::expire_waiting(time_point now) {
  if (!down_) return;
  auto expire = [&](std::deque<item>& d) {
    for (auto i = d.begin(); i != d.end();) {
      if (waited_long_enough(*i) > now) {
        ++i;
        continue;
      }
      respond_failure(*i, SMSDRV_E_CHANNEL_DOWN,
                      fmt::format("not sent: the gateway could not be reached for {} "
                                  "(x-http-request-timeout): {}",
                                  seconds_text(config_.max_waiting), down_reason_),
                      0);
      i = d.erase(i);
    }
  };
  expire(queue_);
  expire(retry_);
}

void http_channel_core::on_tick(time_point now) {
  now_ = now;
  expire_waiting(now);
  pump(now);
}

http_channel_core::time_point http_channel_core::next_deadline() const noexcept {
  time_point t = time_point::max();
  if (shutting_down_) return in_flight_.empty() ? t : drain_deadline_;
  // Every time returned is in the future or work can start at it: the shell never spins.
  if (!retry_.empty() && retry_.front().not_before > now_) t = retry_.front().not_before;
  const bool work_due = !queue_.empty() || (!retry_.empty() && retry_.front().not_before <= now_);
  if (down_) {
    // Exchanges in flight report back: only when none is, the next probe is due (after the
    // back-off; when it is over, once a pause is over and the rate allows it).
    if (in_flight_.empty() && work_due) {
      const time_point from = std::max(paused_until_, now_);
      t = std::min(
          t, probe_open_ ? std::max(from, rate_.next_available(from)) : link_.next_deadline());
    }
    if (!queue_.empty()) t = std::min(t, waited_long_enough(queue_.front()));
    for (const item& i : retry_)
      t = std::min(t, waited_long_enough(i));
    return t;
  }
  if (!work_due || in_flight_.size() >= std::max<std::size_t>(config_.window, 1)) return t;
  // When the pause is over and the rate allows the next request.
  const time_point from = std::max(paused_until_, now_);
  return std::min(t, std::max(from, rate_.next_available(from)));
}

void http_channel_core::shutdown(time_point now, time_point deadline) {
  if (shutting_down_) return;
  now_ = now;
  shutting_down_ = true;
  drain_deadline_ = deadline;
  for (item& it : queue_)
    respond_failure(it, SMSDRV_E_SHUT_DOWN, "not sent: the driver shut down", 0);
  for (item& it : retry_)
    respond_failure(it, SMSDRV_E_SHUT_DOWN,
                    "not sent again: the driver shut down (the gateway had refused it for now)", 0);
  queue_.clear();
  retry_.clear();
  if (in_flight_.empty())
    emit_state("shut-down", SMSDRV_E_SHUT_DOWN, "shut down (no request in flight)");
  else
    log(log_level::info,
        fmt::format("shutting down: {} request(s) in flight get until the drain deadline",
                    in_flight_.size()));
}

void http_channel_core::respond_ok(const item& it, const http::accepted& a) {
  channel_event& e = events_.emplace_back();
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = it.prepared.request_id;
  e.status = SMSDRV_OK;
  e.attrs.emplace_back(attr::message_id, a.message_id);
  e.attrs.emplace_back(attr::message_ids, a.message_id);
  e.attrs.emplace_back(attr::segments, "1");
  if (it.retries > 0) e.attrs.emplace_back(attr::retries, std::to_string(it.retries));
  if (a.message_id.empty() && config_.rules.message_id)
    e.attrs.emplace_back(attr::message_id_missing, "1");
  config_.metrics->request_answered(SMSDRV_OK, {});
}

void http_channel_core::respond_failure(const item& it, std::int32_t status, std::string text,
                                        int http_status) {
  log(log_level::warn, fmt::format("request {} failed: {}", it.prepared.request_id, text));
  const std::string name = http_status != 0 ? fmt::format("HTTP_{}", http_status) : std::string();
  config_.metrics->request_answered(status, name);
  channel_event& e = events_.emplace_back();
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = it.prepared.request_id;
  e.status = status;
  e.text = std::move(text);
  if (http_status != 0) {
    e.attrs.emplace_back(attr::error_code, std::to_string(http_status));
    e.attrs.emplace_back(attr::error_name, name);
  }
  if (it.retries > 0) e.attrs.emplace_back(attr::retries, std::to_string(it.retries));
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

void http_channel_core::log(log_level level, std::string message) {
  if (log_.enabled(level)) log_.write(level, config_.name, message);
}

}  // namespace smsdrv::channel
