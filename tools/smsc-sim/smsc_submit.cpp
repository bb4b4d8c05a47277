// Messages from the client: submit_sm, data_sm, submit_multi, and query_sm / cancel_sm /
// replace_sm on the messages the simulator remembers.
#include <fmt/format.h>

#include <algorithm>

#include "json_line.hpp"
#include "smpp/command_status.hpp"
#include "smpp/tlv.hpp"
#include "smsc.hpp"
#include "smsc_util.hpp"
#include "text_codec.hpp"

namespace smsdrv::sim {
namespace {

namespace cs = smpp::command_status;

void add_tlvs(json_line& j, const smpp::tlv_list& tlvs) {
  j.begin_object("tlvs");
  for (const smpp::tlv& t : tlvs) {
    char key[8];
    auto r = fmt::format_to_n(key, sizeof key, "0x{:04x}", t.tag);
    j.hex(std::string_view(key, r.size), t.value);
  }
  j.end_object();
}

// The addressing fields submit_sm and data_sm share, for their event lines.
template <class Pdu>
void add_addressing(json_line& j, const Pdu& m) {
  j.str("service_type", m.service_type)
      .num("source_addr_ton", m.source_addr_ton)
      .num("source_addr_npi", m.source_addr_npi)
      .str("source_addr", m.source_addr)
      .num("dest_addr_ton", m.dest_addr_ton)
      .num("dest_addr_npi", m.dest_addr_npi)
      .str("destination_addr", m.destination_addr)
      .num("esm_class", m.esm_class);
}

// The text of a message: short_message, or message_payload when short_message is empty.
std::string_view message_text(std::string_view short_message, const smpp::tlv_list& tlvs) {
  if (!short_message.empty()) return short_message;
  const smpp::tlv* payload = smpp::find_tlv(tlvs, smpp::tlv_tag::message_payload);
  return payload != nullptr ? payload->value : std::string_view();
}

// §7.1.1 absolute time "YYMMDDhhmmsstnnp", in UTC.
void final_date(std::time_t t, char (&out)[17]) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  fmt::format_to_n(out, 16, "{:02}{:02}{:02}{:02}{:02}{:02}000+", tm.tm_year % 100, tm.tm_mon + 1,
                   tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  out[16] = '\0';
}

}  // namespace

std::string_view smsc::answer_name(const admission& a, smpp::command_id own) const noexcept {
  switch (a.kind) {
    case admission::nack:
      return "generic_nack";
    case admission::no_answer:
      return "none";
    case admission::wrong_response:
      return smpp::command_name(config_.faults.wrong_response);
    case admission::answer:
      break;
  }
  return smpp::command_name(own);
}

std::string status_text(std::uint32_t status) {
  const std::string_view name = smpp::status_name(status);
  return name.empty() ? fmt::format("0x{:08X}", status) : std::string(name);
}

smsc::admission smsc::admit_submission(link& l, std::uint32_t seq, time_point now) {
  if (!l.can_submit()) return {admission::answer, cs::esme_rinvbndsts};
  const fault_config& f = config_.faults;
  if (f.no_submit_resp) {
    fault_applied(l, "no-submit-resp", seq);
    return {admission::no_answer, 0};
  }
  const std::uint64_t n = ++submission_count_;
  if (f.nack_every != 0 && n % f.nack_every == 0) {
    fault_applied(l, "nack-every", seq);
    return {admission::nack, f.nack_status};
  }
  if (f.fail_every != 0 && n % f.fail_every == 0) {
    fault_applied(l, "fail-every", seq);
    return {admission::answer, f.fail_status};
  }
  if (f.wrong_response_every != 0 && n % f.wrong_response_every == 0) {
    fault_applied(l, "wrong-response-every", seq);
    return {admission::wrong_response, cs::esme_rok};
  }
  if (f.throttle != 0 && !window_admits(throttles_, l.system_id_, f.throttle, now)) {
    fault_applied(l, "throttle", seq);
    return {admission::answer, cs::esme_rthrottled};
  }
  const account_limit* limit = find_account_limit(config_.limits, l.system_id_);
  if (limit != nullptr && limit->rate != 0 &&
      !window_admits(account_windows_, l.system_id_, limit->rate, now)) {
    ++counters_.submissions_throttled;
    return {admission::answer, cs::esme_rthrottled};
  }
  return {};
}

bool smsc::window_admits(std::unordered_map<std::string, throttle_window>& windows,
                         const std::string& system_id, std::size_t rate, time_point now) {
  // A sliding second: accepted when the acceptance `rate` places back is a second old.
  throttle_window& w = windows[system_id];
  if (w.accepted.size() != rate) {
    w.accepted.assign(rate, time_point{});
    w.next = 0;
    w.filled = 0;
  }
  if (w.filled == rate) {
    if (now - w.accepted[w.next] < std::chrono::seconds(1)) return false;
  } else {
    ++w.filled;
  }
  w.accepted[w.next] = now;
  w.next = (w.next + 1) % rate;
  return true;
}

template <class Resp>
void smsc::answer_submission(link& l, const admission& a, const Resp& resp, std::uint32_t seq,
                             time_point now) {
  switch (a.kind) {
    case admission::answer:
      respond(l, resp, seq, a.status, now, true);
      if (a.status == cs::esme_rok)
        ++counters_.submissions_ok;
      else
        ++counters_.submissions_failed;
      break;
    case admission::nack:
      respond(l, smpp::generic_nack{}, seq, a.status, now, true);
      ++counters_.submissions_failed;
      ++counters_.generic_nacks_sent;
      break;
    case admission::no_answer:
      ++counters_.submissions_unanswered;
      break;
    case admission::wrong_response:
      // Not stored: the client was never told the message was taken.
      respond_by_id(l, config_.faults.wrong_response, seq, a.status, now, true);
      ++counters_.submissions_unanswered;
      break;
  }
}

template <class Pdu>
smsc::accepted_message smsc::accepted(const Pdu& m, sm_address destination, std::string_view text) {
  return {m.service_type,
          {m.source_addr_ton, m.source_addr_npi, m.source_addr},
          destination,
          m.esm_class,
          m.registered_delivery,
          m.data_coding,
          text};
}

std::string_view smsc::accept_message(link& l, const accepted_message& m, time_point now) {
  const std::uint64_t counter = next_counter_++;
  format_message_id(config_.ids, counter, id_buffer_);
  message_record& r = store_.add(counter);
  r.system_id.assign(l.system_id_);
  r.service_type.assign(m.service_type);
  r.source_addr_ton = m.source.ton;
  r.source_addr_npi = m.source.npi;
  r.source_addr.assign(m.source.address);
  r.dest_addr_ton = m.destination.ton;
  r.dest_addr_npi = m.destination.npi;
  r.destination_addr.assign(m.destination.address);
  r.excerpt.size = static_cast<std::uint8_t>(
      receipt_excerpt(m.text, m.data_coding, m.esm_class, r.excerpt.data, sizeof r.excerpt.data));
  r.registered_delivery = m.registered_delivery;
  r.submit_date = wall_time(now);
  r.final_at = now + config_.dlr_delay;
  r.outcome = config_.dlr_outcome;
  schedule_receipt(r);
  return id_buffer_.view();
}

void smsc::schedule_receipt(const message_record& r) {
  if (wants_receipt(r.registered_delivery, r.outcome)) receipts_due_.push({r.final_at, r.counter});
}

message_record* smsc::find_message(std::string_view message_id) noexcept {
  const auto counter = parse_message_id(config_.ids, message_id);
  return counter ? store_.find(*counter) : nullptr;
}

template <class Pdu>
std::string_view smsc::accept_single(link& l, const Pdu& m, std::string_view text, admission& a,
                                     time_point now) {
  if (a.kind != admission::answer || a.status != cs::esme_rok) return {};
  if (m.destination_addr.empty()) {
    a.status = cs::esme_rinvdstadr;
    return {};
  }
  return accept_message(
      l, accepted(m, {m.dest_addr_ton, m.dest_addr_npi, m.destination_addr}, text), now);
}

void smsc::handle(link& l, const smpp::submit_sm& m, const smpp::pdu& p, time_point now) {
  const std::uint64_t window = ++l.submissions_received_ - l.submissions_answered_;
  ++counters_.submissions;
  admission a = admit_submission(l, p.sequence_number, now);
  const std::string_view message_id =
      accept_single(l, m, message_text(m.short_message, m.tlvs), a, now);
  answer_submission(l, a, smpp::submit_sm_resp{{message_id}}, p.sequence_number, now);
  if (!verbose()) return;
  json_line j(begin_event());
  j.str("event", "submit_sm")
      .num("conn", l.id_)
      .num("seq", p.sequence_number)
      .str("system_id", l.system_id_);
  add_addressing(j, m);
  j.num("protocol_id", m.protocol_id)
      .num("priority_flag", m.priority_flag)
      .str("schedule_delivery_time", m.schedule_delivery_time)
      .str("validity_period", m.validity_period)
      .num("registered_delivery", m.registered_delivery)
      .num("replace_if_present_flag", m.replace_if_present_flag)
      .num("data_coding", m.data_coding)
      .num("sm_default_msg_id", m.sm_default_msg_id)
      .hex("short_message", m.short_message);
  add_tlvs(j, m.tlvs);
  j.str("message_id", message_id);
  if (a.kind == admission::no_answer)
    j.null("status");
  else
    j.str("status", status_text(a.status));
  j.str("answer", answer_name(a, smpp::command_id::submit_sm_resp))
      .num("window", window)
      .num("t_us", static_cast<std::uint64_t>(
                       std::chrono::duration_cast<std::chrono::microseconds>(now - start_).count()))
      .finish();
  end_event();
}

void smsc::handle(link& l, const smpp::data_sm& m, const smpp::pdu& p, time_point now) {
  const std::uint64_t window = ++l.submissions_received_ - l.submissions_answered_;
  ++counters_.submissions;
  admission a = admit_submission(l, p.sequence_number, now);
  const std::string_view message_id = accept_single(l, m, message_text({}, m.tlvs), a, now);
  answer_submission(l, a, smpp::data_sm_resp{{message_id, {}}}, p.sequence_number, now);
  if (!verbose()) return;
  json_line j(begin_event());
  j.str("event", "data_sm")
      .num("conn", l.id_)
      .num("seq", p.sequence_number)
      .str("system_id", l.system_id_);
  add_addressing(j, m);
  j.num("registered_delivery", m.registered_delivery).num("data_coding", m.data_coding);
  add_tlvs(j, m.tlvs);
  j.str("message_id", message_id);
  if (a.kind == admission::no_answer)
    j.null("status");
  else
    j.str("status", status_text(a.status));
  j.str("answer", answer_name(a, smpp::command_id::data_sm_resp)).num("window", window).finish();
  end_event();
}

void smsc::handle(link& l, const smpp::submit_multi& m, const smpp::pdu& p, time_point now) {
  const std::uint64_t window = ++l.submissions_received_ - l.submissions_answered_;
  ++counters_.submissions;
  admission a = admit_submission(l, p.sequence_number, now);
  smpp::submit_multi_resp resp;
  const smpp::dest_address* first_ok = nullptr;
  if (a.kind == admission::answer && a.status == cs::esme_rok) {
    // Distribution lists are not simulated (ESME_RCNTSUBDL); empty addresses are invalid.
    for (const smpp::dest_address& d : m.dest_addresses) {
      if (d.dest_flag == smpp::dest_address::distribution_list)
        resp.unsuccess_smes.push_back({0, 0, d.dl_name, cs::esme_rcntsubdl});
      else if (d.destination_addr.empty())
        resp.unsuccess_smes.push_back({d.dest_addr_ton, d.dest_addr_npi, {}, cs::esme_rinvdstadr});
      else if (first_ok == nullptr)
        first_ok = &d;
    }
    if (first_ok == nullptr) a.status = cs::esme_rsubmitfail;
  }
  if (first_ok != nullptr)
    resp.message_id = accept_message(
        l,
        accepted(m, {first_ok->dest_addr_ton, first_ok->dest_addr_npi, first_ok->destination_addr},
                 message_text(m.short_message, m.tlvs)),
        now);
  answer_submission(l, a, resp, p.sequence_number, now);
  if (!verbose()) return;
  std::string destinations;
  for (const smpp::dest_address& d : m.dest_addresses) {
    if (!destinations.empty()) destinations.push_back(',');
    destinations +=
        d.dest_flag == smpp::dest_address::distribution_list ? d.dl_name : d.destination_addr;
  }
  json_line j(begin_event());
  j.str("event", "submit_multi")
      .num("conn", l.id_)
      .num("seq", p.sequence_number)
      .str("system_id", l.system_id_)
      .str("source_addr", m.source_addr)
      .str("destinations", destinations)
      .num("esm_class", m.esm_class)
      .num("registered_delivery", m.registered_delivery)
      .num("data_coding", m.data_coding)
      .hex("short_message", m.short_message);
  add_tlvs(j, m.tlvs);
  j.str("message_id", resp.message_id)
      .num("unsuccess", resp.unsuccess_smes.size())
      .str("status", status_text(a.status))
      .num("window", window)
      .finish();
  end_event();
}

void smsc::handle(link& l, const smpp::query_sm& q, const smpp::pdu& p, time_point now) {
  smpp::query_sm_resp resp;
  resp.message_id = q.message_id;
  char date[17] = {};
  std::uint32_t status = cs::esme_rok;
  message_record* r = l.can_submit() ? find_message(q.message_id) : nullptr;
  if (!l.can_submit()) {
    status = cs::esme_rinvbndsts;
  } else if (!parse_message_id(config_.ids, q.message_id)) {
    status = cs::esme_rinvmsgid;
  } else if (r == nullptr || (!q.source_addr.empty() && q.source_addr != r->source_addr.view())) {
    status = cs::esme_rqueryfail;  // unknown, forgotten (see --store-size), or not this sender's
  } else {
    resp.message_state = r->state(now);
    if (resp.message_state != message_state::enroute) {
      final_date(r->cancelled ? wall_time(now) : wall_time(r->final_at), date);
      resp.final_date = date;
      resp.error_code = static_cast<std::uint8_t>(r->cancelled ? 0 : r->outcome.err & 0xFF);
    }
  }
  respond(l, resp, p.sequence_number, status, now);
  if (!verbose()) return;
  json_line(begin_event())
      .str("event", "query_sm")
      .num("conn", l.id_)
      .num("seq", p.sequence_number)
      .str("message_id", q.message_id)
      .num("message_state", resp.message_state)
      .str("status", status_text(status))
      .finish();
  end_event();
}

void smsc::handle(link& l, const smpp::cancel_sm& c, const smpp::pdu& p, time_point now) {
  std::uint32_t status = cs::esme_rok;
  std::uint64_t cancelled = 0;
  auto cancellable = [&](const message_record& r) {
    return r.state(now) == message_state::enroute && r.system_id.view() == l.system_id_;
  };
  if (!l.can_submit()) {
    status = cs::esme_rinvbndsts;
  } else if (!c.message_id.empty()) {
    message_record* r = find_message(c.message_id);
    if (r == nullptr || !cancellable(*r) ||
        (!c.source_addr.empty() && c.source_addr != r->source_addr.view())) {
      status = cs::esme_rcancelfail;
    } else {
      r->cancelled = true;
      cancelled = 1;
    }
  } else {
    // §4.9.1: without message_id, every pending message from source_addr to destination_addr
    // (of service_type, when given) is cancelled.
    store_.for_each([&](message_record& r) {
      if (cancellable(r) && r.source_addr.view() == c.source_addr &&
          r.destination_addr.view() == c.destination_addr &&
          (c.service_type.empty() || r.service_type.view() == c.service_type)) {
        r.cancelled = true;
        ++cancelled;
      }
    });
    if (cancelled == 0) status = cs::esme_rcancelfail;
  }
  respond(l, smpp::cancel_sm_resp{}, p.sequence_number, status, now);
  if (!verbose()) return;
  json_line(begin_event())
      .str("event", "cancel_sm")
      .num("conn", l.id_)
      .num("seq", p.sequence_number)
      .str("message_id", c.message_id)
      .num("cancelled", cancelled)
      .str("status", status_text(status))
      .finish();
  end_event();
}

void smsc::handle(link& l, const smpp::replace_sm& m, const smpp::pdu& p, time_point now) {
  std::uint32_t status = cs::esme_rok;
  message_record* r = l.can_submit() ? find_message(m.message_id) : nullptr;
  if (!l.can_submit()) {
    status = cs::esme_rinvbndsts;
  } else if (r == nullptr || r->state(now) != message_state::enroute ||
             r->system_id.view() != l.system_id_ ||
             (!m.source_addr.empty() && m.source_addr != r->source_addr.view())) {
    status = cs::esme_rreplacefail;  // §4.10: only a pending message of the same sender
  } else {
    r->excerpt.size = static_cast<std::uint8_t>(
        receipt_excerpt(m.short_message, 0, 0, r->excerpt.data, sizeof r->excerpt.data));
    r->registered_delivery = m.registered_delivery;
    if (wants_receipt(m.registered_delivery, r->outcome))
      receipts_due_.push({r->final_at, r->counter});
  }
  respond(l, smpp::replace_sm_resp{}, p.sequence_number, status, now);
  if (!verbose()) return;
  json_line(begin_event())
      .str("event", "replace_sm")
      .num("conn", l.id_)
      .num("seq", p.sequence_number)
      .str("message_id", m.message_id)
      .hex("short_message", m.short_message)
      .str("status", status_text(status))
      .finish();
  end_event();
}

}  // namespace smsdrv::sim
