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

// An SMPP status as attributes of a failed request (none for ESME_ROK).
attributes smpp_error(std::uint32_t status) {
  attributes a;
  if (status != cs::esme_rok) {
    a.emplace_back(attr::error_code, fmt::format("0x{:08X}", status));
    a.emplace_back(attr::error_name, std::string(smpp::status_name(status)));
  }
  return a;
}

// Reassembly tokens name the PDU to acknowledge: connection, data_sm flag, sequence number
// (sequence numbers use 31 bits, §5.1.4).
constexpr std::uint64_t part_token(std::uint64_t connection, std::uint32_t seq, bool data_sm) {
  return (connection << 32) | (data_sm ? 0x80000000u : 0u) | seq;
}

// The SMSC refused who we are: retrying soon will not help (ESME_RINVPASWD and friends).
bool credentials_problem(std::uint32_t status) {
  return status == cs::esme_rinvpaswd || status == cs::esme_rinvsysid ||
         status == cs::esme_rbindfail || status == cs::esme_rinvsystyp;
}

std::uint64_t seed_from(const channel_config& c) {
  return c.seed != 0 ? c.seed : std::hash<std::string>{}(c.name) ^ 0x9E3779B97F4A7C15ull;
}

// x-smpp-in-flight-on-disconnect = resubmit: a segment lost with the link this often is not sent
// again (it may be what breaks the link).
constexpr std::uint8_t max_resubmits_after_loss = 3;

// x-smpp-error-policy: one segment is never submitted more often than the largest `retry N` a
// rule may give, whatever the SMSC accepts meanwhile, so that every request gets its outcome.
constexpr std::uint8_t max_policy_resubmissions = 100;

redelivery_tracker::options redelivery_options(const channel_config& c) {
  redelivery_tracker::options o;
  // A dead peer is noticed after the receive timeout at the latest: an acknowledgement written
  // that long before the link broke may have been lost with it.
  if (c.session.dead_peer_timeout.count() > 0)
    o.doubt = c.session.dead_peer_timeout + c.session.response_timeout;
  return o;
}

std::string segment_label(std::size_t segment, std::size_t total) {
  return total > 1 ? fmt::format(" (segment {} of {})", segment + 1, total) : std::string();
}

// What an inbound event costs while it waits for the host, as counted against
// x-smpp-inbound-max-unacked-bytes: its strings, plus a fixed share for the containers.
std::size_t held_size(const channel_event& e) {
  std::size_t n = 128 + e.text.size();
  for (const auto& [k, v] : e.attrs)
    n += 32 + k.size() + v.size();
  return n;
}

}  // namespace

channel_core::channel_core(channel_config config, log_sink& log, time_point now,
                           session_shared* shared)
    : config_(std::move(config)),
      log_(log),
      session_(config_.session),
      own_shared_(shared ? nullptr : std::make_unique<session_shared>(config_)),
      rate_(*(shared ? shared : own_shared_.get())->gate),
      backoff_(config_.reconnect_initial, config_.reconnect_cap, seed_from(config_)),
      receipts_((shared ? shared : own_shared_.get())->receipts),
      reassembler_((shared ? shared : own_shared_.get())->reassembler),
      redeliveries_(redelivery_options(config_)),
      retry_at_(now),
      unbound_since_(now),
      // A channel of several binds logs each one's lines as channel-sms1#2 (x-smpp-sessions).
      log_name_(config_.sessions > 1 ? fmt::format("{}#{}", config_.name, config_.session_index + 1)
                                     : config_.name),
      next_ack_id_((std::uint64_t{config_.session_index} << session_ack_shift) + 1),
      tracker_(tracker_t::settings{}, *this, rate_, *config_.metrics, events_) {
  session_.set_tracing(config_.trace_pdus);
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
  probe_at_ = time_point::max();
}

