#include "channel/channel_core.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "channel/log_privacy.hpp"
#include "smpp/command_status.hpp"
#include "smpp/delivery_receipt.hpp"
#include "smsdrv/status.hpp"
#include "text/decode.hpp"

namespace smsdrv::channel {
namespace {

namespace cs = smpp::command_status;

double seconds_of(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e9;
}

// Requests are tracked per segment with tag = slot << 8 | segment index (segments <= 255).
constexpr std::uint64_t tag_of(std::size_t slot, std::size_t segment) {
  return (static_cast<std::uint64_t>(slot) << 8) | segment;
}
constexpr std::size_t slot_of(std::uint64_t tag) {
  return static_cast<std::size_t>(tag >> 8);
}
constexpr std::uint16_t segment_of(std::uint64_t tag) {
  return static_cast<std::uint16_t>(tag & 0xFF);
}

// The SMSC refused who we are: retrying soon will not help (ESME_RINVPASWD and friends).
bool credentials_problem(std::uint32_t status) {
  return status == cs::esme_rinvpaswd || status == cs::esme_rinvsysid ||
         status == cs::esme_rbindfail || status == cs::esme_rinvsystyp;
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out.push_back(',');
    out += id;
  }
  return out;
}

std::uint64_t seed_from(const channel_config& c) {
  return c.seed != 0 ? c.seed : std::hash<std::string>{}(c.name) ^ 0x9E3779B97F4A7C15ull;
}

// The channel's SMSCs in order (the primary, then x-smpp-failover-host), for link_supervisor.
std::vector<gateway_spec> gateways_of(const channel_config& c) {
  std::vector<gateway_spec> out;
  for (const smsc_endpoint& e : c.endpoints)
    out.push_back({fmt::format("{}:{}", e.host, e.port)});
  return out;
}

supervisor_settings link_settings(const channel_config& c) {
  supervisor_settings s;
  s.probe_interval = c.failover_probe_interval;
  s.backoff_initial = c.reconnect_initial;
  s.backoff_cap = c.reconnect_cap;
  s.seed = seed_from(c);
  // One session: one SMSC at a time. Leaving the secondary waits for its responses in flight,
  // as long as a response may take.
  s.one_link = true;
  s.drain_limit = c.session.request_timeout;
  return s;
}

// x-smpp-in-flight-on-disconnect = resubmit: a segment lost with the link this often is not sent
// again (it may be what breaks the link).
constexpr std::uint8_t max_resubmits_after_loss = 3;

// x-smpp-error-policy: one segment is never submitted more often than the largest `retry N` a
// rule may give, whatever the SMSC accepts meanwhile, so that every request gets its outcome.
constexpr std::uint8_t max_policy_resubmissions = 100;

std::string segment_label(std::size_t segment, std::size_t total) {
  return total > 1 ? fmt::format(" (segment {} of {})", segment + 1, total) : std::string();
}

// "segment 2" or "segments 2 to 3" (numbered from 1; first <= last).
std::string segments_text(std::size_t first, std::size_t last) {
  return first == last ? fmt::format("segment {}", first)
                       : fmt::format("segments {} to {}", first, last);
}

}  // namespace

channel_core::channel_core(channel_config config, log_sink& log, time_point now,
                           session_shared* shared)
    : config_(std::move(config)),
      log_(log),
      session_(config_.session),
      own_shared_(shared ? nullptr : std::make_unique<session_shared>(config_)),
      rate_(*(shared ? shared : own_shared_.get())->gate),
      link_(gateways_of(config_), link_settings(config_)),
      receipts_((shared ? shared : own_shared_.get())->receipts),
      unbound_since_(now),
      // A channel of several binds logs each one's lines as channel-sms1#2 (x-smpp-sessions).
      log_name_(config_.sessions > 1 ? fmt::format("{}#{}", config_.name, config_.session_index + 1)
                                     : config_.name),
      inbound_(config_, log_, limiter_, log_name_, receipts_,
               (shared ? shared : own_shared_.get())->reassembler, *this, events_,
               (shared ? shared : own_shared_.get())->remote.get()) {
  session_.set_tracing(config_.trace_pdus);
  link_.start(now);  // connect the primary
  follow_link(now);
}

channel_core::~channel_core() = default;

// ---- link ----------------------------------------------------------------------------------

std::string channel_core::smsc_label() const {
  return smsc_label(endpoint_index_);
}

std::string channel_core::smsc_label(std::size_t index) const {
  if (index >= config_.endpoints.size()) return "(no SMSC)";
  const smsc_endpoint& e = config_.endpoints[index];
  return fmt::format("{}:{}", e.host, e.port);
}

void channel_core::use_endpoint(std::size_t index) {
  if (index == endpoint_index_) return;
  endpoint_index_ = index;
  // A pause asked for by one SMSC does not hold for the other.
  paused_until_ = {};
  pauses_in_a_row_ = 0;
}

void channel_core::follow_link(time_point now) {
  for (const link_action& a : link_.take_actions()) {
    switch (a.what) {
      case link_action::kind::connect:
        connect_to_ = a.gateway;
        break;
      case link_action::kind::switch_to:
        // The SMSC the next connection goes to; while the link is still up (draining), the
        // events keep naming the SMSC it is up with.
        if (phase_ == phase::waiting) use_endpoint(a.gateway);
        break;
      case link_action::kind::probe:
        probe_wanted_ = true;
        break;
      case link_action::kind::drain:
        begin_return();
        break;
      case link_action::kind::close:
        leave_secondary(now);
        break;
    }
  }
}

std::optional<smsc_endpoint> channel_core::connect_due(time_point now) {
  if (phase_ != phase::waiting || shutting_down_ || config_.endpoints.empty()) return std::nullopt;
  link_.on_tick(now);
  follow_link(now);
  if (!connect_to_) return std::nullopt;
  use_endpoint(*std::exchange(connect_to_, std::nullopt));
  phase_ = phase::connecting;
  const smsc_endpoint& e = config_.endpoints[endpoint_index_];
  session_.set_bind_credentials(e.system_id.empty() ? config_.session.system_id : e.system_id,
                                e.password.empty() ? config_.session.password : e.password);
  log(log_level::info,
      fmt::format("connecting to {}{}",
                  has_failover() && endpoint_index_ == 1 ? "the secondary " : "", smsc_label()));
  return e;
}

