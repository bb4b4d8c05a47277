#include "channel/channel_core.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "channel/log_privacy.hpp"
#include "channel/request_tracker_impl.hpp"
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

// An SMPP status as attributes of a failed request (none for ESME_ROK).
attributes smpp_error(std::uint32_t status) {
  attributes a;
  if (status != cs::esme_rok) {
    a.emplace_back(attr::error_code, fmt::format("0x{:08X}", status));
    a.emplace_back(attr::error_name, std::string(smpp::status_name(status)));
  }
  return a;
}

// The SMSC refused who we are: retrying soon will not help (ESME_RINVPASWD and friends).
bool credentials_problem(std::uint32_t status) {
  return status == cs::esme_rinvpaswd || status == cs::esme_rinvsysid ||
         status == cs::esme_rbindfail || status == cs::esme_rinvsystyp;
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
               (shared ? shared : own_shared_.get())->remote.get()),
      tracker_(tracker_t::settings{}, *this, rate_, *config_.metrics, events_) {
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
  tracker_.end_pause();
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
  const std::size_t waiting_before = tracker_.resends_waiting();
  begin_failure_batch();
  session_.on_closed(now);
  session_.drain(*this);  // unanswered submissions: on_request_lost
  end_failure_batch(fmt::format("link to {} closed ({}) with {} submission(s) unanswered",
                                smsc_label(), reason, in_flight_before));
  if (in_flight_before > 0 && tracker_.resends_waiting() > waiting_before)
    log(log_level::info,
        fmt::format("{} submission(s) in flight when the link closed are sent again after the "
                    "reconnect (x-smpp-in-flight-on-disconnect = resubmit)",
                    tracker_.resends_waiting() - waiting_before));
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
    // A lost primary link is tried again first, with the channel's own secondary SMSC still to
    // come if that fails: the channel is not out of SMSCs, and x-failover-channel waits for it
    // (failover_router; docs/reliability.md "Failover to another channel").
    bool own_smsc_left = false;
    for (std::size_t g = 0; g < link_.size(); ++g)
      own_smsc_left |= g != from && g != next && link_.state(g) != gateway_state::backing_off;
    if (own_smsc_left) events_.back().attrs.emplace_back(attr::secondary_pending, "true");
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
  if (shutting_down_ && !tracker_.drain_ended() && now >= drain_deadline_) end_drain();
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
      (tracker_.in_flight_requests() == 0 || tracker_.drain_ended())) {
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
    const time_point work = tracker_.work_at();
    if (work != time_point::max())
      t = std::min(t,
                   std::max({work, rate_.next_available(time_point{}), tracker_.paused_until()}));
  }
  if (!session_.bound())
    t = std::min(t, tracker_.next_expiry(unbound_since_, config_.session.request_timeout));
  if (auto r = inbound_.next_deadline()) t = std::min(t, *r);
  if (shutting_down_ && !tracker_.drain_ended() && tracker_.in_flight_requests() != 0)
    t = std::min(t, drain_deadline_);
  if (shutting_down_ && phase_ == phase::connected) {
    // The last response of the drain came in (or its deadline passed): unbind now.
    const bool now_due = (session_.state() == smpp::session_state::bound ||
                          session_.state() == smpp::session_state::binding) &&
                         (tracker_.in_flight_requests() == 0 || tracker_.drain_ended());
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
  tracker_.enqueue(std::move(request), now);
}

void channel_core::take_unsent(std::size_t limit, std::vector<unsent_request>& out) {
  tracker_.take_unsent(limit, out);
}

bool channel_core::can_write(time_point) {
  // Leaving the secondary SMSC: nothing new goes out.
  return session_.can_submit() && session_.outstanding() < config_.window && !returning_;
}

void channel_core::recycle(prepared_request& r) {
  if (spent_frames_.size() < config_.window && r.frames.capacity() <= recycled_frames_max) {
    r.frames.clear();
    spent_frames_.push_back(std::move(r.frames));
  }
}

void channel_core::write_part(std::size_t slot, std::uint16_t segment, bool retried,
                              time_point now) {
  const std::uint64_t tag = tracker_t::tag_of(slot, segment);
  const smpp::codec_status st =
      session_.send_encoded_request(tracker_.slot(slot).request.frames[segment], tag, now);
  session_.drain(*this);
  if (!st.ok()) {
    tracker_.failed(slot, segment, SMSDRV_E_INTERNAL,
                    fmt::format("the submit_sm could not be sent: {}", st.message()),
                    smpp_error(st.command_status));
    return;
  }
  config_.metrics->submit_sent(session_tag(tag, config_.session_index), now, retried);
}

