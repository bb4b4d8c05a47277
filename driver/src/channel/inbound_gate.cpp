#include "channel/inbound_gate.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "channel/log_privacy.hpp"
#include "smpp/codec.hpp"
#include "smpp/command_status.hpp"
#include "smsdrv/status.hpp"
#include "text/decode.hpp"

namespace smsdrv::channel {
namespace {

namespace cs = smpp::command_status;

double seconds_of(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e9;
}

// Reassembly tokens name the PDU to acknowledge: connection, data_sm flag, sequence number
// (sequence numbers use 31 bits, §5.1.4).
constexpr std::uint64_t part_token(std::uint64_t connection, std::uint32_t seq, bool data_sm) {
  return (connection << 32) | (data_sm ? 0x80000000u : 0u) | seq;
}

// What an inbound event costs while it waits for the host, as counted against
// x-smpp-inbound-max-unacked-bytes: its strings, plus a fixed share for the containers.
std::size_t held_size(const channel_event& e) {
  std::size_t n = 128 + e.text.size();
  for (const auto& [k, v] : e.attrs)
    n += 32 + k.size() + v.size();
  return n;
}

redelivery_tracker::options redelivery_options(const channel_config& c) {
  redelivery_tracker::options o;
  // A dead peer is noticed after the receive timeout at the latest: an acknowledgement written
  // that long before the link broke may have been lost with it.
  if (c.session.dead_peer_timeout.count() > 0)
    o.doubt = c.session.dead_peer_timeout + c.session.response_timeout;
  return o;
}

// The concatenation of a part: from its user data header, else from the SAR TLVs.
text::concat_info concat_of(const text::decoded_message& decoded, const smpp::sm_body& fields) {
  text::concat_info concat = decoded.udh.concat;
  if (concat.valid()) return concat;
  const smpp::tlv* ref = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::sar_msg_ref_num);
  const smpp::tlv* total = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::sar_total_segments);
  const smpp::tlv* seqnum = smpp::find_tlv(fields.tlvs, smpp::tlv_tag::sar_segment_seqnum);
  if (ref && total && seqnum) {
    concat.method = text::concat_method::sar;
    concat.reference = static_cast<std::uint16_t>(smpp::tlv_integer(*ref).value_or(0));
    concat.total = static_cast<std::uint8_t>(smpp::tlv_integer(*total).value_or(0));
    concat.seqnum = static_cast<std::uint8_t>(smpp::tlv_integer(*seqnum).value_or(0));
  }
  return concat;
}

}  // namespace

inbound_gate::inbound_gate(const channel_config& config, log_sink& log, log_limiter& limiter,
                           const std::string& log_name, receipt_correlator& receipts,
                           text::reassembler& reassembler, inbound_port& port,
                           std::vector<channel_event>& events, remote_parts* remote)
    : config_(config),
      log_(log),
      limiter_(limiter),
      log_name_(log_name),
      receipts_(receipts),
      reassembler_(reassembler),
      port_(port),
      events_(events),
      redeliveries_(redelivery_options(config)),
      remote_(remote),
      // Ack ids carry the session's index: the channel routes ack() to its session.
      next_ack_id_((std::uint64_t{config.session_index} << session_ack_shift) + 1) {}

// ---- acknowledgements and their caps -----------------------------------------------------

std::uint64_t inbound_gate::new_ack(pending_ack a) {
  const std::uint64_t id = next_ack_id_++;
  pending_bytes_ += a.bytes;
  pending_.emplace(id, std::move(a));
  config_.metrics->inbound_unacked(pending_.size(), config_.session_index);
  note_pressure();
  return id;
}

bool inbound_gate::holds_unacked(std::uint64_t connection) const noexcept {
  return std::any_of(pending_.begin(), pending_.end(),
                     [&](const auto& kv) { return kv.second.connection == connection; });
}