void channel_core::on_connect_failed(std::string_view reason, time_point now) {
  now_ = now;
  if (phase_ != phase::connecting) return;
  last_down_reason_ = fmt::format("cannot connect to {}: {}", smsc_label(), reason);
  // An attempt given up for the shutdown is what was asked for, not a problem.
  log(shutting_down_ ? log_level::info : log_level::warn, last_down_reason_);
  if (shutting_down_) {
    phase_ = phase::stopped;
    write_log_summaries(true);
    return;
  }
  link_down(now);
}

void channel_core::on_connected(time_point now) {
  now_ = now;
  if (phase_ != phase::connecting) return;
  phase_ = phase::connected;
  bound_on_connection_ = false;
  orderly_close_ = false;
  missing_id_logged_ = false;
  if (shutting_down_) {
    close_request_ = "shutting down";
    phase_ = phase::closing;
    return;
  }
  log(log_level::info,
      fmt::format("connected to {}; binding as {} (system_id '{}')", smsc_label(),
                  smpp::bind_mode_name(config_.session.mode), session_.config().system_id));
  session_.on_connected(now);
  session_.drain(*this);
}

void channel_core::on_bytes(std::string_view data, time_point now, wall_time wall) {
  now_ = now;
  wall_now_ = wall;
  session_.on_bytes(data, now);
  session_.drain(*this);
  pump(now);
}

void channel_core::on_closed(std::string_view reason, time_point now) {
  now_ = now;
  if (phase_ == phase::stopped || phase_ == phase::waiting) return;
  if (last_down_reason_.empty() || phase_ == phase::connected)
    last_down_reason_ = std::string(reason);
  if (bound_on_connection_) unbound_since_ = now;
  const std::uint64_t connection = session_.connection_id();
  const std::size_t in_flight_before = session_.outstanding();
  const std::size_t waiting_before = resend_.size();
  begin_failure_batch();
  session_.on_closed(now);
  session_.drain(*this);  // unanswered submissions: on_request_lost
  end_failure_batch(fmt::format("link to {} closed ({}) with {} submission(s) unanswered",
                                smsc_label(), reason, in_flight_before));
  if (in_flight_before > 0 && resend_.size() > waiting_before)
    log(log_level::info,
        fmt::format("{} submission(s) in flight when the link closed are sent again after the "
                    "reconnect (x-smpp-in-flight-on-disconnect = resubmit)",
                    resend_.size() - waiting_before));
  // Inbound messages of that connection not yet acknowledged will be delivered again by the
  // SMSC; their acknowledgements can no longer be sent (inbound_gate::connection_closed).
  inbound_.connection_closed(connection, std::exchange(orderly_close_, false), now);
  if (shutting_down_) {
    phase_ = phase::stopped;
    emit_state("shut-down", SMSDRV_E_SHUT_DOWN,
               fmt::format("link to {} closed for shutdown", smsc_label()));
    write_log_summaries(true);
    return;
  }
  link_down(now);
}

void channel_core::link_down(time_point now) {
  phase_ = phase::waiting;
  probe_wanted_ = false;
  bound_on_connection_ = false;
  const std::size_t from = endpoint_index_;
  link_.on_down(from, now, std::exchange(credentials_refused_, false));
  const std::size_t next = link_.active();
  if (std::exchange(returning_, false)) {
    // We left the secondary on purpose: the primary answered a probe.
    last_down_reason_.clear();
    log(log_level::info, fmt::format("left the secondary SMSC {}; connecting to the primary {}",
                                     smsc_label(from), smsc_label(next)));
  } else if (next != from && link_.state(next) != gateway_state::backing_off) {
    // The primary cannot be reached or refuses the bind: the secondary, at once.
    emit_state("failover", SMSDRV_E_CHANNEL_DOWN,
               fmt::format("primary SMSC {} unavailable: {}; switching to the secondary SMSC {}",
                           smsc_label(from), last_down_reason_, smsc_label(next)),
               last_down_reason_);
    events_.back().attrs.emplace_back(attr::retry_in_ms, "0");
  } else {
    // Every reconnect starts with the primary; a lost primary link is tried again first.
    const auto delay = link_.last_delay();
    config_.metrics->reconnect_scheduled();
    emit_state(
        "down", SMSDRV_E_CHANNEL_DOWN,
        fmt::format(
            "link to {} down: {}; reconnecting{} in {:.1f} s", smsc_label(), last_down_reason_,
            next != from ? fmt::format(" to the primary SMSC {}", smsc_label(next)) : std::string(),
            seconds_of(delay)),
        last_down_reason_);
    events_.back().attrs.emplace_back(attr::retry_in_ms, std::to_string(delay.count()));
  }
  follow_link(now);
}

std::optional<smsc_endpoint> channel_core::probe_due(time_point now) {
  if (!has_failover() || probing_ || shutting_down_) return std::nullopt;
  link_.on_tick(now);
  follow_link(now);
  if (!std::exchange(probe_wanted_, false)) return std::nullopt;
  probing_ = true;
  const smsc_endpoint& primary = config_.endpoints[0];
  smpp::session_config c = config_.session;
  if (!primary.system_id.empty()) c.system_id = primary.system_id;
  if (!primary.password.empty()) c.password = primary.password;
  probe_.start(c);
  log(log_level::debug,
      fmt::format("probing the primary SMSC {} (bind as transmitter)", smsc_label(0)));
  return primary;
}

void channel_core::on_probe_finished(time_point now) {
  now_ = now;
  if (!probing_) return;
  probing_ = false;
  if (shutting_down_) return;
  const bool bound = probe_.result() == smsc_probe::outcome::bound;
  if (!bound && link_.active() != 0)
    log(log_level::info,
        fmt::format("primary SMSC {} still unavailable ({}); staying on the secondary {}, next "
                    "probe in {:.1f} s (x-smpp-failover-probe-interval)",
                    smsc_label(0), probe_.detail(), smsc_label(1),
                    seconds_of(config_.failover_probe_interval)));
  link_.on_probe_result(0, bound, now);
  follow_link(now);
  // Nothing in flight on the secondary: it is left at once.
  if (returning_) on_tick(now, wall_now_);
}