bool channel_core::resubmit_refused(std::size_t slot, std::uint16_t segment, std::uint32_t status) {
  tracker_t::in_flight& f = tracker_.slot(slot);
  part_state& s = f.part[segment];
  s.last_refusal = status;
  if (f.abandoned || shutting_down_) return false;
  const flow::error_rule rule = config_.error_policy.rule_for(status);
  if (rule.action == flow::error_action::fail) return false;
  // A pause rule's status is about the channel, not the message (SMPP v3.4 §5.1.3:
  // ESME_RTHROTTLED, ESME_RMSGQFUL): a refusal counts against `retry N` only while the SMSC
  // accepts nothing it read after this segment's previous refusal, as a pause grows. A retry
  // rule counts every refusal: the message itself may be what the SMSC cannot take.
  if (rule.action == flow::error_action::pause && s.refusals > 0 &&
      tracker_.latest_accepted() > s.refused_as)
    s.refusals_in_row = 0;
  if (s.refusals_in_row >= rule.retries || s.refusals >= max_policy_resubmissions) return false;
  ++s.refusals_in_row;
  ++s.refusals;
  s.refused_as = s.written_as;
  time_point due = now_;
  if (rule.action == flow::error_action::retry)
    due = now_ + rule.delay;
  else
    start_pause(rule, s.written_as);
  if (logging(log_level::debug))
    log(log_level::debug,
        fmt::format("request {}{}: the SMSC answered {}; submitting it again (resubmission {} "
                    "of {} in a row, {} in all; x-smpp-error-policy: {})",
                    f.request.request_id, segment_label(segment, f.parts),
                    smpp::status_display(status), s.refusals_in_row, rule.retries, s.refusals,
                    flow::describe(rule)));
  tracker_.resend(slot, segment, due);
  return true;
}

void channel_core::start_pause(const flow::error_rule& rule, std::uint64_t refused_write) {
  // A refusal of a segment written before the latest pause began was answered by that pause.
  if (tracker_.pause_answered(refused_write)) return;
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
  tracker_.pause_until(now_ + pause, refused_write);
  log(log_level::warn,
      fmt::format("the SMSC {} answered {}: no submissions for {} (pause {} in a row; "
                  "x-smpp-error-policy: {})",
                  smsc_label(), smpp::status_display(rule.command_status),
                  pause < std::chrono::seconds(1) ? fmt::format("{} ms", pause.count())
                                                  : fmt::format("{:.1f} s", seconds_of(pause)),
                  pauses_in_a_row_, flow::describe(rule)));
}

void channel_core::on_response(std::uint64_t tag, const smpp::pdu& response) {
  const std::size_t slot = tracker_t::slot_of(tag);
  const std::uint16_t segment = tracker_t::part_of(tag);
  tracker_t::in_flight& f = tracker_.slot(slot);
  const std::uint32_t status = response.command_status;
  const bool nack = response.id() == smpp::command_id::generic_nack;
  config_.metrics->submit_answered(session_tag(tag, config_.session_index), status, nack, now_);
  if (status != cs::esme_rok || nack) {
    const std::uint32_t st = status != cs::esme_rok ? status : cs::esme_rinvcmdid;
    if (resubmit_refused(slot, segment, st)) return;
    const std::uint8_t retried = f.part[segment].refusals;
    tracker_.failed(slot, segment, SMSDRV_E_SMSC_REJECTED,
                    fmt::format("the SMSC rejected the message: {}{}{}", smpp::status_display(st),
                                nack ? " (generic_nack)" : "",
                                retried > 0 ? fmt::format(", also after {} resubmission(s) "
                                                          "(x-smpp-error-policy)",
                                                          retried)
                                            : std::string()),
                    smpp_error(st));
    return;
  }
  // The SMSC read this one after the refusal that began the latest pause, and took it: it takes
  // messages again, whether the submission was written before that pause began or after.
  if (f.part[segment].written_as > tracker_.pause_cause()) pauses_in_a_row_ = 0;
  std::string_view id;
  if (const auto* r = std::get_if<smpp::submit_sm_resp>(&response.body)) id = r->message_id;
  if (id.empty() && !std::exchange(missing_id_logged_, true))
    log(log_level::warn,
        fmt::format("the SMSC {} accepted a submit_sm without a usable message_id (empty or "
                    "unreadable): its delivery reports cannot be matched to the request; the "
                    "response says so (_smsMessageIdMissing); said once per connection",
                    smsc_label()));
  if (f.request.wants_receipt && !id.empty())
    receipts_.remember(id,
                       receipt_origin{f.request.request_id, static_cast<std::uint16_t>(segment + 1),
                                      static_cast<std::uint16_t>(f.parts)},
                       now_);
  tracker_.accepted(slot, segment, id);
}