std::optional<smsc_endpoint> channel_core::connect_due(time_point now) {
  if (phase_ != phase::waiting || shutting_down_ || now < retry_at_ || config_.endpoints.empty())
    return std::nullopt;
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
  schedule_reconnect(now);
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
  // SMSC; their acknowledgements can no longer be sent. They stay in pending_acks_ until the host
  // acknowledges them all the same: they still count against x-smpp-inbound-max-unacked (the
  // host holds them), and the host's decision on a reassembled message must still confirm or
  // reopen it in the reassembler.
  redeliveries_.connection_closed(connection, std::exchange(orderly_close_, false), now);
  // Held back unanswered: the SMSC delivers them again.
  backlog_.clear();
  backlog_bytes_ = 0;
  if (shutting_down_) {
    phase_ = phase::stopped;
    emit_state("shut-down", SMSDRV_E_SHUT_DOWN,
               fmt::format("link to {} closed for shutdown", smsc_label()));
    write_log_summaries(true);
    return;
  }
  schedule_reconnect(now);
}

void channel_core::schedule_reconnect(time_point now) {
  phase_ = phase::waiting;
  const bool was_bound = std::exchange(bound_on_connection_, false);
  if (has_failover()) {
    if (returning_) {
      // We left the secondary on purpose: the primary answered a probe.
      returning_ = false;
      return_deadline_ = time_point::max();
      use_endpoint(0);
      retry_at_ = now;
      credentials_refused_ = false;
      last_down_reason_.clear();
      log(log_level::info, fmt::format("left the secondary SMSC {}; connecting to the primary {}",
                                       smsc_label(1), smsc_label(0)));
      return;
    }
    if (endpoint_index_ == 0 && !was_bound) {
      // The primary cannot be reached or refuses the bind: the secondary, at once.
      emit_state("failover", SMSDRV_E_CHANNEL_DOWN,
                 fmt::format("primary SMSC {} unavailable: {}; switching to the secondary SMSC {}",
                             smsc_label(0), last_down_reason_, smsc_label(1)),
                 last_down_reason_);
      events_.back().attrs.emplace_back(attr::retry_in_ms, "0");
      use_endpoint(1);
      retry_at_ = now;
      credentials_refused_ = false;
      return;
    }
  }
  const auto delay = credentials_refused_ ? backoff_.at_cap() : backoff_.next();
  credentials_refused_ = false;
  retry_at_ = now + delay;
  config_.metrics->reconnect_scheduled();
  // Every reconnect starts with the primary; a lost primary link is tried again first.
  const std::size_t next = has_failover() ? 0 : endpoint_index_;
  emit_state("down", SMSDRV_E_CHANNEL_DOWN,
             fmt::format(
                 "link to {} down: {}; reconnecting{} in {:.1f} s", smsc_label(), last_down_reason_,
                 next != endpoint_index_ ? fmt::format(" to the primary SMSC {}", smsc_label(next))
                                         : std::string(),
                 seconds_of(delay)),
             last_down_reason_);
  events_.back().attrs.emplace_back(attr::retry_in_ms, std::to_string(delay.count()));
  use_endpoint(next);
}

std::optional<smsc_endpoint> channel_core::probe_due(time_point now) {
  if (!has_failover() || endpoint_index_ != 1 || !session_.bound() || returning_ || probing_ ||
      shutting_down_ || now < probe_at_)
    return std::nullopt;
  probing_ = true;
  probe_at_ = time_point::max();
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
  if (probe_.result() == smsc_probe::outcome::bound) {
    if (endpoint_index_ == 1 && session_.bound() && !returning_) begin_return(now);
    return;
  }
  probe_at_ = now + config_.failover_probe_interval;
  log(log_level::info,
      fmt::format("primary SMSC {} still unavailable ({}); staying on the secondary {}, next "
                  "probe in {:.1f} s (x-smpp-failover-probe-interval)",
                  smsc_label(0), probe_.detail(), smsc_label(1),
                  seconds_of(config_.failover_probe_interval)));
}