void channel_core::begin_return() {
  returning_ = true;
  emit_state("returning", SMSDRV_OK,
             fmt::format("primary SMSC {} accepts binds again; leaving the secondary {} once its "
                         "{} submission(s) in flight are answered",
                         smsc_label(0), smsc_label(1), session_.outstanding()));
}

void channel_core::leave_secondary(time_point now) {
  if (!returning_ || phase_ != phase::connected || !session_.bound()) return;
  if (!ready_to_leave())
    log(log_level::warn,
        fmt::format("leaving the secondary SMSC with {} submission(s) unanswered or inbound "
                    "message(s) unacknowledged after {:.1f} s (x-smpp-in-flight-on-disconnect "
                    "applies; the SMSC delivers the messages again)",
                    session_.outstanding(), seconds_of(config_.session.request_timeout)));
  session_.unbind(now);
  session_.drain(*this);
}

std::optional<std::string> channel_core::take_close_request() {
  std::optional<std::string> r;
  r.swap(close_request_);
  return r;
}

void channel_core::on_tick(time_point now, wall_time wall) {
  now_ = now;
  wall_now_ = wall;
  session_.on_tick(now);
  session_.drain(*this);
  expire_queue(now);
  inbound_.expire(now, wall);
  receipts_.expire(now);
  if (shutting_down_ && !drain_ended_ && now >= drain_deadline_) end_drain();
  if (!shutting_down_) {
    // Leaving the secondary: its responses are in (or the drain limit is over).
    if (returning_ && phase_ == phase::connected && session_.bound() && ready_to_leave())
      link_.on_drained(endpoint_index_, now);
    link_.on_tick(now);
    follow_link(now);
  }
  // Bound: unbind once the drain is over. Binding: the session sends the unbind after the
  // bind_resp (SMPP v3.4 §4.2).
  if (shutting_down_ && phase_ == phase::connected &&
      (session_.state() == smpp::session_state::bound ||
       session_.state() == smpp::session_state::binding) &&
      (in_flight_requests_ == 0 || drain_ended_)) {
    session_.unbind(now);
    session_.drain(*this);
  }
  pump(now);
  write_log_summaries(false);
}

time_point channel_core::next_deadline() const noexcept {
  time_point t = session_.next_deadline();
  if (!shutting_down_) {
    // A connection to open (the shell asks connect_due), a reconnect, probe or drain limit due.
    if (phase_ == phase::waiting && connect_to_) t = time_point{};
    t = std::min(t, link_.next_deadline());
  }
  if (session_.can_submit() && session_.outstanding() < config_.window && !returning_) {
    time_point work = time_point::max();
    if (sending_slot_ || (!queue_.empty() && !shutting_down_)) work = time_point{};
    if (!resend_.empty()) work = std::min(work, resend_.front().due);
    if (work != time_point::max())
      t = std::min(t, std::max({work, rate_.next_available(time_point{}), paused_until_}));
  }
  if (!session_.bound()) {
    if (sending_slot_) t = std::min(t, down_long_enough(slots_[*sending_slot_].request.accepted));
    if (!queue_.empty()) t = std::min(t, down_long_enough(queue_.front().accepted));
    for (const resend& r : resend_)
      t = std::min(t, down_long_enough(slots_[r.slot].request.accepted));
  }
  if (auto r = inbound_.next_deadline()) t = std::min(t, *r);
  if (shutting_down_ && !drain_ended_ && in_flight_requests_ != 0) t = std::min(t, drain_deadline_);
  if (shutting_down_ && phase_ == phase::connected) {
    // The last response of the drain came in (or its deadline passed): unbind now.
    const bool now_due = (session_.state() == smpp::session_state::bound ||
                          session_.state() == smpp::session_state::binding) &&
                         (in_flight_requests_ == 0 || drain_ended_);
    if (now_due) t = time_point{};
  }
  if (returning_ && !shutting_down_ && session_.bound() && ready_to_leave()) t = time_point{};
  return t;
}

// Leaving the secondary: its responses are in and the host has answered what it received from
// it (else the secondary would deliver those messages again, marked as duplicates).
bool channel_core::ready_to_leave() const noexcept {
  if (session_.outstanding() != 0) return false;
  return !inbound_.holds_unacked(session_.connection_id());
}

time_point channel_core::down_long_enough(time_point accepted) const noexcept {
  return std::max(accepted, unbound_since_) + config_.session.request_timeout;
}

// ---- session callbacks: link -----------------------------------------------------------------

void channel_core::on_bound(std::string_view smsc_system_id) {
  config_.metrics->link_bound(config_.session_index);
  credentials_refused_ = false;
  bound_on_connection_ = true;
  last_down_reason_.clear();
  link_.on_up(endpoint_index_, now_);
  follow_link(now_);
  emit_state("bound", SMSDRV_OK,
             fmt::format("bound to {} as {} (SMSC system_id '{}')", smsc_label(),
                         smpp::bind_mode_name(config_.session.mode), smsc_system_id));
  events_.back().attrs.emplace_back(attr::smsc_system_id, std::string(smsc_system_id));
  if (shutting_down_) return;
  pump(now_);
}

void channel_core::on_bind_failed(std::uint32_t command_status) {
  std::string why;
  if (command_status == cs::esme_rok) {
    why = "the SMSC did not answer the bind";
  } else if (credentials_problem(command_status)) {
    credentials_refused_ = true;
    why = fmt::format(
        "the SMSC refused the bind: {}; check x-smpp-system-id, password and "
        "x-smpp-system-type (not retried before reconnection-timeout)",
        smpp::status_display(command_status));
  } else if (command_status == cs::esme_ralybnd) {
    why = fmt::format(
        "the SMSC refused the bind: {}; another client may be bound with this "
        "system_id",
        smpp::status_display(command_status));
  } else {
    why = fmt::format("the SMSC refused the bind: {}", smpp::status_display(command_status));
  }
  last_down_reason_ = why;
  emit_state("bind-failed", SMSDRV_E_CHANNEL_DOWN, fmt::format("{}: {}", smsc_label(), why), why);
  if (command_status != cs::esme_rok) {
    events_.back().attrs.emplace_back(attr::error_name,
                                      std::string(smpp::status_name(command_status)));
    events_.back().attrs.emplace_back(attr::error_code, fmt::format("0x{:08X}", command_status));
  }
}

