#include "smpp/session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace smsdrv::smpp {
namespace {

namespace cs = command_status;

double seconds(milliseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

// A peer that is not an SMPP server, recognised from its first bytes (an SMPP PDU starts with a
// command_length of 16..max, so these never look like one).
std::string_view guess_foreign_protocol(std::string_view first_bytes) noexcept {
  if (first_bytes.starts_with("HTTP/") || first_bytes.starts_with("<")) return "an HTTP server";
  if (first_bytes.size() >= 2 && (first_bytes[0] == 0x15 || first_bytes[0] == 0x16) &&
      first_bytes[1] == 0x03)
    return "a TLS endpoint (a TLS record header): the port expects TLS; set x-smpp-tls-mode = "
           "single or mutual";
  if (first_bytes.starts_with("SSH-")) return "an SSH server";
  if (first_bytes.starts_with("220 ") || first_bytes.starts_with("220-"))
    return "an SMTP or FTP server";
  return {};
}

}  // namespace

std::string_view bind_mode_name(bind_mode mode) noexcept {
  switch (mode) {
    case bind_mode::transmitter:
      return "transmitter";
    case bind_mode::receiver:
      return "receiver";
    case bind_mode::transceiver:
      return "transceiver";
  }
  return "?";
}

std::string_view session_state_name(session_state s) noexcept {
  switch (s) {
    case session_state::closed:
      return "closed";
    case session_state::binding:
      return "binding";
    case session_state::bound:
      return "bound";
    case session_state::unbinding:
      return "unbinding";
  }
  return "?";
}

session::session(session_config config)
    : config_(std::move(config)), last_sequence_(config_.initial_sequence_number), pending_(64) {}

void dispatch(const session_event& e, session_handler& h) {
  switch (e.kind) {
    case session_event_kind::bound:
      return h.on_bound(e.text);
    case session_event_kind::bind_failed:
      return h.on_bind_failed(e.command_status);
    case session_event_kind::response:
      return h.on_response(e.tag, e.message);
    case session_event_kind::response_timeout:
      return h.on_response_timeout(e.tag);
    case session_event_kind::request_lost:
      return h.on_request_lost(e.tag);
    case session_event_kind::inbound_deliver_sm:
      return h.on_deliver_sm(e.sequence_number, std::get<deliver_sm>(e.message.body));
    case session_event_kind::inbound_data_sm:
      return h.on_data_sm(e.sequence_number, std::get<data_sm>(e.message.body));
    case session_event_kind::inbound_alert:
      return h.on_alert_notification(std::get<alert_notification>(e.message.body));
    case session_event_kind::unbound:
      return h.on_unbound(e.by_peer);
    case session_event_kind::link_failed:
      return h.on_link_failed(e.text);
    case session_event_kind::log:
      return h.on_log(e.level, e.text);
    case session_event_kind::trace:
      return h.on_trace(e.outgoing, e.message);
  }
}

const session_event* session::next_event() {
  if (event_head_ == event_tail_) {
    event_head_ = event_tail_ = 0;  // every event taken and handled: the slots are free again
    return nullptr;
  }
  return &events_[event_head_++];
}

void session::drain(session_handler& handler) {
  if (draining_) return;
  draining_ = true;
  struct reset {
    bool& flag;
    ~reset() { flag = false; }
  } guard{draining_};
  while (const session_event* e = next_event())
    dispatch(*e, handler);
}

session_event& session::push_event(session_event_kind kind) {
  if (event_tail_ == events_.size()) events_.emplace_back();
  session_event& e = events_[event_tail_++];
  e.kind = kind;
  e.tag = 0;
  e.sequence_number = 0;
  e.command_status = 0;
  e.by_peer = false;
  e.outgoing = false;
  e.level = log_level::info;
  e.text.clear();
  e.frame.clear();
  return e;
}

session_event& session::push_pdu_event(session_event_kind kind, std::string_view frame,
                                       const pdu& fallback) {
  session_event& e = push_event(kind);
  e.frame.assign(frame.begin(), frame.end());
  if (!decode(std::string_view(e.frame.data(), e.frame.size()), e.message).ok())
    e.message = fallback;
  return e;
}

bool session::can_submit() const noexcept {
  return state_ == session_state::bound && config_.mode != bind_mode::receiver;
}

void session::on_connected(time_point now) {
  abandon_pending();
  in_.clear();
  out_.clear();
  ++connection_id_;
  connection_bytes_seen_ = 0;
  link_failure_reported_ = false;
  last_received_ = now;
  enquire_link_sequence_ = 0;
  control_sequence_ = 0;
  control_deadline_ = time_point::max();
  unbound_by_peer_ = false;
  malformed_response_logged_ = false;
  state_ = session_state::binding;
  send_bind(now);
}

void session::send_bind(time_point now) {
  bind_body b;
  b.system_id = config_.system_id;
  b.password = config_.password;
  b.system_type = config_.system_type;
  b.interface_version = interface_version_34;
  b.addr_ton = config_.addr_ton;
  b.addr_npi = config_.addr_npi;
  b.address_range = config_.address_range;
  const std::uint32_t seq = next_sequence();
  const std::size_t before = out_.size();
  switch (config_.mode) {
    case bind_mode::transmitter:
      send_pdu(bind_transmitter{b}, seq);
      control_id_ = command_id::bind_transmitter;
      break;
    case bind_mode::receiver:
      send_pdu(bind_receiver{b}, seq);
      control_id_ = command_id::bind_receiver;
      break;
    case bind_mode::transceiver:
      send_pdu(bind_transceiver{b}, seq);
      control_id_ = command_id::bind_transceiver;
      break;
  }
  if (out_.size() == before) {
    fail_link("the bind PDU could not be encoded (see the error above)");
    return;
  }
  control_sequence_ = seq;
  control_deadline_ = now + config_.response_timeout;
}

void session::on_bytes(std::string_view data, time_point now) {
  if (state_ == session_state::closed || data.empty()) return;
  const bool first_bytes = in_.empty() && connection_bytes_seen_ == 0;
  connection_bytes_seen_ += data.size();

  // Fast path: no partial frame pending, decode straight from the caller's buffer.
  std::string_view buf = data;
  if (!in_.empty()) {
    in_.append(data);
    buf = in_;
  }
  std::size_t consumed = 0;
  while (state_ != session_state::closed) {
    const std::string_view rest = buf.substr(consumed);
    const frame_check fc = check_frame(rest, config_.max_command_length);
    if (fc.state == frame_state::need_more) break;
    if (fc.state == frame_state::bad_length) {
      std::string_view foreign = first_bytes && consumed == 0 ? guess_foreign_protocol(rest) : "";
      if (!foreign.empty())
        fail_link(
            fmt::format("the peer is not an SMPP server: its first bytes look like {}", foreign));
      else
        fail_link(fmt::format("framing lost: command_length {} is outside 16..{}", fc.length,
                              config_.max_command_length));
      return;
    }
    process_frame(rest.substr(0, fc.length), now);
    consumed += fc.length;
  }
  if (state_ == session_state::closed) return;
  if (unbound_by_peer_) {
    end_unbound_by_peer();
    return;
  }
  if (buf.data() == in_.data()) {
    in_.erase(0, consumed);
  } else {
    in_.assign(buf.substr(consumed));
  }
}

void session::process_frame(std::string_view frame, time_point now) {
  last_received_ = now;  // a whole PDU, even one that does not decode, is life
  current_frame_ = frame;
  const codec_status st = decode(frame, scratch_);
  if (!st.ok()) {
    answer_malformed(frame, scratch_, st, now);
    return;
  }
  trace(false, frame, scratch_);
  handle(scratch_, now);
}

void session::answer_malformed(std::string_view frame, pdu& p, const codec_status& st,
                               time_point now) {
  const pdu_header h = read_header(frame);
  const bool response = (h.command_id & response_bit) != 0;
  if (st.command_status == cs::esme_rinvcmdid || st.field == "command_length") {
    log(log_level::warn, fmt::format("received an unusable PDU (command_id 0x{:08x}, seq {}): {}; "
                                     "answering generic_nack",
                                     h.command_id, h.sequence_number, st.message()));
    if (!response) send_pdu(generic_nack{}, h.sequence_number, st.command_status);
    return;
  }
  if (response) {
    // A response we cannot fully read: its request still gets an outcome, from the header. The
    // body is reset: a field left from an earlier PDU would view bytes that are gone.
    std::visit([](auto& b) { b = std::decay_t<decltype(b)>{}; }, p.body);
    const bool first = !std::exchange(malformed_response_logged_, true);
    const log_level level = first ? log_level::warn : log_level::debug;
    log(level, fmt::format("malformed {} (seq {}): {}; its request is settled by the header{}",
                           command_name(p.id()), h.sequence_number, st.message(),
                           first ? " (further malformed responses on this connection are logged at "
                                   "debug level)"
                                 : ""));
    handle_response(p, now);
    return;
  }
  log(log_level::warn,
      fmt::format("malformed {} (seq {}): {}; answering with {}", command_name(p.id()),
                  h.sequence_number, st.message(), status_name(st.command_status)));
  pdu answer;
  answer.command_status = st.command_status;
  answer.sequence_number = h.sequence_number;
  // The request's own response type (generic_nack for outbind / alert_notification).
  if (!make_body(response_of(p.id()), answer.body)) answer.body = generic_nack{};
  std::visit([&](const auto& b) { send_pdu(b, answer.sequence_number, answer.command_status); },
             answer.body);
}

void session::handle(const pdu& p, time_point now) {
  if (is_response(p.id()))
    handle_response(p, now);
  else
    handle_request(p, now);
}

void session::handle_response(const pdu& p, time_point now) {
  const std::uint32_t seq = p.sequence_number;
  const command_id id = p.id();

  if (control_sequence_ != 0 && seq == control_sequence_) {
    if (!answers(control_id_, id)) {
      ignore_non_answer(p, control_id_);
      return;
    }
    control_sequence_ = 0;
    control_deadline_ = time_point::max();
    if (unbound_by_peer_) return;  // the SMSC ended the session: this read ends it
    if (control_id_ == command_id::unbind) {
      state_ = session_state::closed;
      abandon_pending();
      push_event(session_event_kind::unbound).by_peer = false;
      return;
    }
    if (p.command_status != cs::esme_rok || id == command_id::generic_nack) {
      push_event(session_event_kind::bind_failed).command_status = p.command_status;
      fail_link(fmt::format("the SMSC refused the bind: {}", status_display(p.command_status)));
      return;
    }
    if (state_ == session_state::unbinding) {
      // The owner asked to unbind while the bind was unanswered: the session is bound now, so
      // the unbind can go out (SMPP v3.4 §4.2).
      send_unbind(now);
      return;
    }
    state_ = session_state::bound;
    std::string_view smsc;
    std::visit(
        [&](const auto& b) {
          if constexpr (std::is_base_of_v<bind_resp_body, std::decay_t<decltype(b)>>)
            smsc = b.system_id;
        },
        p.body);
    push_event(session_event_kind::bound).text = smsc;
    return;
  }
  if (enquire_link_sequence_ != 0 && seq == enquire_link_sequence_) {
    if (!answers(command_id::enquire_link, id)) {
      ignore_non_answer(p, command_id::enquire_link);
      return;
    }
    enquire_link_sequence_ = 0;
    return;
  }
  pending_request* pr = find_pending(seq);
  if (pr == nullptr) {
    log(log_level::warn,
        fmt::format("{} seq {} ({}) matches no outstanding request (late after a timeout, or "
                    "never sent); ignored",
                    command_name(id), seq, status_display(p.command_status)));
    return;
  }
  if (!answers(pr->id, id)) {
    ignore_non_answer(p, pr->id);
    return;
  }
  const std::uint64_t tag = pr->tag;
  *pr = pending_request{};
  --outstanding_;
  push_pdu_event(session_event_kind::response, current_frame_, p).tag = tag;
}

void session::ignore_non_answer(const pdu& p, command_id request) {
  // A protocol error of the SMSC, never an outcome. A response is not answered (a generic_nack
  // is for a PDU that cannot be read, SMPP v3.4 §4.3): the request waits for its own response
  // or its timeout.
  log(log_level::warn,
      fmt::format("{} seq {} ({}) does not answer the {} of that sequence number (only {} or "
                  "generic_nack can, SMPP v3.4 §3.2, §5.1.2.1); ignored, the {} still waits for "
                  "its response",
                  command_name(p.id()), p.sequence_number, status_display(p.command_status),
                  command_name(request), command_name(response_of(request)),
                  command_name(request)));
}

void session::end_unbound_by_peer() {
  unbound_by_peer_ = false;
  control_sequence_ = 0;
  control_deadline_ = time_point::max();
  enquire_link_sequence_ = 0;
  state_ = session_state::closed;
  in_.clear();
  abandon_pending();
  push_event(session_event_kind::unbound).by_peer = true;
}

void session::handle_request(const pdu& p, time_point /*now*/) {
  const std::uint32_t seq = p.sequence_number;
  switch (action_for_request(state_, p.id())) {
    case request_action::answer_enquire_link:
      send_pdu(enquire_link_resp{}, seq);
      return;
    case request_action::unbind_by_peer:
      // The PDUs read with it are still processed (responses to our requests settle them); the
      // session ends when this read is done (on_bytes).
      send_pdu(unbind_resp{}, seq);
      state_ = session_state::unbinding;
      unbound_by_peer_ = true;
      return;
    case request_action::deliver:
      if (config_.mode == bind_mode::transmitter) break;
      deliver(p);
      return;
    case request_action::refuse_bind_status:
      break;
    case request_action::alert:
      push_pdu_event(session_event_kind::inbound_alert, current_frame_, p);
      return;
    case request_action::note_outbind:
      log(log_level::info, "outbind received on an outgoing connection; already binding");
      return;
    case request_action::refuse_command:
      answer_unsupported(p);
      return;
  }
  // Not bound to receive: its own response with ESME_RINVBNDSTS.
  pdu_body answer;
  make_body(response_of(p.id()), answer);
  std::visit([&](const auto& b) { send_pdu(b, seq, cs::esme_rinvbndsts); }, answer);
}

void session::deliver(const pdu& p) {
  const std::uint32_t seq = p.sequence_number;
  if (const deliver_sm* d = std::get_if<deliver_sm>(&p.body)) {
    // SMPP v3.4 §5.3.2.32: the text goes in short_message or in message_payload, never both.
    // Which one holds the message cannot be told, and dropping either would lose text in
    // silence: refused with a status that says why, so the SMSC keeps or reports it.
    if (const tlv* payload = find_tlv(d->tlvs, tlv_tag::message_payload);
        payload != nullptr && !d->short_message.empty()) {
      log(log_level::warn,
          fmt::format("deliver_sm seq {} carries both short_message ({} octets) and "
                      "message_payload ({} octets), which SMPP v3.4 §5.3.2.32 forbids; not "
                      "delivered, answered ESME_ROPTPARNOTALLWD",
                      seq, d->short_message.size(), payload->value.size()));
      send_pdu(deliver_sm_resp{}, seq, cs::esme_roptparnotallwd);
      return;
    }
  }
  const bool data = std::holds_alternative<data_sm>(p.body);
  push_pdu_event(
      data ? session_event_kind::inbound_data_sm : session_event_kind::inbound_deliver_sm,
      current_frame_, p)
      .sequence_number = seq;
}

void session::answer_unsupported(const pdu& p) {
  // Commands an SMSC has no business sending to an ESME (submit_sm, bind_*, query_sm ...):
  // answered with their own response and ESME_RINVCMDID, so the link stays up.
  log(log_level::warn, fmt::format("the SMSC sent {} (seq {}), which an ESME does not accept; "
                                   "answering ESME_RINVCMDID",
                                   command_name(p.id()), p.sequence_number));
  pdu_body answer;  // generic_nack unless the request has a response of its own
  make_body(response_of(p.id()), answer);
  std::visit([&](const auto& b) { send_pdu(b, p.sequence_number, cs::esme_rinvcmdid); }, answer);
}

void session::on_tick(time_point now) {
  if (state_ == session_state::closed) return;

  if (now >= control_deadline_) {
    control_deadline_ = time_point::max();
    control_sequence_ = 0;
    if (control_id_ != command_id::unbind) {
      push_event(session_event_kind::bind_failed).command_status = cs::esme_rok;
      fail_link(fmt::format("no bind_resp within {:.1f} s", seconds(config_.response_timeout)));
      return;
    }
    log(log_level::warn, fmt::format("no unbind_resp within {:.1f} s; closing anyway",
                                     seconds(config_.response_timeout)));
    state_ = session_state::closed;
    abandon_pending();
    push_event(session_event_kind::unbound).by_peer = false;
    return;
  }
  if (enquire_link_sequence_ != 0 && now >= enquire_link_deadline_) {
    fail_link(
        fmt::format("enquire_link unanswered for {:.1f} s", seconds(config_.response_timeout)));
    return;
  }
  while (!request_deadlines_.empty() && request_deadlines_.front().when <= now) {
    const std::uint32_t seq = request_deadlines_.front().sequence_number;
    request_deadlines_.pop_front();
    if (pending_request* pr = find_pending(seq)) {
      const std::uint64_t tag = pr->tag;
      *pr = pending_request{};
      --outstanding_;
      push_event(session_event_kind::response_timeout).tag = tag;
    }
  }
  if (config_.dead_peer_timeout.count() > 0 && now - last_received_ >= config_.dead_peer_timeout) {
    fail_link(fmt::format("nothing received from the SMSC for {:.1f} s",
                          seconds(config_.dead_peer_timeout)));
    return;
  }
  if (state_ == session_state::bound && enquire_link_sequence_ == 0 &&
      config_.enquire_link_interval.count() > 0 &&
      now - last_received_ >= config_.enquire_link_interval)
    send_enquire_link(now);
}

void session::send_enquire_link(time_point now) {
  const std::uint32_t seq = next_sequence();
  send_pdu(enquire_link{}, seq);
  enquire_link_sequence_ = seq;
  enquire_link_deadline_ = now + config_.response_timeout;
}

time_point session::next_deadline() const noexcept {
  if (state_ == session_state::closed) return time_point::max();
  time_point t = control_deadline_;
  if (enquire_link_sequence_ != 0) t = std::min(t, enquire_link_deadline_);
  if (!request_deadlines_.empty()) t = std::min(t, request_deadlines_.front().when);
  if (config_.dead_peer_timeout.count() > 0)
    t = std::min(t, last_received_ + config_.dead_peer_timeout);
  if (state_ == session_state::bound && enquire_link_sequence_ == 0 &&
      config_.enquire_link_interval.count() > 0)
    t = std::min(t, last_received_ + config_.enquire_link_interval);
  return t;
}

void session::on_closed(time_point /*now*/) {
  if (state_ != session_state::closed) {
    log(log_level::info, fmt::format("connection closed while {}", session_state_name(state_)));
    state_ = session_state::closed;
  }
  abandon_pending();
  in_.clear();
  out_.clear();
  connection_bytes_seen_ = 0;
}

template <class Body>
codec_status session::send_request(const Body& body, std::uint64_t tag, time_point now,
                                   std::uint32_t* sequence_number) {
  if (!can_submit())
    return codec_status{cs::esme_rinvbndsts, "", "the session is not bound as a transmitter"};
  static_assert(is_esme_request(Body::id), "send_request() sends the requests of an ESME");
  const std::uint32_t seq = next_sequence();
  const std::size_t at = out_.size();
  codec_status st = encode(body, seq, out_);
  if (!st.ok()) return st;
  add_pending(seq, Body::id, tag);
  request_deadlines_.push_back({now + config_.request_timeout, seq});
  if (tracing_) trace(true, std::string_view(out_).substr(at), pdu{0, seq, body});
  if (sequence_number != nullptr) *sequence_number = seq;
  return st;
}

#define SMSDRV_SMPP_INSTANTIATE_SEND_REQUEST_(name)                                   \
  template codec_status session::send_request(const name&, std::uint64_t, time_point, \
                                              std::uint32_t*);
SMSDRV_SMPP_ESME_REQUEST_MAP(SMSDRV_SMPP_INSTANTIATE_SEND_REQUEST_)
#undef SMSDRV_SMPP_INSTANTIATE_SEND_REQUEST_

codec_status session::send_encoded_request(std::string_view frame, std::uint64_t tag,
                                           time_point now, std::uint32_t* sequence_number) {
  if (!can_submit())
    return codec_status{cs::esme_rinvbndsts, "", "the session is not bound as a transmitter"};
  if (frame.size() < header_size || read_header(frame).command_length != frame.size())
    return codec_status{cs::esme_rinvcmdlen, "command_length", "not one whole encoded PDU"};
  const auto id = static_cast<command_id>(read_header(frame).command_id);
  if (!is_esme_request(id))
    return codec_status{cs::esme_rinvcmdid, "command_id", "not a request the ESME may send"};
  const std::uint32_t seq = next_sequence();
  const std::size_t at = out_.size();
  out_.append(frame);
  char* h = out_.data() + at + 12;
  h[0] = static_cast<char>(seq >> 24);
  h[1] = static_cast<char>(seq >> 16);
  h[2] = static_cast<char>(seq >> 8);
  h[3] = static_cast<char>(seq);
  add_pending(seq, id, tag);
  request_deadlines_.push_back({now + config_.request_timeout, seq});
  if (tracing_) {
    const std::string_view written = std::string_view(out_).substr(at, frame.size());
    pdu p;
    if (decode(written, p).ok()) trace(true, written, p);
  }
  if (sequence_number != nullptr) *sequence_number = seq;
  return {};
}

bool session::respond_deliver_sm(std::uint64_t connection, std::uint32_t sequence_number,
                                 std::uint32_t command_status) {
  if (connection != connection_id_ || state_ == session_state::closed) return false;
  send_pdu(deliver_sm_resp{}, sequence_number, command_status);
  return true;
}

bool session::respond_data_sm(std::uint64_t connection, std::uint32_t sequence_number,
                              std::uint32_t command_status, std::string_view message_id) {
  if (connection != connection_id_ || state_ == session_state::closed) return false;
  data_sm_resp r;
  r.message_id = message_id;
  send_pdu(r, sequence_number, command_status);
  return true;
}

void session::unbind(time_point now) {
  if (state_ == session_state::binding) {
    // The unbind waits for the bind_resp (handle_response); the bind's deadline still runs.
    state_ = session_state::unbinding;
    return;
  }
  if (state_ == session_state::bound) send_unbind(now);
}

void session::send_unbind(time_point now) {
  const std::uint32_t seq = next_sequence();
  send_pdu(smpp::unbind{}, seq);
  state_ = session_state::unbinding;
  control_id_ = command_id::unbind;
  control_sequence_ = seq;
  control_deadline_ = now + config_.response_timeout;
}

void session::fail_link(std::string_view reason) {
  if (link_failure_reported_) return;
  state_ = session_state::closed;
  link_failure_reported_ = true;
  out_.clear();  // nothing more is written on a failed link
  abandon_pending();
  control_deadline_ = time_point::max();
  control_sequence_ = 0;
  enquire_link_sequence_ = 0;
  push_event(session_event_kind::link_failed).text = reason;
}

std::uint32_t session::next_sequence() noexcept {
  for (;;) {
    last_sequence_ = last_sequence_ >= max_sequence_number ? 1 : last_sequence_ + 1;
    if (find_pending(last_sequence_) == nullptr && last_sequence_ != control_sequence_ &&
        last_sequence_ != enquire_link_sequence_)
      return last_sequence_;
  }
}

template <class Body>
void session::send_pdu(const Body& body, std::uint32_t sequence, std::uint32_t status) {
  const std::size_t at = out_.size();
  const codec_status st = encode(body, sequence, out_, status);
  if (!st.ok()) {
    log(log_level::error,
        fmt::format("cannot encode {}: {}", command_name(Body::id), st.message()));
    return;
  }
  if (tracing_) trace(true, std::string_view(out_).substr(at), pdu{status, sequence, body});
}

void session::trace(bool outgoing, std::string_view frame, const pdu& fallback) {
  if (!tracing_) return;
  push_pdu_event(session_event_kind::trace, frame, fallback).outgoing = outgoing;
}

void session::log(log_level level, std::string_view message) {
  session_event& e = push_event(session_event_kind::log);
  e.level = level;
  e.text = message;
}

session::pending_request* session::find_pending(std::uint32_t sequence) noexcept {
  // 0 is never issued (§5.1.4: 0x00000001..0x7FFFFFFF) and marks a free slot.
  if (sequence == 0) return nullptr;
  pending_request& slot = pending_[sequence & (pending_.size() - 1)];
  return slot.sequence_number == sequence ? &slot : nullptr;
}

void session::add_pending(std::uint32_t sequence, command_id id, std::uint64_t tag) {
  while (pending_[sequence & (pending_.size() - 1)].sequence_number != 0)
    grow_pending();
  pending_[sequence & (pending_.size() - 1)] = pending_request{sequence, id, tag};
  ++outstanding_;
}

void session::grow_pending() {
  std::vector<pending_request> bigger(pending_.size() * 2);
  for (const pending_request& p : pending_)
    if (p.sequence_number != 0) bigger[p.sequence_number & (bigger.size() - 1)] = p;
  pending_.swap(bigger);
}

void session::abandon_pending() {
  request_deadlines_.clear();
  if (outstanding_ == 0) return;
  // Report in sequence order so resubmission keeps the original order.
  std::vector<pending_request> lost;
  lost.reserve(outstanding_);
  for (pending_request& p : pending_) {
    if (p.sequence_number != 0) lost.push_back(std::exchange(p, pending_request{}));
  }
  outstanding_ = 0;
  std::sort(lost.begin(), lost.end(), [this](const pending_request& a, const pending_request& b) {
    // Distance from the last issued number orders correctly across the wrap at 0x7FFFFFFF.
    auto age = [this](std::uint32_t s) { return (last_sequence_ - s) & max_sequence_number; };
    return age(a.sequence_number) > age(b.sequence_number);
  });
  for (const pending_request& p : lost)
    push_event(session_event_kind::request_lost).tag = p.tag;
}

}  // namespace smsdrv::smpp