void inbound_gate::note_pressure() {
  // Logged with hysteresis: "full" at the cap, "resumed" once the host's share is down to half,
  // so that a host acknowledging at the pace of the SMSC does not write two lines a message.
  const bool full = !accepting();
  const bool relieved = pending_.size() <= config_.inbound_max_unacked / 2 &&
                        pending_bytes_ <= config_.inbound_max_unacked_bytes / 2;
  if (full_since_ ? !relieved : !full) return;
  if (full) {
    full_since_ = now_;
    deferred_ = 0;
    log(log_level::warn,
        fmt::format("{} inbound message(s) ({} bytes) wait for the host's acknowledgement "
                    "(x-smpp-inbound-max-unacked {}, x-smpp-inbound-max-unacked-bytes {}): "
                    "reading from the SMSC pauses but for the responses the channel awaits; "
                    "deliver_sm read meanwhile wait, unanswered, and beyond {} bytes are answered "
                    "ESME_RX_T_APPN (the SMSC delivers them again later)",
                    pending_.size(), pending_bytes_, config_.inbound_max_unacked,
                    config_.inbound_max_unacked_bytes, backlog_max_bytes));
    return;
  }
  log(log_level::info,
      fmt::format("the host acknowledged inbound messages: {} wait for it now, after {:.1f} s at "
                  "x-smpp-inbound-max-unacked; {} deliver_sm answered ESME_RX_T_APPN meanwhile",
                  pending_.size(), seconds_of(now_ - *full_since_), deferred_));
  full_since_.reset();
}

bool inbound_gate::ack(std::uint64_t ack_id, std::int32_t disposition, time_point now,
                       wall_time wall) {
  auto it = pending_.find(ack_id);
  if (it == pending_.end()) return false;
  set_time(now, wall);
  const pending_ack a = std::move(it->second);
  pending_.erase(it);
  pending_bytes_ -= a.bytes;
  config_.metrics->inbound_unacked(pending_.size(), config_.session_index);
  note_pressure();
  const std::uint32_t status = disposition == SMSDRV_OK ? cs::esme_rok : cs::esme_rx_t_appn;
  bool written = true;
  for (std::uint32_t seq : a.sequence_numbers) {
    const bool sent = port_.respond(a.connection, seq, a.data_sm, status);
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
  if (a.remote && remote_ != nullptr) {
    if (disposition == SMSDRV_OK)
      remote_->confirm(*a.remote);
    else
      remote_->reopen(*a.remote, a.remote_seqnum);
  }
  if (a.tracked != 0)
    redeliveries_.acknowledged(a.tracked, disposition == SMSDRV_OK, written, now_);
  take_backlog();
  return true;
}

void inbound_gate::connection_closed(std::uint64_t connection, bool orderly, time_point now) {
  now_ = now;
  redeliveries_.connection_closed(connection, orderly, now);
  // Held back unanswered: the SMSC delivers them again.
  backlog_.clear();
  backlog_bytes_ = 0;
}

void inbound_gate::answer(std::uint32_t sequence_number, bool data_sm, std::uint32_t status) {
  port_.respond(port_.connection(), sequence_number, data_sm, status);
}

// ---- the backlog ---------------------------------------------------------------------------

void inbound_gate::on_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm& message,
                                 time_point now, wall_time wall) {
  set_time(now, wall);
  take_deliver_sm(sequence_number, message);
}

void inbound_gate::on_data_sm(std::uint32_t sequence_number, const smpp::data_sm& message,
                              time_point now, wall_time wall) {
  set_time(now, wall);
  take_data_sm(sequence_number, message);
}

void inbound_gate::take_deliver_sm(std::uint32_t sequence_number, const smpp::deliver_sm& message) {
  if (held_back(sequence_number, message)) return;
  handle_incoming(sequence_number, message, false);
}