void channel_core::on_unbound(bool by_peer) {
  orderly_close_ = true;
  const std::string why = by_peer ? "the SMSC unbound" : "unbound";
  log(by_peer ? log_level::warn : log_level::info, why);
  if (last_down_reason_.empty()) last_down_reason_ = why;
  close_request_ = why;
  phase_ = phase::closing;
}

void channel_core::on_link_failed(std::string_view reason) {
  log(log_level::warn, fmt::format("link to {} failed: {}", smsc_label(), reason));
  if (last_down_reason_.empty() || phase_ == phase::connected)
    last_down_reason_ = std::string(reason);
  close_request_ = std::string(reason);
  phase_ = phase::closing;
}

void channel_core::on_log(log_level level, std::string_view message) {
  if (logging(level)) log(level, std::string(message));
}

void channel_core::on_trace(bool outgoing, const smpp::pdu& p) {
  // x-debug-mode: every PDU at level debug, masked (docs/privacy.md).
  if (logging(log_level::debug))
    log_.write(log_level::debug, log_name_, pdu_trace_line(outgoing, p, log_.masking().get()));
}

// ---- requests ------------------------------------------------------------------------------

void channel_core::enqueue(prepared_request&& request, time_point now) {
  now_ = now;
  if (shutting_down_) {
    respond_failure(request.request_id, SMSDRV_E_SHUT_DOWN,
                    "the driver is shutting down; the message was not sent");
    return;
  }
  queue_.push_back(std::move(request));
  pump(now);
}

void channel_core::take_unsent(std::size_t limit, std::vector<unsent_request>& out) {
  if (shutting_down_) return;
  // queue_ holds only requests of which no segment was written (a started one has a slot).
  for (auto it = queue_.begin(); it != queue_.end() && limit > 0;) {
    if (it->kept.empty()) {
      ++it;
      continue;
    }
    out.push_back({it->request_id, it->accepted, std::move(it->kept)});
    if (it->frames.capacity() <= recycled_frames_max && spent_frames_.size() < config_.window) {
      it->frames.clear();
      spent_frames_.push_back(std::move(it->frames));
    }
    it = queue_.erase(it);
    --limit;
  }
}

void channel_core::take_queued(std::deque<prepared_request>& out) {
  for (prepared_request& r : queue_)
    out.push_back(std::move(r));
  queue_.clear();
}

void channel_core::put_back(std::deque<prepared_request>& requests) {
  for (auto it = requests.rbegin(); it != requests.rend(); ++it)
    queue_.push_front(std::move(*it));
  requests.clear();
}

std::size_t channel_core::allocate_slot() {
  if (free_slots_.empty()) {
    slots_.emplace_back();
    free_slots_.push_back(slots_.size() - 1);
  }
  const std::size_t slot = free_slots_.back();
  free_slots_.pop_back();
  slots_[slot].in_use = true;
  ++in_flight_requests_;
  return slot;
}

void channel_core::pump(time_point now) {
  // Only a stop at the rate limit makes the pump wait for it: stopped by anything else (a
  // pause, the window, the link, nothing to send), what it submits next is not late, and the
  // rate limit does not make it up (flow/rate_limit.hpp).
  while (session_.can_submit() && session_.outstanding() < config_.window) {
    // An error-policy pause, or leaving the secondary SMSC: nothing new goes out.
    if (returning_ || now < paused_until_) return rate_.not_waiting();
    // Segments to submit again come first: they are older than anything queued.
    if (!resend_.empty() && resend_.front().due <= now) {
      if (!rate_.try_take(now)) return;
      const auto next = next_resend(now);
      const resend r = *next;
      resend_.erase(next);
      in_flight& f = slots_[r.slot];
      --f.waiting;
      ++f.resubmitted;
      ++resubmissions_;
      submit_segment(r.slot, r.segment, now, /*retried=*/true);
      continue;
    }
    if (!sending_slot_) {
      if (queue_.empty() || shutting_down_) return rate_.not_waiting();
      const std::size_t slot = allocate_slot();
      in_flight& f = slots_[slot];
      f.request = std::move(queue_.front());
      queue_.pop_front();
      f.message_ids.assign(f.request.frames.size(), std::string());
      f.segments.assign(f.request.frames.size(), segment_state{});
      sending_slot_ = slot;
    }
    const std::size_t slot = *sending_slot_;
    in_flight& f = slots_[slot];
    if (!rate_.try_take(now)) return;
    const std::uint16_t segment = f.sent++;
    if (f.sent == f.request.frames.size()) sending_slot_.reset();
    submit_segment(slot, segment, now, /*retried=*/false);
  }
  rate_.not_waiting();
}

void channel_core::submit_segment(std::size_t slot, std::uint16_t segment, time_point now,
                                  bool retried) {
  in_flight& f = slots_[slot];
  const smpp::codec_status st =
      session_.send_encoded_request(f.request.frames[segment], tag_of(slot, segment), now);
  session_.drain(*this);
  if (!st.ok()) {
    ++f.outcomes;
    segment_failed(slot, segment, SMSDRV_E_INTERNAL,
                   fmt::format("the submit_sm could not be sent: {}", st.message()),
                   st.command_status);
    return;
  }
  config_.metrics->submit_sent(session_tag(tag_of(slot, segment), config_.session_index), now,
                               retried);
  f.segments[segment].written_as = ++submissions_written_;
}