void channel_core::on_response_timeout(std::uint64_t tag) {
  config_.metrics->submit_unanswered(session_tag(tag, config_.session_index), false);
  tracker_.failed(tracker_t::slot_of(tag), tracker_t::part_of(tag), SMSDRV_E_TIMEOUT,
                  fmt::format("no submit_sm_resp within {:.1f} s "
                              "(x-smpp-response-max-waiting-time)",
                              seconds_of(config_.session.request_timeout)));
}

void channel_core::on_request_lost(std::uint64_t tag) {
  config_.metrics->submit_unanswered(session_tag(tag, config_.session_index), true);
  const std::size_t slot = tracker_t::slot_of(tag);
  const std::uint16_t segment = tracker_t::part_of(tag);
  tracker_t::in_flight& f = tracker_.slot(slot);
  part_state& s = f.part[segment];
  if (config_.in_flight_on_disconnect == in_flight_policy::resubmit && !f.abandoned &&
      !shutting_down_ && s.lost < max_resubmits_after_loss) {
    ++s.lost;
    s.last_refusal = cs::esme_rok;
    tracker_.resend(slot, segment, now_);
    return;
  }
  tracker_.failed(slot, segment, SMSDRV_E_OUTCOME_UNKNOWN,
                  s.lost > 0 ? fmt::format("the link to the SMSC was lost before it answered, for "
                                           "the {}th time; not submitted again (it may be what "
                                           "breaks the link); the message may or may not have "
                                           "been accepted",
                                           s.lost + 1)
                             : std::string("the link to the SMSC was lost before it answered; the "
                                           "message may or may not have been accepted"));
}

void channel_core::expire_queue(time_point now) {
  if (session_.bound()) return;
  tracker_.expire(now, unbound_since_, config_.session.request_timeout);
}

std::string channel_core::unsent_text(unsent_reason why, const prepared_request&,
                                      const tracker_t::in_flight* f, std::uint16_t segment) {
  auto down = [&] {
    return fmt::format(
        "the channel has not been bound to {} for {:.1f} s "
        "(x-smpp-response-max-waiting-time){}{}",
        smsc_label(), seconds_of(config_.session.request_timeout),
        last_down_reason_.empty() ? "" : "; last: ", last_down_reason_);
  };
  auto last_refusal = [&] {
    const std::uint32_t last = f->part[segment].last_refusal;
    return last == cs::esme_rok ? std::string("the link was lost") : smpp::status_display(last);
  };
  switch (why) {
    case unsent_reason::enqueued_after_shutdown:
      return "the driver is shutting down; the message was not sent";
    case unsent_reason::shutdown_queued:
      return "the driver shut down before the message was sent";
    case unsent_reason::shutdown_resend:
      return fmt::format("the driver shut down before the message{} was submitted again after {}",
                         segment_label(segment, f->parts), last_refusal());
    case unsent_reason::expired_queued:
      return down();
    case unsent_reason::expired_part_way:
      return fmt::format("segments {} to {} not sent: {}", f->sent + 1, f->parts, down());
    case unsent_reason::expired_resend:
      return fmt::format("not submitted again{} after {}: {}", segment_label(segment, f->parts),
                         last_refusal(), down());
    case unsent_reason::drain_deadline:
      break;
  }
  return "no answer from the SMSC before the shutdown's drain deadline; the message may or may "
         "not have been accepted";
}

void channel_core::shutdown(time_point now, time_point deadline) {
  now_ = now;
  if (shutting_down_) return;
  shutting_down_ = true;
  drain_deadline_ = deadline;
  log(log_level::info,
      fmt::format("shutting down: {} queued request(s) fail unsent; {} request(s) in flight are "
                  "waited for until the drain deadline ({} ms)",
                  tracker_.queued(), tracker_.in_flight_requests(),
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::max(deadline - now, time_point::duration::zero()))
                      .count()));
  tracker_.shutdown(now, deadline);
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

void channel_core::log_summary(log_level level, std::string line) {
  log_.write(level, log_name_, line);
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

// The tracker for SMPP, compiled here so that its calls of this transport can be inlined.
template class request_tracker<prepared_request, channel_core>;

}  // namespace smsdrv::channel