void channel_core::begin_return(time_point now) {
  returning_ = true;
  return_deadline_ = now + config_.session.request_timeout;
  emit_state("returning", SMSDRV_OK,
             fmt::format("primary SMSC {} accepts binds again; leaving the secondary {} once its "
                         "{} submission(s) in flight are answered",
                         smsc_label(0), smsc_label(1), session_.outstanding()));
  on_tick(now, wall_now_);
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
  expire_reassembly(now);
  receipts_.expire(now);
  if (shutting_down_ && !tracker_.drain_ended() && now >= drain_deadline_) end_drain();
  if (returning_ && !shutting_down_ && phase_ == phase::connected && session_.bound() &&
      (ready_to_leave() || now >= return_deadline_)) {
    if (!ready_to_leave())
      log(log_level::warn,
          fmt::format("leaving the secondary SMSC with {} submission(s) unanswered or inbound "
                      "message(s) unacknowledged after {:.1f} s (x-smpp-in-flight-on-disconnect "
                      "applies; the SMSC delivers the messages again)",
                      session_.outstanding(), seconds_of(config_.session.request_timeout)));
    session_.unbind(now);
    session_.drain(*this);
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
  if (phase_ == phase::waiting && !shutting_down_) t = std::min(t, retry_at_);
  if (session_.can_submit() && session_.outstanding() < config_.window && !returning_) {
    const time_point work = tracker_.work_at();
    if (work != time_point::max())
      t = std::min(t,
                   std::max({work, rate_.next_available(time_point{}), tracker_.paused_until()}));
  }
  if (!session_.bound())
    t = std::min(t, tracker_.next_expiry(unbound_since_, config_.session.request_timeout));
  if (auto r = reassembler_.next_deadline()) t = std::min(t, *r);
  if (shutting_down_ && !tracker_.drain_ended() && tracker_.in_flight_requests() != 0)
    t = std::min(t, drain_deadline_);
  if (shutting_down_ && phase_ == phase::connected) {
    // The last response of the drain came in (or its deadline passed): unbind now.
    const bool now_due = (session_.state() == smpp::session_state::bound ||
                          session_.state() == smpp::session_state::binding) &&
                         (tracker_.in_flight_requests() == 0 || tracker_.drain_ended());
    if (now_due) t = time_point{};
  }
  if (returning_ && session_.bound())
    t = std::min(t, ready_to_leave() ? time_point{} : return_deadline_);
  if (endpoint_index_ == 1 && session_.bound() && !returning_ && !probing_ && !shutting_down_)
    t = std::min(t, probe_at_);
  return t;
}

// Leaving the secondary: its responses are in and the host has answered what it received from
// it (else the secondary would deliver those messages again, marked as duplicates).
bool channel_core::ready_to_leave() const noexcept {
  if (session_.outstanding() != 0) return false;
  const std::uint64_t connection = session_.connection_id();
  return std::none_of(pending_acks_.begin(), pending_acks_.end(),
                      [&](const auto& kv) { return kv.second.connection == connection; });
}

// ---- session callbacks: link -----------------------------------------------------------------

void channel_core::on_bound(std::string_view smsc_system_id) {
  config_.metrics->link_bound(config_.session_index);
  backoff_.reset();
  credentials_refused_ = false;
  bound_on_connection_ = true;
  last_down_reason_.clear();
  probe_at_ = has_failover() && endpoint_index_ == 1 ? now_ + config_.failover_probe_interval
                                                     : time_point::max();
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
  std::vector<text::reassembled_message> held;
  reassembler_.drain(held);
  for (text::reassembled_message& m : held) {
    smpp::sm_body fields;
    deliver_reassembled(m, fields, 0, false);
  }
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

std::uint64_t channel_core::new_ack(pending_ack a) {
  const std::uint64_t id = next_ack_id_++;
  pending_ack_bytes_ += a.bytes;
  pending_acks_.emplace(id, std::move(a));
  config_.metrics->inbound_unacked(pending_acks_.size(), config_.session_index);
  note_inbound_pressure();
  return id;
}

bool channel_core::wants_input() const noexcept {
  return accepting_inbound() || session_.awaiting_response();
}

void channel_core::note_inbound_pressure() {
  // Logged with hysteresis: "full" at the cap, "resumed" once the host's share is down to half,
  // so that a host acknowledging at the pace of the SMSC does not write two lines a message.
  const bool full = !accepting_inbound();
  const bool relieved = pending_acks_.size() <= config_.inbound_max_unacked / 2 &&
                        pending_ack_bytes_ <= config_.inbound_max_unacked_bytes / 2;
  if (inbound_full_since_ ? !relieved : !full) return;
  if (full) {
    inbound_full_since_ = now_;
    inbound_deferred_ = 0;
    log(log_level::warn,
        fmt::format("{} inbound message(s) ({} bytes) wait for the host's acknowledgement "
                    "(x-smpp-inbound-max-unacked {}, x-smpp-inbound-max-unacked-bytes {}): "
                    "reading from the SMSC pauses but for the responses the channel awaits; "
                    "deliver_sm read meanwhile wait, unanswered, and beyond {} bytes are answered "
                    "ESME_RX_T_APPN (the SMSC delivers them again later)",
                    pending_acks_.size(), pending_ack_bytes_, config_.inbound_max_unacked,
                    config_.inbound_max_unacked_bytes, backlog_max_bytes));
    return;
  }
  log(log_level::info,
      fmt::format("the host acknowledged inbound messages: {} wait for it now, after {:.1f} s at "
                  "x-smpp-inbound-max-unacked; {} deliver_sm answered ESME_RX_T_APPN meanwhile",
                  pending_acks_.size(), seconds_of(now_ - *inbound_full_since_),
                  inbound_deferred_));
  inbound_full_since_.reset();
}

bool channel_core::ack(std::uint64_t ack_id, std::int32_t disposition) {
  auto it = pending_acks_.find(ack_id);
  if (it == pending_acks_.end()) return false;
  const pending_ack a = std::move(it->second);
  pending_acks_.erase(it);
  pending_ack_bytes_ -= a.bytes;
  config_.metrics->inbound_unacked(pending_acks_.size(), config_.session_index);
  note_inbound_pressure();
  const std::uint32_t status = disposition == SMSDRV_OK ? cs::esme_rok : cs::esme_rx_t_appn;
  bool written = true;
  for (std::uint32_t seq : a.sequence_numbers) {
    const bool sent = a.data_sm ? session_.respond_data_sm(a.connection, seq, status)
                                : session_.respond_deliver_sm(a.connection, seq, status);
    session_.drain(*this);
    written = written && sent;
    if (!sent && logging(log_level::debug))
      log(log_level::debug, fmt::format("acknowledgement of seq {} not sent: its connection is "
                                        "gone; the SMSC will deliver it again",
                                        seq));
  }
  // A refused long message is opened again without its completing part, which the SMSC now
  // delivers again: the message reaches the host once more instead of being taken for a
  // duplicate of one it refused (spec §7).
  if (a.reassembled) {
    if (disposition == SMSDRV_OK)
      reassembler_.confirm(*a.reassembled);
    else
      reassembler_.reopen(*a.reassembled, now_);
  }
  // now_ is the time of the latest call: close enough for the tracker's doubt window.
  if (a.tracked != 0)
    redeliveries_.acknowledged(a.tracked, disposition == SMSDRV_OK, written, now_);
  take_backlog();
  return true;
}

void channel_core::emit_inbound(const inbound_message& m, pending_ack ack, std::string note,
                                redelivery_tracker::fingerprint fp) {
  if (!ack.sequence_numbers.empty()) {
    std::string repeat = redeliveries_.delivered(fp, ack.connection, now_, wall_now_, ack.tracked);
    if (!repeat.empty()) {
      log(log_level::warn,
          fmt::format("message from {}: {}",
                      shown_field(log_.masking().get(), "source_addr", m.source_addr), repeat));
      note = note.empty() ? std::move(repeat) : fmt::format("{}; {}", note, repeat);
    }
  }
  channel_event e;
  e.type = SMSDRV_EVENT_INBOUND;
  e.text = std::move(note);
  inbound_context ctx{name(), config_.application_name, config_.empty_message,
                      config_.subject_characters, wall_now_};
  e.attrs = inbound_attributes(m, ctx);
  if (!ack.sequence_numbers.empty()) {
    ack.bytes = held_size(e);
    e.ack_id = new_ack(std::move(ack));
  }
  events_.push_back(std::move(e));
  config_.metrics->inbound_delivered();
}

void channel_core::on_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm& message) {
  if (held_back(sequence_number, message)) return;
  handle_incoming(sequence_number, message, false);
}

template <class Body>
bool channel_core::held_back(std::uint32_t sequence_number, const Body& message) {
  if (accepting_inbound()) return false;
  constexpr bool data_sm = std::is_same_v<Body, smpp::data_sm>;
  const std::uint64_t connection = session_.connection_id();
  // Kept as it came (re-encoded: the decoded fields are views into the read buffer), not
  // answered: taken once the host acknowledges, in order. Beyond the backlog's bytes, refused
  // with a temporary error: the SMSC keeps the message and delivers it again later.
  std::string wire;
  if (backlog_bytes_ < backlog_max_bytes && smpp::encode(message, sequence_number, wire).ok() &&
      backlog_bytes_ + wire.size() <= backlog_max_bytes) {
    backlog_bytes_ += wire.size();
    backlog_.push_back(held_message{connection, std::move(wire)});
    return true;
  }
  ++inbound_deferred_;
  config_.metrics->inbound_deferred();
  if (data_sm)
    session_.respond_data_sm(connection, sequence_number, cs::esme_rx_t_appn);
  else
    session_.respond_deliver_sm(connection, sequence_number, cs::esme_rx_t_appn);
  session_.drain(*this);
  log_keyed(log_level::warn, "inbound refused: backlog full", [&] {
    return fmt::format(
        "{} seq {} answered ESME_RX_T_APPN: {} inbound message(s) wait for the "
        "host's acknowledgement (x-smpp-inbound-max-unacked {}) and {} more, {} "
        "bytes, wait to be taken",
        data_sm ? "data_sm" : "deliver_sm", sequence_number, pending_acks_.size(),
        config_.inbound_max_unacked, backlog_.size(), backlog_bytes_);
  });
  return true;
}

void channel_core::take_backlog() {
  while (!backlog_.empty() && accepting_inbound()) {
    held_message m = std::move(backlog_.front());
    backlog_.pop_front();
    backlog_bytes_ -= m.wire.size();
    // Unanswered on a connection that is gone: the SMSC delivers it again on the next one.
    if (m.connection != session_.connection_id()) continue;
    if (!smpp::decode(m.wire, backlog_pdu_).ok()) continue;  // it was encoded here
    if (const auto* d = std::get_if<smpp::deliver_sm>(&backlog_pdu_.body))
      on_deliver_sm(backlog_pdu_.sequence_number, *d);
    else if (const auto* ds = std::get_if<smpp::data_sm>(&backlog_pdu_.body))
      on_data_sm(backlog_pdu_.sequence_number, *ds);
  }
}

void channel_core::on_data_sm(std::uint32_t sequence_number, const smpp::data_sm& message) {
  if (held_back(sequence_number, message)) return;
  // data_sm carries its text in message_payload; map it onto the deliver_sm fields.
  smpp::sm_body fields;
  fields.service_type = message.service_type;
  fields.source_addr_ton = message.source_addr_ton;
  fields.source_addr_npi = message.source_addr_npi;
  fields.source_addr = message.source_addr;
  fields.dest_addr_ton = message.dest_addr_ton;
  fields.dest_addr_npi = message.dest_addr_npi;
  fields.destination_addr = message.destination_addr;
  fields.esm_class = message.esm_class;
  fields.registered_delivery = message.registered_delivery;
  fields.data_coding = message.data_coding;
  fields.tlvs = message.tlvs;
  handle_incoming(sequence_number, fields, true);
}

void channel_core::on_alert_notification(const smpp::alert_notification& alert) {
  log(log_level::info,
      fmt::format("alert_notification: {} is available again",
                  shown_field(log_.masking().get(), "source_addr", alert.source_addr)));
}

void channel_core::handle_incoming(std::uint32_t seq, const smpp::sm_body& fields, bool data_sm) {
  const std::uint64_t connection = session_.connection_id();
  inbound_message m = inbound_header(fields, seq);
  // SMPP v3.4 §5.2.12: what kind of deliver_sm this is.
  const smpp::deliver_sm_type type = smpp::deliver_sm_type_of(fields.esm_class);

  if (type == smpp::deliver_sm_type::smsc_receipt ||
      type == smpp::deliver_sm_type::intermediate_notification) {
    smpp::deliver_sm as_deliver;
    static_cast<smpp::sm_body&>(as_deliver) = fields;
    std::optional<smpp::delivery_receipt> r = smpp::read_delivery_receipt(as_deliver);
    if (!r) {
      r.emplace();
      r->text = std::string(fields.short_message);
      const auto rules = log_.masking();
      log(log_level::warn,
          fmt::format("delivery receipt from {} without a message id: '{}'",
                      shown_field(rules.get(), "source_addr", fields.source_addr),
                      shown_field(rules.get(), "short_message", fields.short_message)));
    }
    const bool final = r->state && smpp::is_final_state(*r->state);
    const std::optional<receipt_origin> origin = receipts_.find(r->message_id, final);
    channel_event e;
    e.type = SMSDRV_EVENT_DELIVERY_REPORT;
    e.request_id = origin ? origin->request_id : 0;
    e.text = fmt::format("{} {}", r->message_id, r->stat);
    inbound_context ctx{name(), config_.application_name, config_.empty_message,
                        config_.subject_characters, wall_now_};
    e.attrs = receipt_attributes(*r, m, ctx, origin ? origin->segment : 0,
                                 origin ? origin->segments : 0, smpp::report_kind_name(type));
    e.ack_id = new_ack(pending_ack{.connection = connection,
                                   .sequence_numbers = {seq},
                                   .data_sm = data_sm,
                                   .bytes = held_size(e)});
    events_.push_back(std::move(e));
    config_.metrics->delivery_report(r->state ? smpp::message_state_stat(*r->state) : r->stat);
    return;
  }

  std::string_view payload = fields.short_message;
  if (const smpp::tlv* p = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::message_payload);
      p != nullptr && payload.empty())
    payload = p->value;
  const bool udhi = (fields.esm_class & smpp::esm_class_bits::udhi) != 0;
  text::decode(payload, fields.data_coding, udhi, config_.reassembly.decoding, decoded_);
  if (type == smpp::deliver_sm_type::sme_delivery_ack || type == smpp::deliver_sm_type::user_ack ||
      type == smpp::deliver_sm_type::conversation_abort) {
    m.text = decoded_.text;
    emit_acknowledgement(type, fields, m, data_sm);
    return;
  }
  std::string note = inbound_remark(type, fields, payload);

  text::concat_info concat = decoded_.udh.concat;
  if (!concat.valid()) {
    const smpp::tlv* ref = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::sar_msg_ref_num);
    const smpp::tlv* total = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::sar_total_segments);
    const smpp::tlv* seqnum = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::sar_segment_seqnum);
    if (ref && total && seqnum) {
      concat.method = text::concat_method::sar;
      concat.reference = static_cast<std::uint16_t>(smpp::tlv_integer(*ref).value_or(0));
      concat.total = static_cast<std::uint8_t>(smpp::tlv_integer(*total).value_or(0));
      concat.seqnum = static_cast<std::uint8_t>(smpp::tlv_integer(*seqnum).value_or(0));
    }
  }

  if (concat.valid() && concat.total > 1) {
    text::inbound_part part = text::make_part(
        decoded_, payload, fields.source_addr, fields.destination_addr,
        part_token(connection + (std::uint64_t{config_.session_index} << 24), seq, data_sm));
    part.concat = concat;
    text::reassembled_message done;
    const text::add_result r = reassembler_.add(part, now_, done);
    const auto answer = [&](std::uint32_t status) {
      if (data_sm)
        session_.respond_data_sm(connection, seq, status);
      else
        session_.respond_deliver_sm(connection, seq, status);
      session_.drain(*this);
    };
    switch (r) {
      case text::add_result::held:
      case text::add_result::duplicate:
        // Held in memory (or already delivered): acknowledged now (docs/text.md, spec §7).
        answer(cs::esme_rok);
        return;
      case text::add_result::refused:
        log_keyed(log_level::warn, "reassembly full: part refused", [&] {
          return fmt::format(
              "part {}/{} of a long message from {} refused: reassembly is full ({} incomplete "
              "messages, x-smpp-reassembly-max-messages {}; {} bytes held, "
              "x-smpp-reassembly-max-bytes {}); the SMSC is asked to retry (ESME_RX_T_APPN)",
              concat.seqnum, concat.total,
              shown_field(log_.masking().get(), "source_addr", fields.source_addr),
              reassembler_.open_messages(), config_.reassembly.max_messages,
              reassembler_.bytes_held(), config_.reassembly.max_bytes);
        });
        answer(cs::esme_rx_t_appn);
        return;
      case text::add_result::completed:
        deliver_reassembled(done, fields, seq, data_sm);
        return;
      case text::add_result::awaiting_host: {
        // The completing part again, while the host still holds the message: its answer is the
        // host's decision, on the connection it came in on now.
        const text::message_ref ref = text::ref_of(part);
        for (auto& [id, a] : pending_acks_) {
          if (a.reassembled && *a.reassembled == ref) {
            if (a.connection != connection) a.sequence_numbers.clear();
            a.connection = connection;
            a.data_sm = data_sm;
            a.sequence_numbers.push_back(seq);
            return;
          }
        }
        // Another bind of the channel holds the message for the host (x-smpp-sessions): its
        // decision is not known here, so the SMSC is asked to deliver this part again later;
        // by then the host has decided (a duplicate, answered ESME_ROK, or the message again).
        if (config_.sessions > 1) {
          answer(cs::esme_rx_t_appn);
          return;
        }
        answer(cs::esme_rok);  // the host took it (its decision is no longer pending here)
        return;
      }
      case text::add_result::not_concatenated:
        break;
    }
  }
  // Parts are checked once reassembled: a pair split across two parts decodes then.
  if (decoded_.replacements > 0)
    log(log_level::warn,
        fmt::format("message from {}: {} octet(s) could not be decoded with data_coding {} and "
                    "were replaced by U+FFFD",
                    shown_field(log_.masking().get(), "source_addr", fields.source_addr),
                    decoded_.replacements, fields.data_coding));
  m.text = decoded_.text;
  m.empty = payload.empty();
  emit_inbound(m,
               pending_ack{.connection = connection, .sequence_numbers = {seq}, .data_sm = data_sm},
               std::move(note), redelivery_tracker::of(fields, payload));
}