// Of the segments due, the one the SMSC refused least often, then the oldest. An SMSC that refuses
// by count (every Nth submission) refuses the first submission after each pause again and again
// once its count lines up with the window: the refusals then move from segment to segment instead
// of using up one request's retries.
std::deque<channel_core::resend>::iterator channel_core::next_resend(time_point now) {
  auto best = resend_.begin();
  auto refusals = [&](const resend& r) {
    return slots_[r.slot].segments[r.segment].policy_retries;
  };
  for (auto it = std::next(best); it != resend_.end() && it->due <= now; ++it)
    if (refusals(*it) < refusals(*best)) best = it;
  return best;
}

void channel_core::schedule_resend(std::size_t slot, std::uint16_t segment, time_point due) {
  auto at = std::upper_bound(resend_.begin(), resend_.end(), due,
                             [](time_point d, const resend& r) { return d < r.due; });
  resend_.insert(at, resend{slot, segment, due});
  ++slots_[slot].waiting;
}

void channel_core::drop_resends(std::size_t slot) {
  in_flight& f = slots_[slot];
  if (f.waiting == 0) return;
  std::erase_if(resend_, [&](const resend& r) { return r.slot == slot; });
  f.outcomes = static_cast<std::uint16_t>(f.outcomes + f.waiting);
  f.waiting = 0;
}

void channel_core::fail_unsent(std::size_t slot, std::int32_t status, const std::string& why) {
  in_flight& f = slots_[slot];
  if (sending_slot_ == slot) sending_slot_.reset();
  f.abandoned = true;
  drop_resends(slot);
  if (!f.answered) {
    respond_failure(f.request.request_id, status, why);
    f.answered = true;
  }
  release_if_done(slot);
}

bool channel_core::resubmit_refused(std::size_t slot, std::uint16_t segment, std::uint32_t status) {
  in_flight& f = slots_[slot];
  segment_state& s = f.segments[segment];
  s.last_status = status;
  if (f.abandoned || shutting_down_) return false;
  const flow::error_rule rule = config_.error_policy.rule_for(status);
  if (rule.action == flow::error_action::fail) return false;
  // A pause rule's status is about the channel, not the message (SMPP v3.4 §5.1.3:
  // ESME_RTHROTTLED, ESME_RMSGQFUL): a refusal counts against `retry N` only while the SMSC
  // accepts nothing it read after this segment's previous refusal, as a pause grows. A retry
  // rule counts every refusal: the message itself may be what the SMSC cannot take.
  if (rule.action == flow::error_action::pause && s.policy_retries > 0 &&
      latest_accepted_ > s.refused_as)
    s.policy_row = 0;
  if (s.policy_row >= rule.retries || s.policy_retries >= max_policy_resubmissions) return false;
  ++s.policy_row;
  ++s.policy_retries;
  s.refused_as = s.written_as;
  time_point due = now_;
  if (rule.action == flow::error_action::retry)
    due = now_ + rule.delay;
  else
    start_pause(rule, s.written_as);
  schedule_resend(slot, segment, due);
  if (logging(log_level::debug))
    log(log_level::debug,
        fmt::format("request {}{}: the SMSC answered {}; submitting it again (resubmission {} "
                    "of {} in a row, {} in all; x-smpp-error-policy: {})",
                    f.request.request_id, segment_label(segment, f.request.frames.size()),
                    smpp::status_display(status), s.policy_row, rule.retries, s.policy_retries,
                    flow::describe(rule)));
  return true;
}

void channel_core::start_pause(const flow::error_rule& rule, std::uint64_t refused_write) {
  // A refusal of a segment written before the latest pause began was answered by that pause.
  if (refused_write <= pause_began_after_) return;
  // Pauses in a row double only while the SMSC keeps answering the same status; an acceptance
  // in between (on_response) starts the row over.
  if (rule.command_status != last_pause_status_) pauses_in_a_row_ = 0;
  last_pause_status_ = rule.command_status;
  const auto doublings = std::min<std::uint32_t>(pauses_in_a_row_, 30);
  auto pause = rule.delay;
  for (std::uint32_t i = 0; i < doublings && pause < rule.max_delay; ++i)
    pause *= 2;
  pause = std::min(pause, rule.max_delay);
  ++pauses_in_a_row_;
  pause_began_after_ = submissions_written_;
  pause_cause_ = refused_write;
  paused_until_ = std::max(paused_until_, now_ + pause);
  log(log_level::warn,
      fmt::format("the SMSC {} answered {}: no submissions for {} (pause {} in a row; "
                  "x-smpp-error-policy: {})",
                  smsc_label(), smpp::status_display(rule.command_status),
                  pause < std::chrono::seconds(1) ? fmt::format("{} ms", pause.count())
                                                  : fmt::format("{:.1f} s", seconds_of(pause)),
                  pauses_in_a_row_, flow::describe(rule)));
}

void channel_core::release_if_done(std::size_t slot) {
  in_flight& f = slots_[slot];
  if (!f.in_use || f.outcomes != f.sent) return;
  const bool all_sent = f.sent == f.request.frames.size();
  const bool stopped = f.abandoned && sending_slot_ != slot;
  if (!all_sent && !stopped) return;
  // Every segment written has its outcome and none failed (a failure answers at once), yet the
  // request is unanswered: the shutdown stopped it before its last segments were written.
  if (!f.answered) respond_stopped(f);
  frame_list& frames = f.request.frames;
  if (spent_frames_.size() < config_.window && frames.capacity() <= recycled_frames_max) {
    frames.clear();
    spent_frames_.push_back(std::move(frames));
  }
  f.reset();
  free_slots_.push_back(slot);
  --in_flight_requests_;
}