void inbound_gate::take_data_sm(std::uint32_t sequence_number, const smpp::data_sm& message) {
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

template <class Body>
bool inbound_gate::held_back(std::uint32_t sequence_number, const Body& message) {
  if (accepting()) return false;
  constexpr bool data_sm = std::is_same_v<Body, smpp::data_sm>;
  const std::uint64_t connection = port_.connection();
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
  ++deferred_;
  config_.metrics->inbound_deferred();
  port_.respond(connection, sequence_number, data_sm, cs::esme_rx_t_appn);
  log_keyed(log_level::warn, "inbound refused: backlog full", [&] {
    return fmt::format(
        "{} seq {} answered ESME_RX_T_APPN: {} inbound message(s) wait for the "
        "host's acknowledgement (x-smpp-inbound-max-unacked {}) and {} more, {} "
        "bytes, wait to be taken",
        data_sm ? "data_sm" : "deliver_sm", sequence_number, pending_.size(),
        config_.inbound_max_unacked, backlog_.size(), backlog_bytes_);
  });
  return true;
}

void inbound_gate::take_backlog() {
  while (!backlog_.empty() && accepting()) {
    held_message m = std::move(backlog_.front());
    backlog_.pop_front();
    backlog_bytes_ -= m.wire.size();
    // Unanswered on a connection that is gone: the SMSC delivers it again on the next one.
    if (m.connection != port_.connection()) continue;
    if (!smpp::decode(m.wire, backlog_pdu_).ok()) continue;  // it was encoded here
    if (const auto* d = std::get_if<smpp::deliver_sm>(&backlog_pdu_.body))
      take_deliver_sm(backlog_pdu_.sequence_number, *d);
    else if (const auto* ds = std::get_if<smpp::data_sm>(&backlog_pdu_.body))
      take_data_sm(backlog_pdu_.sequence_number, *ds);
  }
}

// ---- one PDU -------------------------------------------------------------------------------

void inbound_gate::handle_incoming(std::uint32_t seq, const smpp::sm_body& fields, bool data_sm) {
  inbound_message m = inbound_header(fields, seq);
  // SMPP v3.4 §5.2.12: what kind of deliver_sm this is.
  const smpp::deliver_sm_type type = smpp::deliver_sm_type_of(fields.esm_class);
  if (type == smpp::deliver_sm_type::smsc_receipt ||
      type == smpp::deliver_sm_type::intermediate_notification) {
    emit_receipt(type, fields, m, data_sm);
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
  std::string note = remark(type, fields, payload);

  const text::concat_info concat = concat_of(decoded_, fields);
  if (concat.valid() && concat.total > 1 && take_part(concat, fields, payload, seq, data_sm))
    return;
  // Parts are checked once reassembled: a pair split across two parts decodes then.
  if (decoded_.replacements > 0)
    log(log_level::warn,
        fmt::format("message from {}: {} octet(s) could not be decoded with data_coding {} and "
                    "were replaced by U+FFFD",
                    shown_field(log_.masking().get(), "source_addr", fields.source_addr),
                    decoded_.replacements, fields.data_coding));
  m.text = decoded_.text;
  m.empty = payload.empty();
  emit_inbound(
      m,
      pending_ack{.connection = port_.connection(), .sequence_numbers = {seq}, .data_sm = data_sm},
      std::move(note), redelivery_tracker::of(fields, payload));
}

void inbound_gate::emit_receipt(smpp::deliver_sm_type type, const smpp::sm_body& fields,
                                const inbound_message& m, bool data_sm) {
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
  inbound_context ctx{config_.name, config_.application_name, config_.empty_message,
                      config_.subject_characters, wall_now_};
  e.attrs = receipt_attributes(*r, m, ctx, origin ? origin->segment : 0,
                               origin ? origin->segments : 0, smpp::report_kind_name(type));
  e.ack_id = new_ack(pending_ack{.connection = port_.connection(),
                                 .sequence_numbers = {m.sequence_number},
                                 .data_sm = data_sm,
                                 .bytes = held_size(e)});
  events_.push_back(std::move(e));
  config_.metrics->delivery_report(r->state ? smpp::message_state_stat(*r->state) : r->stat);
}

std::string inbound_gate::remark(smpp::deliver_sm_type type, const smpp::sm_body& fields,
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

void inbound_gate::emit_acknowledgement(smpp::deliver_sm_type type, const smpp::sm_body& fields,
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
  inbound_context ctx{config_.name, config_.application_name, config_.empty_message,
                      config_.subject_characters, wall_now_};
  e.attrs = acknowledgement_attributes(kind, id, code, m, ctx, origin ? origin->segment : 0,
                                       origin ? origin->segments : 0);
  e.ack_id = new_ack(pending_ack{.connection = port_.connection(),
                                 .sequence_numbers = {m.sequence_number},
                                 .data_sm = data_sm,
                                 .bytes = held_size(e)});
  events_.push_back(std::move(e));
}

// ---- long messages -------------------------------------------------------------------------

bool inbound_gate::take_part(const text::concat_info& concat, const smpp::sm_body& fields,
                             std::string_view payload, std::uint32_t seq, bool data_sm) {
  const std::uint64_t connection = port_.connection();
  text::inbound_part part = text::make_part(
      decoded_, payload, fields.source_addr, fields.destination_addr,
      part_token(connection + (std::uint64_t{config_.session_index} << 24), seq, data_sm));
  part.concat = concat;
  if (remote_ != nullptr)
    remote_part(part, inbound_header(fields, seq), seq, data_sm);
  else
    local_part(part, inbound_header(fields, seq), connection, seq, data_sm);
  return true;
}

void inbound_gate::local_part(const text::inbound_part& part, const inbound_message& header,
                              std::uint64_t connection, std::uint32_t seq, bool data_sm) {
  const auto answer_part = [&](std::uint32_t status) {
    port_.respond(connection, seq, data_sm, status);
  };
  text::reassembled_message done;
  switch (reassembler_.add(part, now_, done)) {
    case text::add_result::held:
    case text::add_result::duplicate:
      // Held in memory (or already delivered): acknowledged now (docs/text.md, spec §7).
      answer_part(cs::esme_rok);
      return;
    case text::add_result::refused:
      log_keyed(log_level::warn, "reassembly full: part refused", [&] {
        return fmt::format(
            "part {}/{} of a long message from {} refused: reassembly is full ({} incomplete "
            "messages, x-smpp-reassembly-max-messages {}; {} bytes held, "
            "x-smpp-reassembly-max-bytes {}); the SMSC is asked to retry (ESME_RX_T_APPN)",
            part.concat.seqnum, part.concat.total,
            shown_field(log_.masking().get(), "source_addr", part.source_addr),
            reassembler_.open_messages(), config_.reassembly.max_messages,
            reassembler_.bytes_held(), config_.reassembly.max_bytes);
      });
      answer_part(cs::esme_rx_t_appn);
      return;
    case text::add_result::completed: {
      // Parts before the last were acknowledged when held; the completing PDU waits for the
      // host.
      pending_ack ack{.connection = connection, .sequence_numbers = {seq}, .data_sm = data_sm};
      ack.reassembled = done.ref();
      deliver_reassembled(done, header, std::move(ack));
      return;
    }
    case text::add_result::awaiting_host: {
      // The completing part again, while the host still holds the message: its answer is the
      // host's decision, on the connection it came in on now.
      const text::message_ref ref = text::ref_of(part);
      for (auto& [id, a] : pending_) {
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
      answer_part(config_.sessions > 1 ? cs::esme_rx_t_appn : cs::esme_rok);
      return;
    }
    case text::add_result::not_concatenated:
      // Checked before (concat_info::valid): not stored, so not acknowledged.
      answer_part(cs::esme_rx_t_appn);
      return;
  }
}

void inbound_gate::remote_part(const text::inbound_part& part, const inbound_message& header,
                               std::uint32_t seq, bool data_sm) {
  auto p = std::make_shared<owned_part>();
  p->connection = port_.connection();
  p->sequence_number = seq;
  p->data_sm = data_sm;
  p->header = header;
  p->concat = part.concat;
  p->data.data_coding = part.data_coding;
  p->data.locking_shift = part.locking_shift;
  p->data.single_shift = part.single_shift;
  p->data.user_data.assign(part.user_data);
  const remote_message_key key{std::string(part.source_addr), std::string(part.destination_addr),
                               part.concat.method, part.concat.reference, part.concat.total};
  ++storing_;
  // Answered later (never inside store()); the gate may be gone by then.
  remote_->store(key, part.concat.seqnum, encode_part(part),
                 [this, alive = std::weak_ptr<bool>(alive_), p](remote_reply& r, time_point now,
                                                                wall_time wall) {
                   if (alive.expired()) return;
                   set_time(now, wall);
                   --storing_;
                   stored(*p, r);
                   take_backlog();
                 });
}

void inbound_gate::stored(const owned_part& p, remote_reply& r) {
  const remote_message_key key{p.header.source_addr, p.header.destination_addr, p.concat.method,
                               p.concat.reference, p.concat.total};
  const auto answer_part = [&](std::uint32_t status) {
    port_.respond(p.connection, p.sequence_number, p.data_sm, status);
  };
  switch (r.outcome) {
    case remote_outcome::held: {
      // Stored where every host finds it: acknowledged now. This gate keeps the message's
      // deadline too (the first host's deadline comes first; a later take() finds nothing).
      answer_part(cs::esme_rok);
      std::string id = remote_key_suffix(key);
      if (!remote_open_.contains(id)) {
        const time_point deadline = now_ + config_.reassembly.timeout;
        remote_deadlines_.emplace_back(deadline, id);
        remote_open_.emplace(std::move(id), remote_message{key, p.header, deadline});
      }
      return;
    }
    case remote_outcome::duplicate:
      answer_part(cs::esme_rok);
      return;
    case remote_outcome::awaiting:
      // Completed, its host deciding: the host's decision answers this part when that host is
      // ours; else the SMSC delivers it again later, by when the decision is known.
      for (auto& [id, a] : pending_) {
        if (a.remote && *a.remote == key) {
          if (a.connection != p.connection) a.sequence_numbers.clear();
          a.connection = p.connection;
          a.data_sm = p.data_sm;
          a.sequence_numbers.push_back(p.sequence_number);
          return;
        }
      }
      answer_part(cs::esme_rx_t_appn);
      return;
    case remote_outcome::completed: {
      remote_open_.erase(remote_key_suffix(key));
      text::reassembled_message done;
      if (!assemble(key, r.parts, true, done) || done.state != text::message_state::complete) {
        log(log_level::warn,
            fmt::format("long message from {} (reference {}): the shared store's parts could not "
                        "be read; the message is opened again there",
                        shown_field(log_.masking().get(), "source_addr", key.source_addr),
                        key.reference));
        remote_->reopen(key, p.concat.seqnum);
        answer_part(cs::esme_rx_t_appn);
        return;
      }
      pending_ack ack{.connection = p.connection,
                      .sequence_numbers = {p.sequence_number},
                      .data_sm = p.data_sm};
      ack.remote = key;
      ack.remote_seqnum = p.concat.seqnum;
      deliver_reassembled(done, p.header, std::move(ack));
      return;
    }
    case remote_outcome::failed: {
      // Not stored there: joined here instead (docs/scaling.md), acknowledged once held.
      text::inbound_part part;
      part.source_addr = p.header.source_addr;
      part.destination_addr = p.header.destination_addr;
      part.concat = p.concat;
      part.data_coding = p.data.data_coding;
      part.locking_shift = p.data.locking_shift;
      part.single_shift = p.data.single_shift;
      part.user_data = p.data.user_data;
      part.token = part_token(p.connection + (std::uint64_t{config_.session_index} << 24),
                              p.sequence_number, p.data_sm);
      local_part(part, p.header, p.connection, p.sequence_number, p.data_sm);
      return;
    }
  }
}

bool inbound_gate::assemble(const remote_message_key& key, const std::vector<std::string>& parts,
                            bool complete, text::reassembled_message& out) {
  text::reassembler joiner(config_.reassembly);
  stored_part sp;
  for (std::size_t i = 0; i < parts.size() && i < key.total; ++i) {
    if (parts[i].empty() || !decode_part(parts[i], sp)) continue;
    text::inbound_part part;
    part.source_addr = key.source_addr;
    part.destination_addr = key.destination_addr;
    part.concat = {key.method, key.reference, key.total, static_cast<std::uint8_t>(i + 1)};
    part.data_coding = sp.data_coding;
    part.locking_shift = sp.locking_shift;
    part.single_shift = sp.single_shift;
    part.user_data = sp.user_data;
    if (joiner.add(part, now_, out) == text::add_result::completed) return true;
  }
  if (complete) return false;
  std::vector<text::reassembled_message> held;
  joiner.drain(held);
  if (held.empty()) return false;
  out = std::move(held.front());
  return true;
}

void inbound_gate::taken(const remote_message& m, remote_reply& r) {
  if (r.outcome == remote_outcome::failed) {
    log(log_level::warn,
        fmt::format("long message from {} (reference {}): its deadline passed but the shared "
                    "store could not be asked ({}); its parts there stay for another host's "
                    "deadline or expire",
                    shown_field(log_.masking().get(), "source_addr", m.key.source_addr),
                    m.key.reference, r.error));
    return;
  }
  if (r.outcome != remote_outcome::completed) return;  // completed elsewhere, or taken
  text::reassembled_message done;
  if (!assemble(m.key, r.parts, false, done)) return;
  deliver_reassembled(done, m.header, pending_ack{});
}

void inbound_gate::deliver_reassembled(text::reassembled_message& r, const inbound_message& header,
                                       pending_ack ack) {
  // The addresses and data_coding are the reassembled message's (its first part's).
  inbound_message m = header;
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
  emit_inbound(m, std::move(ack), std::move(note),
               redelivery_tracker::of_reassembled(m.source_addr, m.destination_addr, r.reference,
                                                  r.total, m.text));
}

void inbound_gate::expire(time_point now, wall_time wall) {
  set_time(now, wall);
  while (!remote_deadlines_.empty() && remote_deadlines_.front().first <= now) {
    auto [deadline, id] = std::move(remote_deadlines_.front());
    remote_deadlines_.pop_front();
    auto it = remote_open_.find(id);
    if (it == remote_open_.end() || it->second.deadline != deadline) continue;  // completed
    auto m = std::make_shared<remote_message>(std::move(it->second));
    remote_open_.erase(it);
    remote_->take(m->key, [this, alive = std::weak_ptr<bool>(alive_), m](
                              remote_reply& r, time_point at, wall_time at_wall) {
      if (alive.expired()) return;
      set_time(at, at_wall);
      taken(*m, r);
    });
  }
  auto deadline = reassembler_.next_deadline();
  if (!deadline || *deadline > now) return;
  std::vector<text::reassembled_message> expired;
  reassembler_.expire(now, expired);
  for (text::reassembled_message& m : expired)
    deliver_reassembled(m, inbound_header({}, 0), pending_ack{});
}

void inbound_gate::drain(time_point now, wall_time wall) {
  set_time(now, wall);
  std::vector<text::reassembled_message> held;
  reassembler_.drain(held);
  for (text::reassembled_message& m : held)
    deliver_reassembled(m, inbound_header({}, 0), pending_ack{});
}

std::optional<inbound_gate::time_point> inbound_gate::next_deadline() const noexcept {
  std::optional<time_point> t = reassembler_.next_deadline();
  // The front may belong to a message completed since: waking for it early is harmless.
  if (!remote_deadlines_.empty() && (!t || remote_deadlines_.front().first < *t))
    t = remote_deadlines_.front().first;
  return t;
}

void inbound_gate::emit_inbound(const inbound_message& m, pending_ack ack, std::string note,
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
  inbound_context ctx{config_.name, config_.application_name, config_.empty_message,
                      config_.subject_characters, wall_now_};
  e.attrs = inbound_attributes(m, ctx);
  if (!ack.sequence_numbers.empty()) {
    ack.bytes = held_size(e);
    e.ack_id = new_ack(std::move(ack));
  }
  events_.push_back(std::move(e));
  config_.metrics->inbound_delivered();
}

void inbound_gate::log(log_level level, std::string message) {
  if (!logging(level)) return;
  if (level <= log_level::warn && !limiter_.admit(level, message, now_)) return;
  log_.write(level, log_name_, message);
}

}  // namespace smsdrv::channel