std::string channel_core::inbound_remark(smpp::deliver_sm_type type, const smpp::sm_body& fields,
                                         std::string_view payload) {
  std::string note;
  if (type == smpp::deliver_sm_type::reserved)
    note = fmt::format(
        "esm_class 0x{:02X} names a message type SMPP v3.4 §5.2.12 reserves; "
        "delivered as a message",
        fields.esm_class);
  // docs/text.md: a header that cannot be read is flagged, never passed over in silence.
  if (decoded_.udh.malformed) {
    const std::string udh =
        payload.empty() ? std::string(
                              "malformed user data header: esm_class sets UDHI but the message is "
                              "empty")
        : decoded_.udh.length == 0
            ? fmt::format(
                  "malformed user data header: its length {} runs past the {}-octet "
                  "message; the whole message is shown as text",
                  static_cast<unsigned char>(payload[0]), payload.size())
            : std::string(
                  "malformed user data header: an element runs past the header and "
                  "was skipped");
    note = note.empty() ? udh : fmt::format("{}; {}", note, udh);
  }
  if (!note.empty())
    log(log_level::warn,
        fmt::format("message from {}: {}",
                    shown_field(log_.masking().get(), "source_addr", fields.source_addr), note));
  return note;
}

void channel_core::emit_acknowledgement(smpp::deliver_sm_type type, const smpp::sm_body& fields,
                                        const inbound_message& m, bool data_sm) {
  std::string_view id;
  if (const smpp::tlv* t = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::receipted_message_id))
    id = smpp::tlv_c_string(*t);
  std::int32_t code = -1;
  if (const smpp::tlv* t = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::user_response_code))
    code = static_cast<std::int32_t>(smpp::tlv_integer(*t).value_or(0));
  // Not the message's final state: the SMSC's own receipt may still follow.
  const std::optional<receipt_origin> origin =
      id.empty() ? std::nullopt : receipts_.find(id, false);
  const std::string_view kind = smpp::report_kind_name(type);
  channel_event e;
  e.type = SMSDRV_EVENT_DELIVERY_REPORT;
  e.request_id = origin ? origin->request_id : 0;
  e.text = id.empty() ? std::string(kind) : fmt::format("{} {}", id, kind);
  inbound_context ctx{name(), config_.application_name, config_.empty_message,
                      config_.subject_characters, wall_now_};
  e.attrs = acknowledgement_attributes(kind, id, code, m, ctx, origin ? origin->segment : 0,
                                       origin ? origin->segments : 0);
  e.ack_id = new_ack(pending_ack{.connection = session_.connection_id(),
                                 .sequence_numbers = {m.sequence_number},
                                 .data_sm = data_sm,
                                 .bytes = held_size(e)});
  events_.push_back(std::move(e));
}