void channel_core::respond_ok(in_flight& f) {
  channel_event& e = events_.emplace_back();
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = f.request.request_id;
  e.status = SMSDRV_OK;
  if (!spare_attrs_.empty()) {
    e.attrs = std::move(spare_attrs_.back());
    spare_attrs_.pop_back();
  }
  e.attrs.reserve(f.resubmitted > 0 ? 4 : 3);
  const std::string_view first_id =
      f.message_ids.empty() ? std::string_view() : std::string_view(f.message_ids[0]);
  e.attrs.emplace_back(attr::message_id, first_id);
  // Answered at the first segment (x-smpp-sar-prompt-responses): the others' ids are not known
  // yet; their delivery reports carry them.
  const bool complete = f.outcomes == f.request.frames.size();
  if (complete && f.message_ids.size() > 1)
    e.attrs.emplace_back(attr::message_ids, join_ids(f.message_ids));
  else
    e.attrs.emplace_back(attr::message_ids, first_id);
  e.attrs.emplace_back(attr::segments, std::to_string(f.request.frames.size()));
  if (f.resubmitted > 0) e.attrs.emplace_back(attr::retries, std::to_string(f.resubmitted));
  // Accepted parts without a message id: no delivery report can be matched to them.
  std::string missing;
  const std::size_t known =
      complete ? f.message_ids.size() : std::min<std::size_t>(1, f.message_ids.size());
  for (std::size_t i = 0; i < known; ++i)
    if (f.message_ids[i].empty()) missing += fmt::format("{}{}", missing.empty() ? "" : ",", i + 1);
  if (!missing.empty()) e.attrs.emplace_back(attr::message_id_missing, std::move(missing));
  f.answered = true;
  config_.metrics->request_answered(SMSDRV_OK, {});
}

void channel_core::respond_failure(std::uint64_t request_id, std::int32_t status, std::string text,
                                   attributes attrs) {
  if (batching_failures_) {
    auto b = std::find_if(failure_batches_.begin(), failure_batches_.end(),
                          [&](const failure_batch& x) { return x.status == status; });
    if (b == failure_batches_.end())
      b = failure_batches_.insert(failure_batches_.end(),
                                  failure_batch{status, text, id_ranges(16)});
    b->ids.add(request_id);
    if (logging(log_level::debug))
      log(log_level::debug, fmt::format("request {} failed: {}", request_id, text));
  } else {
    log(log_level::warn, fmt::format("request {} failed: {}", request_id, text), request_id);
  }
  std::string_view smpp_status;
  for (const auto& [key, value] : attrs)
    if (key == attr::error_name) smpp_status = value;
  config_.metrics->request_answered(status, smpp_status);
  channel_event e;
  e.type = SMSDRV_EVENT_RESPONSE;
  e.request_id = request_id;
  e.status = status;
  e.text = std::move(text);
  e.attrs = std::move(attrs);
  events_.push_back(std::move(e));
}

void channel_core::segment_failed(std::size_t slot, std::uint16_t segment, std::int32_t status,
                                  std::string text, std::uint32_t smpp_status) {
  in_flight& f = slots_[slot];
  const std::size_t total = f.request.frames.size();
  if (sending_slot_ == slot) sending_slot_.reset();  // the rest of the message is not sent
  f.abandoned = true;
  drop_resends(slot);
  if (total > 1) text = fmt::format("segment {} of {}: {}", segment + 1, total, text);
  if (f.drained) {
    // Answered as outcome unknown at the drain deadline; what comes now changes nothing.
    if (logging(log_level::debug))
      log(log_level::debug, fmt::format("request {} (answered at the drain deadline): {}",
                                        f.request.request_id, text));
  } else if (f.answered) {
    log(log_level::warn,
        fmt::format("request {} was already answered (x-smpp-sar-prompt-responses) when {}",
                    f.request.request_id, text),
        f.request.request_id);
  } else {
    attributes a;
    if (smpp_status != cs::esme_rok) {
      a.emplace_back(attr::error_code, fmt::format("0x{:08X}", smpp_status));
      a.emplace_back(attr::error_name, std::string(smpp::status_name(smpp_status)));
    }
    if (total > 1) a.emplace_back(attr::failed_segment, fmt::format("{}/{}", segment + 1, total));
    if (f.resubmitted > 0) a.emplace_back(attr::retries, std::to_string(f.resubmitted));
    respond_failure(f.request.request_id, status, std::move(text), std::move(a));
    f.answered = true;
  }
  release_if_done(slot);
}

void channel_core::on_response(std::uint64_t tag, const smpp::pdu& response) {
  const std::size_t slot = slot_of(tag);
  const std::uint16_t segment = segment_of(tag);
  in_flight& f = slots_[slot];
  const std::uint32_t status = response.command_status;
  const bool nack = response.id() == smpp::command_id::generic_nack;
  config_.metrics->submit_answered(session_tag(tag, config_.session_index), status, nack, now_);
  if (status != cs::esme_rok || nack) {
    const std::uint32_t st = status != cs::esme_rok ? status : cs::esme_rinvcmdid;
    if (resubmit_refused(slot, segment, st)) return;
    ++f.outcomes;
    const std::uint8_t retried = f.segments[segment].policy_retries;
    segment_failed(slot, segment, SMSDRV_E_SMSC_REJECTED,
                   fmt::format("the SMSC rejected the message: {}{}{}", smpp::status_display(st),
                               nack ? " (generic_nack)" : "",
                               retried > 0 ? fmt::format(", also after {} resubmission(s) "
                                                         "(x-smpp-error-policy)",
                                                         retried)
                                           : std::string()),
                   st);
    return;
  }
  ++f.outcomes;
  // The SMSC read this one after the refusal that began the latest pause, and took it: it takes
  // messages again, whether the submission was written before that pause began or after.
  const std::uint64_t written_as = f.segments[segment].written_as;
  if (written_as > pause_cause_) pauses_in_a_row_ = 0;
  latest_accepted_ = std::max(latest_accepted_, written_as);
  std::string_view id;
  if (const auto* r = std::get_if<smpp::submit_sm_resp>(&response.body)) id = r->message_id;
  f.message_ids[segment].assign(id);
  f.segments[segment].accepted = true;
  if (id.empty() && !std::exchange(missing_id_logged_, true))
    log(log_level::warn,
        fmt::format("the SMSC {} accepted a submit_sm without a usable message_id (empty or "
                    "unreadable): its delivery reports cannot be matched to the request; the "
                    "response says so (_smsMessageIdMissing); said once per connection",
                    smsc_label()));
  if (f.request.wants_receipt && !id.empty())
    receipts_.remember(id,
                       receipt_origin{f.request.request_id, static_cast<std::uint16_t>(segment + 1),
                                      static_cast<std::uint16_t>(f.request.frames.size())},
                       now_);
  if (!f.answered && !f.abandoned &&
      ((f.request.prompt_response && segment == 0) || f.outcomes == f.request.frames.size()))
    respond_ok(f);
  release_if_done(slot);
}

