// Connections, framing, binds, link-level PDUs and responses of the simulated SMSC. Message
// handling is in smsc_submit.cpp, deliveries in smsc_deliver.cpp, stdin commands in
// smsc_command.cpp.
#include "smsc.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "json_line.hpp"
#include "smpp/command_status.hpp"
#include "smpp/tlv.hpp"
#include "smsc_util.hpp"

namespace smsdrv::sim {
namespace {

namespace cs = smpp::command_status;

// Heap order of delayed responses: earliest due first, then in the order they were made.
constexpr auto later_due = [](const auto& a, const auto& b) {
  return a.due != b.due ? a.due > b.due : a.order > b.order;
};

std::string_view bind_command(bind_kind kind) noexcept {
  switch (kind) {
    case bind_kind::transmitter:
      return "bind_transmitter";
    case bind_kind::receiver:
      return "bind_receiver";
    case bind_kind::transceiver:
      return "bind_transceiver";
    case bind_kind::none:
      break;
  }
  return "none";
}

}  // namespace

smsc::smsc(sim_config config, event_sink& events, const time_source& time)
    : config_(std::move(config)),
      events_(events),
      time_(time),
      start_(time.now()),
      now_(start_),
      wall_start_(time.wall_now()),
      store_(config_.store_size),
      next_counter_(config_.first_id),
      rng_(config_.seed),
      last_stats_(start_) {
  event_.reserve(4096);
  if (config_.stats_interval.count() > 0) next_stats_ = start_ + config_.stats_interval;
}

smsc::~smsc() = default;

std::time_t smsc::wall_time(time_point now) const noexcept {
  return wall_start_ + static_cast<std::time_t>(
                           std::chrono::duration_cast<std::chrono::seconds>(now - start_).count());
}

void smsc::listening(std::string_view host, std::uint16_t port, time_point now) {
  json_line(begin_event()).str("event", "listening").str("host", host).num("port", port).finish();
  end_event();
  for (const mo_message& m : config_.mo) {
    command c;
    c.name = "mo";
    c.args = {{"from", m.from}, {"to", m.to}, {"text", m.text}};
    command_mo(c, now);
  }
}

link& smsc::open_link(std::string_view peer, time_point /*now*/) {
  auto owned = std::make_unique<link>();
  link& l = *owned;
  l.id_ = next_link_id_++;
  l.peer_ = std::string(peer);
  arm_triggers(l, 0);
  links_.emplace(l.id_, std::move(owned));
  ++counters_.connections;
  if (verbose()) {
    json_line(begin_event()).str("event", "connect").num("conn", l.id_).str("peer", peer).finish();
    end_event();
  }
  return l;
}

void smsc::arm_triggers(link& l, std::uint64_t base) {
  const fault_config& f = config_.faults;
  l.triggers_.arm_all(f, base);
  l.responses_to_hold_ = f.unbind_with_responses;
}

std::size_t smsc::on_bytes(link& l, std::string_view data, time_point now) {
  now_ = now;
  std::size_t consumed = 0;
  while (!l.close_requested_) {
    const std::string_view rest = data.substr(consumed);
    const smpp::frame_check fc = smpp::check_frame(rest, config_.max_command_length);
    if (fc.state == smpp::frame_state::need_more) break;
    if (fc.state == smpp::frame_state::bad_length) {
      // Framing is lost. Answer generic_nack ESME_RINVCMDLEN and drop everything received so
      // far, so that the client's next write starts on a PDU boundary again and the link stays
      // up (docs/smsc-sim.md, "Garbage in").
      const std::uint32_t seq =
          rest.size() >= smpp::header_size ? smpp::read_header(rest).sequence_number : 0;
      ++counters_.pdus_in;
      if (verbose()) {
        json_line(begin_event())
            .str("event", "malformed")
            .num("conn", l.id_)
            .num("seq", seq)
            .num("command_length", fc.length)
            .num("discarded", rest.size())
            .str("error", "command_length outside 16..max; input discarded")
            .str("answer", "generic_nack")
            .finish();
        end_event();
      }
      respond(l, smpp::generic_nack{}, seq, cs::esme_rinvcmdlen, now);
      ++counters_.generic_nacks_sent;
      consumed = data.size();
      break;
    }
    handle_frame(l, rest.substr(0, fc.length), now);
    consumed += fc.length;
  }
  if (l.close_requested_) consumed = data.size();
  counters_.bytes_in += consumed;
  return consumed;
}

void smsc::handle_frame(link& l, std::string_view frame, time_point now) {
  ++counters_.pdus_in;
  const std::uint64_t n = ++l.pdus_received_;
  const smpp::pdu_header h = smpp::read_header(frame);
  if ((h.command_id & smpp::response_bit) == 0)
    l.last_peer_sequence_ = std::max(l.last_peer_sequence_, h.sequence_number);
  if (l.triggers_.fires(one_shot::drop, n)) {
    inject(l, one_shot::drop, l.out_.size(), h.sequence_number);
    return;
  }
  if (config_.faults.silent) {
    fault_applied(l, "silent", h.sequence_number);
    return;
  }
  const std::size_t before = l.out_.size();
  const smpp::codec_status st = smpp::decode(frame, scratch_);
  if (st.ok())
    std::visit([&](const auto& body) { handle(l, body, scratch_, now); }, scratch_.body);
  else
    handle_malformed(l, frame, st, now);
  inject_after(l, before, h.sequence_number);
}

void smsc::handle_malformed(link& l, std::string_view frame, const smpp::codec_status& st,
                            time_point now) {
  const smpp::pdu_header h = smpp::read_header(frame);
  const bool response = (h.command_id & smpp::response_bit) != 0;
  const bool framing = st.command_status == cs::esme_rinvcmdid || st.field == "command_length";
  if (verbose()) {
    json_line(begin_event())
        .str("event", "malformed")
        .num("conn", l.id_)
        .num("seq", h.sequence_number)
        .str("command_id", fmt::format("0x{:08x}", h.command_id))
        .str("error", st.message())
        .str("answer", response  ? "none"
                       : framing ? "generic_nack"
                                 : "own response")
        .finish();
    end_event();
  }
  if (response) {
    // A deliver_sm_resp we cannot fully read still settles its deliver_sm, by its header.
    if (h.command_id == static_cast<std::uint32_t>(smpp::command_id::deliver_sm_resp))
      delivery_answered(l, h.sequence_number, h.command_status, now);
    return;
  }
  if (framing) {
    respond(l, smpp::generic_nack{}, h.sequence_number, st.command_status, now);
    ++counters_.generic_nacks_sent;
    return;
  }
  respond_by_id(l, smpp::response_of(static_cast<smpp::command_id>(h.command_id)),
                h.sequence_number, st.command_status, now);
}

void smsc::respond_by_id(link& l, smpp::command_id id, std::uint32_t seq, std::uint32_t status,
                         time_point now, bool submission) {
  smpp::pdu_body body;  // generic_nack unless `id` is a command of the table
  smpp::make_body(id, body);
  std::visit([&](const auto& b) { respond(l, b, seq, status, now, submission); }, body);
}

void smsc::inject_after(link& l, std::size_t output_before, std::uint32_t seq) {
  const std::uint64_t n = l.pdus_received_;
  for (const one_shot_fault& f : one_shot_faults)
    if (f.kind != one_shot::drop && l.triggers_.fires(f.kind, n))
      inject(l, f.kind, output_before, seq);
}

void smsc::inject(link& l, one_shot what, std::size_t output_before, std::uint32_t seq) {
  const std::string_view name = one_shot_fault_of(what).name;
  switch (what) {
    case one_shot::drop:
      fault_applied(l, name, seq);
      request_close(l, "fault drop-after", true);
      break;
    case one_shot::garbage: {
      // command_length 5: below the 16-octet header, so the client's framing is lost.
      static constexpr char garbage[16] = {0, 0, 0, 5, '\xde', '\xad', '\xbe', '\xef',
                                           0, 0, 0, 0, '\xde', '\xad', '\xbe', '\xef'};
      append_output(l, std::string_view(garbage, sizeof garbage));
      fault_applied(l, name, seq);
      break;
    }
    case one_shot::unknown_command: {
      char pdu[16];
      store_be32(pdu, 16);
      store_be32(pdu + 4, unknown_command_id);
      store_be32(pdu + 8, 0);
      store_be32(pdu + 12, next_sequence(l));
      append_output(l, std::string_view(pdu, sizeof pdu));
      fault_applied(l, name, seq);
      break;
    }
    case one_shot::unknown_seq: {
      // A sequence number far from any the client used recently.
      std::uint32_t never = (l.last_peer_sequence_ + 0x40000000u) & smpp::max_sequence_number;
      if (never == 0) never = 1;
      smpp::encode(smpp::submit_sm_resp{{"ffffffff"}}, never, l.out_);
      mark_dirty(l);
      fault_applied(l, name, seq);
      break;
    }
    case one_shot::close_mid_pdu:
      if (l.out_.size() <= output_before)
        smpp::encode(smpp::enquire_link{}, next_sequence(l), l.out_);
      l.out_.resize(output_before + (l.out_.size() - output_before) / 2);
      fault_applied(l, name, seq);
      request_close(l, "fault close-mid-pdu", true);
      break;
  }
}

void smsc::fault_applied(link& l, std::string_view fault, std::uint32_t seq) {
  ++counters_.faults_applied;
  if (!verbose()) return;
  json_line(begin_event())
      .str("event", "fault-applied")
      .str("fault", fault)
      .num("conn", l.id_)
      .num("seq", seq)
      .finish();
  end_event();
}

template <class Body>
void smsc::respond(link& l, const Body& body, std::uint32_t seq, std::uint32_t status,
                   time_point now, bool submission) {
  if (config_.faults.silent) return;
  if (submission && l.responses_to_hold_ > 0) {
    smpp::encode(body, seq, l.held_responses_, status);
    ++l.held_count_;
    if (--l.responses_to_hold_ == 0) unbind_ahead_of_held(l, now);
    return;
  }
  if (config_.faults.delays()) {
    time_point due = now + response_delay();
    if (config_.faults.pace.count() > 0) {
      due = std::max(due, l.paced_until_ + config_.faults.pace);
      l.paced_until_ = due;
    }
    link::delayed_response d{due, ++delay_order_, {}, submission};
    smpp::encode(body, seq, d.bytes, status);
    l.delayed_.push_back(std::move(d));
    std::push_heap(l.delayed_.begin(), l.delayed_.end(), later_due);
    if (submission) {
      ++l.delayed_submissions_;
      std::uint64_t account = 0;
      for (const auto& [id, owned] : links_)
        if (owned->system_id_ == l.system_id_) account += owned->delayed_submissions_;
      counters_.submissions_outstanding_peak =
          std::max(counters_.submissions_outstanding_peak, account);
    }
    return;
  }
  smpp::encode(body, seq, l.out_, status);
  if (submission) ++l.responses_in_output_;
  mark_dirty(l);
}

#define SMSDRV_SIM_RESPOND_(name, value, layout, response)                                        \
  template void smsc::respond(link&, const smpp::name&, std::uint32_t, std::uint32_t, time_point, \
                              bool);
SMSDRV_SMPP_COMMAND_MAP(SMSDRV_SIM_RESPOND_)
#undef SMSDRV_SIM_RESPOND_

milliseconds smsc::response_delay() {
  const fault_config& f = config_.faults;
  if (f.delay_min == f.delay_max) return f.delay_min;
  std::uniform_int_distribution<std::int64_t> d(f.delay_min.count(), f.delay_max.count());
  return milliseconds(d(rng_));
}

void smsc::unbind_ahead_of_held(link& l, time_point now) {
  fault_applied(l, "unbind-with-responses", 0);
  send_unbind(l, now);
  l.out_ += l.held_responses_;
  l.responses_in_output_ += l.held_count_;
  l.held_responses_.clear();
  l.held_count_ = 0;
}

void smsc::send_unbind(link& l, time_point now) {
  const std::uint32_t seq = next_sequence(l);
  smpp::encode(smpp::unbind{}, seq, l.out_);
  mark_dirty(l);
  l.bound_ = bind_kind::none;
  l.unbind_sequence_ = seq;
  l.unbind_deadline_ = now + config_.unbind_timeout;
  if (verbose()) {
    json_line(begin_event())
        .str("event", "unbind")
        .num("conn", l.id_)
        .num("seq", seq)
        .str("by", "smsc")
        .str("system_id", l.system_id_)
        .finish();
    end_event();
  }
}

void smsc::append_output(link& l, std::string_view bytes) {
  l.out_.append(bytes);
  mark_dirty(l);
}

void smsc::mark_dirty(link& l) {
  if (l.dirty_) return;
  l.dirty_ = true;
  dirty_.push_back(l.id_);
}

void smsc::request_close(link& l, std::string_view reason, bool abrupt) {
  if (!l.close_requested_) {
    l.close_requested_ = true;
    l.close_reason_ = std::string(reason);
  }
  if (abrupt) {
    l.delayed_.clear();
    l.delayed_submissions_ = 0;
  }
  mark_dirty(l);
}

std::uint32_t smsc::next_sequence(link& l) noexcept {
  l.last_sequence_ = l.last_sequence_ >= smpp::max_sequence_number ? 1 : l.last_sequence_ + 1;
  return l.last_sequence_;
}

void smsc::take_output(link& l, std::string& into) {
  into.clear();
  l.submissions_answered_ += l.responses_in_output_;
  l.responses_in_output_ = 0;
  const milliseconds drip = config_.faults.drip;
  if (drip.count() == 0 && l.dripping_.empty()) {
    into.swap(l.out_);
    counters_.bytes_out += into.size();
    return;
  }
  l.dripping_ += l.out_;
  l.out_.clear();
  if (drip.count() == 0) {  // the fault was switched off: the rest goes at once
    into.swap(l.dripping_);
  } else {
    if (l.dripping_.empty() || now_ < l.drip_due_) return;
    into.assign(1, l.dripping_.front());
    l.dripping_.erase(0, 1);
    l.drip_due_ = now_ + drip;
  }
  counters_.bytes_out += into.size();
}

void smsc::flush_links() {
  while (!dirty_.empty()) {
    flushing_.swap(dirty_);
    for (std::uint64_t id : flushing_) {
      auto it = links_.find(id);
      if (it == links_.end()) continue;
      link& l = *it->second;
      l.dirty_ = false;
      if (l.owner_ != nullptr) l.owner_->flush();
    }
    flushing_.clear();
  }
  events_.flush();
}

void smsc::on_closed(link& l, time_point now) {
  const std::uint64_t id = l.id_;
  const std::size_t requeued = l.in_flight_.size();
  requeue_in_flight(l);
  if (verbose()) {
    json_line(begin_event())
        .str("event", "connection-closed")
        .num("conn", id)
        .str("system_id", l.system_id_)
        .str("reason", l.close_requested_ ? std::string_view(l.close_reason_)
                                          : std::string_view("closed by the client"))
        .num("requeued", requeued)
        .finish();
    end_event();
  }
  links_.erase(id);
  pump_deliveries(now);
}

void smsc::on_tick(time_point now) {
  now_ = now;
  for (auto& [id, owned] : links_) {
    link& l = *owned;
    if (!l.dripping_.empty() && now >= l.drip_due_) mark_dirty(l);
    while (!l.delayed_.empty() && l.delayed_.front().due <= now) {
      std::pop_heap(l.delayed_.begin(), l.delayed_.end(), later_due);
      link::delayed_response d = std::move(l.delayed_.back());
      l.delayed_.pop_back();
      l.out_ += d.bytes;
      if (d.submission) {
        ++l.responses_in_output_;
        --l.delayed_submissions_;
      }
      mark_dirty(l);
    }
    if (l.close_requested_ && l.delayed_.empty()) mark_dirty(l);
    if (l.unbind_sequence_ != 0 && now >= l.unbind_deadline_) {
      l.unbind_sequence_ = 0;
      l.unbind_deadline_ = time_point::max();
      request_close(l, "no unbind_resp in time", false);
    }
  }
  while (!receipts_due_.empty() && receipts_due_.top().due <= now) {
    const std::uint64_t counter = receipts_due_.top().counter;
    receipts_due_.pop();
    message_record* r = store_.find(counter);
    if (r != nullptr && !r->cancelled && !r->receipt_sent &&
        wants_receipt(r->registered_delivery, r->outcome))
      queue_receipt(*r, now);
  }
  while (!retry_.empty() && retry_.front().first <= now) {
    const std::uint64_t index = retry_.front().second;
    retry_.pop_front();
    enqueue(index, false);
  }
  expire_in_flight(now);
  pump_deliveries(now);
  if (now >= next_stats_) {
    emit_stats(now);
    next_stats_ = std::max(next_stats_ + config_.stats_interval, now);
  }
}

time_point smsc::next_deadline() const noexcept {
  time_point t = next_stats_;
  for (const auto& [id, owned] : links_) {
    const link& l = *owned;
    if (!l.delayed_.empty()) t = std::min(t, l.delayed_.front().due);
    if (l.unbind_sequence_ != 0) t = std::min(t, l.unbind_deadline_);
    if (!l.dripping_.empty()) t = std::min(t, l.drip_due_);
    if (!l.in_flight_.empty())
      t = std::min(t, l.in_flight_.front().sent_at + config_.redeliver_after);
  }
  if (!receipts_due_.empty()) t = std::min(t, receipts_due_.top().due);
  if (!retry_.empty()) t = std::min(t, retry_.front().first);
  return t;
}

std::uint32_t smsc::binds_of(std::string_view system_id, const link& except) const noexcept {
  std::uint32_t n = 0;
  for (const auto& [id, owned] : links_)
    if (owned.get() != &except && owned->bound_ != bind_kind::none &&
        owned->system_id_ == system_id)
      ++n;
  return n;
}

void smsc::bind(link& l, bind_kind kind, const smpp::bind_body& b, const smpp::pdu& p,
                time_point now) {
  std::uint32_t status = cs::esme_rok;
  if (l.bound_ != bind_kind::none || l.unbind_sequence_ != 0) {
    status = cs::esme_ralybnd;  // §4.1: a bind on a bound session
  } else if (config_.faults.refuse_binds != 0) {
    status = config_.faults.refuse_binds;
    fault_applied(l, "refuse-binds", p.sequence_number);
  } else if (!config_.accounts.empty()) {
    const auto it = std::find_if(config_.accounts.begin(), config_.accounts.end(),
                                 [&](const account& a) { return a.system_id == b.system_id; });
    if (it == config_.accounts.end())
      status = cs::esme_rinvsysid;
    else if (it->password != b.password)
      status = cs::esme_rinvpaswd;
  }
  if (status == cs::esme_rok) {
    const account_limit* limit = find_account_limit(config_.limits, b.system_id);
    if (limit != nullptr && limit->max_binds != 0 && binds_of(b.system_id, l) >= limit->max_binds) {
      status = cs::esme_rbindfail;
      ++counters_.binds_over_limit;
    }
  }
  smpp::bind_resp_body r;
  r.system_id = config_.smsc_system_id;
  static constexpr char version = static_cast<char>(smpp::interface_version_34);
  if (status == cs::esme_rok)
    r.tlvs.push_back({smpp::tlv_tag::sc_interface_version, std::string_view(&version, 1)});
  switch (kind) {
    case bind_kind::transmitter:
      respond(l, smpp::bind_transmitter_resp{r}, p.sequence_number, status, now);
      break;
    case bind_kind::receiver:
      respond(l, smpp::bind_receiver_resp{r}, p.sequence_number, status, now);
      break;
    case bind_kind::transceiver:
    case bind_kind::none:
      respond(l, smpp::bind_transceiver_resp{r}, p.sequence_number, status, now);
      break;
  }
  if (status == cs::esme_rok) {
    l.bound_ = kind;
    l.system_id_ = std::string(b.system_id);
    ++counters_.binds;
  } else {
    ++counters_.binds_refused;
  }
  if (verbose()) {
    json_line(begin_event())
        .str("event", "bind")
        .num("conn", l.id_)
        .str("command", bind_command(kind))
        .num("seq", p.sequence_number)
        .str("system_id", b.system_id)
        .str("system_type", b.system_type)
        .num("interface_version", b.interface_version)
        .num("addr_ton", b.addr_ton)
        .num("addr_npi", b.addr_npi)
        .str("address_range", b.address_range)
        .str("status", status_text(status))
        .finish();
    end_event();
  }
  if (status == cs::esme_rok && l.can_receive()) pump_deliveries(now);
}

void smsc::handle(link& l, const smpp::bind_transmitter& b, const smpp::pdu& p, time_point now) {
  bind(l, bind_kind::transmitter, b, p, now);
}

void smsc::handle(link& l, const smpp::bind_receiver& b, const smpp::pdu& p, time_point now) {
  bind(l, bind_kind::receiver, b, p, now);
}

void smsc::handle(link& l, const smpp::bind_transceiver& b, const smpp::pdu& p, time_point now) {
  bind(l, bind_kind::transceiver, b, p, now);
}

void smsc::handle(link& l, const smpp::enquire_link&, const smpp::pdu& p, time_point now) {
  // §4.11: answered in every state, bound or not.
  const bool answered = !config_.faults.no_enquire_link_resp;
  if (answered)
    respond(l, smpp::enquire_link_resp{}, p.sequence_number, cs::esme_rok, now);
  else
    fault_applied(l, "no-enquire-link-resp", p.sequence_number);
  if (verbose()) {
    json_line(begin_event())
        .str("event", "enquire_link")
        .num("conn", l.id_)
        .num("seq", p.sequence_number)
        .boolean("answered", answered)
        .finish();
    end_event();
  }
}

void smsc::handle(link& l, const smpp::unbind&, const smpp::pdu& p, time_point now) {
  const bool bound = l.bound_ != bind_kind::none;
  respond(l, smpp::unbind_resp{}, p.sequence_number, bound ? cs::esme_rok : cs::esme_rinvbndsts,
          now);
  if (verbose()) {
    json_line(begin_event())
        .str("event", "unbind")
        .num("conn", l.id_)
        .num("seq", p.sequence_number)
        .str("by", "client")
        .str("system_id", l.system_id_)
        .finish();
    end_event();
  }
  if (!bound) return;
  l.bound_ = bind_kind::none;
  request_close(l, "unbind from the client", false);
}

void smsc::handle(link& l, const smpp::unbind_resp&, const smpp::pdu& p, time_point) {
  if (verbose()) {
    json_line(begin_event())
        .str("event", "unbind_resp")
        .num("conn", l.id_)
        .num("seq", p.sequence_number)
        .str("status", status_text(p.command_status))
        .finish();
    end_event();
  }
  if (l.unbind_sequence_ != 0 && p.sequence_number == l.unbind_sequence_) {
    l.unbind_sequence_ = 0;
    l.unbind_deadline_ = time_point::max();
    request_close(l, "unbind by the SMSC completed", false);
  }
}

void smsc::handle(link& l, const smpp::deliver_sm_resp&, const smpp::pdu& p, time_point now) {
  delivery_answered(l, p.sequence_number, p.command_status, now);
}

void smsc::handle(link& l, const smpp::generic_nack&, const smpp::pdu& p, time_point now) {
  if (verbose()) {
    json_line(begin_event())
        .str("event", "generic_nack")
        .num("conn", l.id_)
        .num("seq", p.sequence_number)
        .str("status", status_text(p.command_status))
        .finish();
    end_event();
  }
  const bool ours = std::any_of(l.in_flight_.begin(), l.in_flight_.end(), [&](const auto& f) {
    return f.sequence_number == p.sequence_number;
  });
  if (ours)
    delivery_answered(l, p.sequence_number,
                      p.command_status != 0 ? p.command_status : cs::esme_rsyserr, now);
}

void smsc::handle(link&, const smpp::enquire_link_resp&, const smpp::pdu&, time_point) {}

template <class Other>
void smsc::handle(link& l, const Other&, const smpp::pdu& p, time_point now) {
  if constexpr (smpp::is_response(Other::id)) {
    if (verbose()) {
      json_line(begin_event())
          .str("event", "unexpected-response")
          .num("conn", l.id_)
          .str("command", smpp::command_name(Other::id))
          .num("seq", p.sequence_number)
          .str("status", status_text(p.command_status))
          .finish();
      end_event();
    }
  } else {
    // Requests an SMSC does not take from an ESME (deliver_sm, outbind, alert_notification):
    // their own response (or generic_nack) with ESME_RINVCMDID, and the link stays up.
    respond_by_id(l, smpp::response_of(Other::id), p.sequence_number, cs::esme_rinvcmdid, now);
    if (verbose()) {
      json_line(begin_event())
          .str("event", "unsupported")
          .num("conn", l.id_)
          .str("command", smpp::command_name(Other::id))
          .num("seq", p.sequence_number)
          .str("status", "ESME_RINVCMDID")
          .finish();
      end_event();
    }
  }
}

std::string& smsc::begin_event() {
  event_.clear();
  return event_;
}

void smsc::end_event() {
  events_.emit(event_);
}

}  // namespace smsdrv::sim