void channel_core::deliver_reassembled(text::reassembled_message& r, const smpp::sm_body& fields,
                                       std::uint32_t sequence_number, bool data_sm) {
  const text::message_ref ref = r.ref();  // before the addresses are moved out
  // The addresses and data_coding are the reassembled message's (its first part's).
  inbound_message m = inbound_header(fields, sequence_number);
  m.source_addr = std::move(r.source_addr);
  m.destination_addr = std::move(r.destination_addr);
  m.data_coding = r.data_coding;
  m.text = std::move(r.text);
  if (r.replacements > 0)
    log(log_level::warn,
        fmt::format("long message from {} (reference {}): {} octet(s) could not "
                    "be decoded with data_coding {} and were replaced by U+FFFD",
                    shown_field(log_.masking().get(), "source_addr", m.source_addr), r.reference,
                    r.replacements, r.data_coding));
  if (r.state == text::message_state::dropped) {
    log(log_level::warn,
        fmt::format("long message from {} (reference {}) dropped incomplete: "
                    "{} of {} parts missing",
                    shown_field(log_.masking().get(), "source_addr", m.source_addr), r.reference,
                    r.missing.size(), r.total));
    return;
  }
  std::string note;
  if (r.state == text::message_state::partial) {
    std::string missing;
    for (std::uint8_t s : r.missing)
      missing += fmt::format("{}{}", missing.empty() ? "" : ",", s);
    note = fmt::format("partial: parts {} of {} missing", missing, r.total);
    log(log_level::warn,
        fmt::format("long message from {} delivered partial: {}",
                    shown_field(log_.masking().get(), "source_addr", m.source_addr), note));
  }
  // Parts before the last were acknowledged when held; the completing PDU waits for the host.
  pending_ack ack;
  if (r.state == text::message_state::complete && sequence_number != 0) {
    ack = pending_ack{.connection = session_.connection_id(),
                      .sequence_numbers = {sequence_number},
                      .data_sm = data_sm};
    ack.reassembled = ref;
  }
  emit_inbound(m, std::move(ack), std::move(note),
               redelivery_tracker::of_reassembled(m.source_addr, m.destination_addr, r.reference,
                                                  r.total, m.text));
}

void channel_core::expire_reassembly(time_point now) {
  auto deadline = reassembler_.next_deadline();
  if (!deadline || *deadline > now) return;
  std::vector<text::reassembled_message> expired;
  reassembler_.expire(now, expired);
  for (text::reassembled_message& m : expired) {
    smpp::sm_body fields;
    deliver_reassembled(m, fields, 0, false);
  }
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