void channel_core::on_response_timeout(std::uint64_t tag) {
  config_.metrics->submit_unanswered(session_tag(tag, config_.session_index), false);
  const std::size_t slot = slot_of(tag);
  ++slots_[slot].outcomes;
  segment_failed(slot, segment_of(tag), SMSDRV_E_TIMEOUT,
                 fmt::format("no submit_sm_resp within {:.1f} s "
                             "(x-smpp-response-max-waiting-time)",
                             seconds_of(config_.session.request_timeout)),
                 cs::esme_rok);
}

void channel_core::on_request_lost(std::uint64_t tag) {
  config_.metrics->submit_unanswered(session_tag(tag, config_.session_index), true);
  const std::size_t slot = slot_of(tag);
  const std::uint16_t segment = segment_of(tag);
  in_flight& f = slots_[slot];
  segment_state& s = f.segments[segment];
  if (config_.in_flight_on_disconnect == in_flight_policy::resubmit && !f.abandoned &&
      !shutting_down_ && s.lost < max_resubmits_after_loss) {
    ++s.lost;
    s.last_status = cs::esme_rok;
    schedule_resend(slot, segment, now_);
    return;
  }
  ++f.outcomes;
  segment_failed(slot, segment, SMSDRV_E_OUTCOME_UNKNOWN,
                 s.lost > 0 ? fmt::format("the link to the SMSC was lost before it answered, for "
                                          "the {}th time; not submitted again (it may be what "
                                          "breaks the link); the message may or may not have "
                                          "been accepted",
                                          s.lost + 1)
                            : std::string("the link to the SMSC was lost before it answered; the "
                                          "message may or may not have been accepted"),
                 cs::esme_rok);
}

void channel_core::expire_queue(time_point now) {
  if (session_.bound()) return;
  const auto wait = config_.session.request_timeout;
  auto why = [&] {
    return fmt::format(
        "the channel has not been bound to {} for {:.1f} s "
        "(x-smpp-response-max-waiting-time){}{}",
        smsc_label(), seconds_of(wait),
        last_down_reason_.empty() ? "" : "; last: ", last_down_reason_);
  };
  if (sending_slot_) {
    const std::size_t slot = *sending_slot_;
    in_flight& f = slots_[slot];
    if (down_long_enough(f.request.accepted) <= now)
      fail_unsent(slot, SMSDRV_E_CHANNEL_DOWN,
                  fmt::format("segments {} to {} not sent: {}", f.sent + 1, f.request.frames.size(),
                              why()));
  }
  for (;;) {
    auto it = std::find_if(resend_.begin(), resend_.end(), [&](const resend& r) {
      return down_long_enough(slots_[r.slot].request.accepted) <= now;
    });
    if (it == resend_.end()) break;
    const std::size_t slot = it->slot;
    const std::uint16_t segment = it->segment;
    const std::uint32_t last = slots_[slot].segments[segment].last_status;
    fail_unsent(slot, SMSDRV_E_CHANNEL_DOWN,
                fmt::format("not submitted again{} after {}: {}",
                            segment_label(segment, slots_[slot].request.frames.size()),
                            last == cs::esme_rok ? std::string("the link was lost")
                                                 : smpp::status_display(last),
                            why()));
  }
  while (!queue_.empty() && down_long_enough(queue_.front().accepted) <= now) {
    respond_failure(queue_.front().request_id, SMSDRV_E_CHANNEL_DOWN, why());
    queue_.pop_front();
  }
}

void channel_core::shutdown(time_point now, time_point deadline) {
  now_ = now;
  if (shutting_down_) return;
  shutting_down_ = true;
  drain_deadline_ = deadline;
  log(log_level::info,
      fmt::format("shutting down: {} queued request(s) fail unsent; {} request(s) in flight are "
                  "waited for until the drain deadline ({} ms)",
                  queue_.size(), in_flight_requests_,
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::max(deadline - now, time_point::duration::zero()))
                      .count()));
  begin_failure_batch();
  for (const prepared_request& r : queue_)
    respond_failure(r.request_id, SMSDRV_E_SHUT_DOWN,
                    "the driver shut down before the message was sent");
  queue_.clear();
  if (sending_slot_) {
    // A long message part-way out: the rest is not sent. Answered once its written segments
    // are (release_if_done), or at the drain deadline.
    const std::size_t slot = *sending_slot_;
    sending_slot_.reset();
    slots_[slot].abandoned = true;
    release_if_done(slot);
  }
  while (!resend_.empty()) {
    const std::size_t slot = resend_.front().slot;
    const std::uint16_t segment = resend_.front().segment;
    const std::uint32_t last = slots_[slot].segments[segment].last_status;
    fail_unsent(slot, SMSDRV_E_SHUT_DOWN,
                fmt::format("the driver shut down before the message{} was submitted again "
                            "after {}",
                            segment_label(segment, slots_[slot].request.frames.size()),
                            last == cs::esme_rok ? std::string("the link was lost")
                                                 : smpp::status_display(last)));
  }
  end_failure_batch("shutdown");
  inbound_.drain(now, wall_now_);
  if (now >= deadline) end_drain();
  if (phase_ == phase::waiting) {
    phase_ = phase::stopped;
    emit_state("shut-down", SMSDRV_E_SHUT_DOWN, "shut down (was not connected)");
    write_log_summaries(true);
  } else if (phase_ == phase::connected) {
    on_tick(now, wall_now_);
  }
}

void channel_core::end_drain() {
  drain_ended_ = true;
  if (in_flight_requests_ == 0) return;
  begin_failure_batch();
  for (std::size_t slot = 0; slot < slots_.size(); ++slot) {
    in_flight& f = slots_[slot];
    if (!f.in_use || f.answered) continue;
    // Written and not (fully) answered: the SMSC may have taken it. Segments waiting for a
    // resubmission were failed when the shutdown began.
    const std::size_t total = f.request.frames.size();
    std::string text =
        "no answer from the SMSC before the shutdown's drain deadline; the "
        "message may or may not have been accepted";
    if (total > 1) text += "; " + segments_sent_text(f);
    attributes a;
    if (total > 1) a.emplace_back(attr::message_ids, join_ids(f.message_ids));
    if (f.resubmitted > 0) a.emplace_back(attr::retries, std::to_string(f.resubmitted));
    respond_failure(f.request.request_id, SMSDRV_E_OUTCOME_UNKNOWN, std::move(text), std::move(a));
    f.answered = true;
    f.drained = true;
    f.abandoned = true;
  }
  end_failure_batch("shutdown: the drain deadline passed");
}

std::string channel_core::segments_sent_text(const in_flight& f) const {
  const std::size_t total = f.request.frames.size();
  std::size_t accepted = 0;
  std::string ids;
  for (std::size_t i = 0; i < f.segments.size(); ++i) {
    if (!f.segments[i].accepted) continue;
    ++accepted;
    if (!ids.empty()) ids += ',';
    ids += f.message_ids[i];
  }
  std::string out = fmt::format("{} of {} {} sent", segments_text(1, f.sent), total,
                                f.sent == 1 ? "was" : "were");
  if (accepted == f.sent && accepted > 0)
    out += fmt::format(" and accepted (message id{} {})", accepted == 1 ? "" : "s", ids);
  else if (accepted > 0)
    out += fmt::format(" ({} accepted: message id{} {})", accepted, accepted == 1 ? "" : "s", ids);
  if (f.sent < total)
    out += fmt::format("; {} {} never sent", segments_text(f.sent + 1, total),
                       total - f.sent == 1 ? "was" : "were");
  return out;
}

void channel_core::respond_stopped(in_flight& f) {
  const std::size_t total = f.request.frames.size();
  attributes a;
  a.emplace_back(attr::message_ids, join_ids(f.message_ids));
  a.emplace_back(attr::segments, std::to_string(total));
  if (f.sent < total) a.emplace_back(attr::failed_segment, fmt::format("{}/{}", f.sent + 1, total));
  if (f.resubmitted > 0) a.emplace_back(attr::retries, std::to_string(f.resubmitted));
  respond_failure(f.request.request_id, SMSDRV_E_SHUT_DOWN,
                  fmt::format("the driver shut down after {}", segments_sent_text(f)),
                  std::move(a));
  f.answered = true;
}

void channel_core::begin_failure_batch() {
  batching_failures_ = true;
  failure_batches_.clear();
}

void channel_core::end_failure_batch(std::string_view what) {
  batching_failures_ = false;
  for (const failure_batch& b : failure_batches_) {
    // Shutting down is asked for: its SMSDRV_E_SHUT_DOWN answers are no problem.
    const log_level level = b.status == SMSDRV_E_SHUT_DOWN ? log_level::info : log_level::warn;
    if (!logging(level)) continue;
    const std::size_t n = b.ids.count();
    log_.write(level, log_name_,
               fmt::format("{}: {} request{} failed with {} (request{} {}){}{}", what, n,
                           n == 1 ? "" : "s", ::smsdrv::status_name(b.status), n == 1 ? "" : "s",
                           b.ids.text(), n == 1 ? ": " : "; the first: ", b.first_text));
  }
  failure_batches_.clear();
}

// ---- inbound -------------------------------------------------------------------------------

bool channel_core::wants_input() const noexcept {
  return inbound_.accepting() || session_.awaiting_response();
}

bool channel_core::respond(std::uint64_t connection, std::uint32_t sequence_number, bool data_sm,
                           std::uint32_t command_status) {
  const bool sent = data_sm
                        ? session_.respond_data_sm(connection, sequence_number, command_status)
                        : session_.respond_deliver_sm(connection, sequence_number, command_status);
  session_.drain(*this);
  return sent;
}

bool channel_core::ack(std::uint64_t ack_id, std::int32_t disposition) {
  // now_ is the time of the latest call: close enough for the tracker's doubt window.
  return inbound_.ack(ack_id, disposition, now_, wall_now_);
}

void channel_core::on_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm& message) {
  inbound_.on_deliver_sm(sequence_number, message, now_, wall_now_);
}

void channel_core::on_data_sm(std::uint32_t sequence_number, const smpp::data_sm& message) {
  inbound_.on_data_sm(sequence_number, message, now_, wall_now_);
}

void channel_core::on_alert_notification(const smpp::alert_notification& alert) {
  log(log_level::info,
      fmt::format("alert_notification: {} is available again",
                  shown_field(log_.masking().get(), "source_addr", alert.source_addr)));
}

// ---- events and logs -----------------------------------------------------------------------

void channel_core::emit_state(std::string_view state, std::int32_t status, std::string text,
                              std::string reason) {
  // Shutting down is asked for; every other state but "bound" is a problem worth a warning.
  log(status == SMSDRV_OK || status == SMSDRV_E_SHUT_DOWN ? log_level::info : log_level::warn,
      text);
  if (status != SMSDRV_OK) config_.metrics->link_down(config_.session_index);
  channel_event e;
  e.type = SMSDRV_EVENT_CHANNEL_STATE;
  e.status = status;
  e.text = std::move(text);
  e.attrs.emplace_back(attr::state, std::string(state));
  e.attrs.emplace_back(attr::smsc, smsc_label());
  if (has_failover())
    e.attrs.emplace_back(attr::smsc_role, endpoint_index_ == 0 ? "primary" : "secondary");
  if (!reason.empty()) e.attrs.emplace_back(attr::reason, std::move(reason));
  events_.push_back(std::move(e));
}

void channel_core::log(log_level level, std::string message, std::uint64_t request_id) {
  if (!logging(level)) return;
  if (level <= log_level::warn && !limiter_.admit(level, message, now_, request_id)) return;
  log_.write(level, log_name_, message);
}

void channel_core::write_log_summaries(bool all) {
  if (!all && now_ < limiter_.next_deadline()) return;
  summaries_.clear();
  limiter_.take_summaries(now_, summaries_, all);
  for (const log_limiter::summary& s : summaries_)
    if (logging(s.level)) log_.write(s.level, log_name_, s.text);
}

}  // namespace smsdrv::channel
