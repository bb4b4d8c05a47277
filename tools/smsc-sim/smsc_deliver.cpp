// Messages to the client (MO and delivery receipts) and the no-loss rule that the driver's
// guarantee relies on (spec §7): a deliver_sm counts as delivered only when the client answers
// it with ESME_ROK. Until then it is sent again: after --redeliver-ms without an answer, right
// after the next receiver-capable bind when the connection closed, and after --redeliver-ms
// when the answer was a temporary error. docs/smsc-sim.md, "No loss".
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "json_line.hpp"
#include "smpp/command_status.hpp"
#include "smpp/tlv.hpp"
#include "smsc.hpp"
#include "smsc_util.hpp"

namespace smsdrv::sim {
namespace {

namespace cs = smpp::command_status;

// Answers that mean "not now" rather than "never" (§5.1.3).
bool temporary_error(std::uint32_t status) noexcept {
  return status == cs::esme_rx_t_appn || status == cs::esme_rmsgqful ||
         status == cs::esme_rthrottled || status == cs::esme_rsyserr;
}

}  // namespace

std::size_t smsc::pending_deliveries() const noexcept {
  std::size_t n = retry_.size();
  for (const auto& [sid, q] : pending_)
    n += q.size();
  for (const auto& [conn, q] : pinned_)
    n += q.size();
  return n;
}

std::uint64_t smsc::queue_delivery(delivery d, bool announce) {
  const std::uint64_t index = next_delivery_++;
  const bool receipt = d.receipt;
  const std::string system_id = d.system_id;
  deliveries_.emplace(index, std::move(d));
  enqueue(index, false);
  if (announce && verbose()) {
    json_line(begin_event())
        .str("event", "queued")
        .num("delivery", index)
        .str("kind", receipt ? "receipt" : "mo")
        .str("system_id", system_id)
        .finish();
    end_event();
  }
  return index;
}

void smsc::enqueue(std::uint64_t index, bool front) {
  delivery& d = deliveries_.at(index);
  if (d.conn != 0) {
    // A spread part waits for its own connection while that one can take it; else for any.
    const auto it = links_.find(d.conn);
    if (it == links_.end() || !it->second->can_receive() || it->second->close_requested_)
      d.conn = 0;
  }
  auto& q = d.conn != 0 ? pinned_[d.conn] : pending_[d.system_id];
  if (front)
    q.push_front(index);
  else
    q.push_back(index);
}

void smsc::pump_deliveries(time_point now) {
  if (config_.faults.silent) return;
  for (auto& [id, owned] : links_) {
    link& l = *owned;
    if (!l.can_receive() || l.close_requested_ || l.unbind_sequence_ != 0) continue;
    while (l.in_flight_.size() < config_.deliver_window) {
      std::deque<std::uint64_t>* q = nullptr;
      if (auto it = pinned_.find(l.id_); it != pinned_.end() && !it->second.empty())
        q = &it->second;
      for (const std::string* key : {&std::as_const(l.system_id_), &empty_key_}) {
        if (q != nullptr) break;
        auto it = pending_.find(*key);
        if (it != pending_.end() && !it->second.empty()) {
          q = &it->second;
          break;
        }
      }
      if (q == nullptr) break;
      const std::uint64_t index = q->front();
      q->pop_front();
      send_delivery(l, index, now);
    }
  }
}

void smsc::send_delivery(link& l, std::uint64_t index, time_point now) {
  delivery& d = deliveries_.at(index);
  ++d.attempts;
  const std::uint32_t seq = next_sequence(l);
  store_be32(d.frame.data() + 12, seq);
  append_output(l, d.frame);
  l.in_flight_.push_back({seq, now, index});
  ++counters_.deliver_sm_sent;
  if (d.attempts > 1) ++counters_.redeliveries;
  if (!verbose()) return;
  smpp::pdu p;
  if (!smpp::decode(d.frame, p).ok()) return;
  const auto& m = std::get<smpp::deliver_sm>(p.body);
  json_line j(begin_event());
  j.str("event", "deliver_sm")
      .num("conn", l.id_)
      .num("seq", seq)
      .num("delivery", index)
      .str("kind", d.receipt ? "receipt" : "mo")
      .num("attempt", d.attempts)
      .str("system_id", l.system_id_)
      .str("source_addr", m.source_addr)
      .str("destination_addr", m.destination_addr)
      .num("esm_class", m.esm_class)
      .num("data_coding", m.data_coding)
      .hex("short_message", m.short_message);
  if (d.receipt) j.str("receipted_message_id", d.receipted_message_id);
  j.finish();
  end_event();
}

void smsc::delivery_answered(link& l, std::uint32_t seq, std::uint32_t status, time_point now) {
  const auto it = std::find_if(l.in_flight_.begin(), l.in_flight_.end(),
                               [seq](const auto& f) { return f.sequence_number == seq; });
  std::string_view outcome = "unexpected";
  std::uint64_t index = 0;
  if (it != l.in_flight_.end()) {
    index = it->delivery;
    l.in_flight_.erase(it);
    if (status == cs::esme_rok) {
      outcome = "acknowledged";
      ++counters_.deliver_sm_acked;
    } else if (temporary_error(status)) {
      outcome = "retry";
      retry_.emplace_back(now + config_.redeliver_after, index);
    } else {
      outcome = "rejected";
      ++counters_.deliver_sm_rejected;
    }
  }
  if (verbose()) {
    json_line j(begin_event());
    j.str("event", "deliver_sm_resp")
        .num("conn", l.id_)
        .num("seq", seq)
        .str("status", status_text(status))
        .str("outcome", outcome);
    if (index != 0) {
      const delivery& d = deliveries_.at(index);
      j.num("delivery", index).str("kind", d.receipt ? "receipt" : "mo");
      if (d.receipt) j.str("receipted_message_id", d.receipted_message_id);
    }
    j.finish();
    end_event();
  }
  if (outcome == "acknowledged" || outcome == "rejected") deliveries_.erase(index);
  pump_deliveries(now);
}

void smsc::expire_in_flight(time_point now) {
  for (auto& [id, owned] : links_) {
    link& l = *owned;
    std::size_t expired = 0;
    while (expired < l.in_flight_.size() &&
           l.in_flight_[expired].sent_at + config_.redeliver_after <= now)
      ++expired;
    if (expired == 0) continue;
    for (std::size_t i = expired; i-- > 0;) {
      const std::uint64_t index = l.in_flight_[i].delivery;
      enqueue(index, true);
      if (verbose()) {
        json_line(begin_event())
            .str("event", "redeliver")
            .num("conn", l.id_)
            .num("seq", l.in_flight_[i].sequence_number)
            .num("delivery", index)
            .str("reason", "no deliver_sm_resp within redeliver-ms")
            .finish();
        end_event();
      }
    }
    l.in_flight_.erase(l.in_flight_.begin(),
                       l.in_flight_.begin() + static_cast<std::ptrdiff_t>(expired));
  }
}

void smsc::requeue_in_flight(link& l) {
  // The connection is going: its parts go to any connection of the account, in order, ahead
  // of what waits there.
  std::vector<std::uint64_t> order;
  for (const auto& f : l.in_flight_)
    order.push_back(f.delivery);
  l.in_flight_.clear();
  if (auto it = pinned_.find(l.id_); it != pinned_.end()) {
    order.insert(order.end(), it->second.begin(), it->second.end());
    pinned_.erase(it);
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    deliveries_.at(*it).conn = 0;
    enqueue(*it, true);
  }
}

std::vector<std::uint64_t> smsc::receivers(std::string_view system_id) const {
  std::vector<std::uint64_t> out;
  for (const auto& [id, owned] : links_)
    if (owned->can_receive() && !owned->close_requested_ && owned->unbind_sequence_ == 0 &&
        (system_id.empty() || owned->system_id_ == system_id))
      out.push_back(id);
  return out;
}

std::string smsc::build_receipt(const message_record& r, std::string_view message_id,
                                receipt_outcome outcome, time_point now) {
  smpp::deliver_sm d;
  // The receipt travels back: from the message's destination to its source (§4.6.1).
  d.source_addr_ton = r.dest_addr_ton;
  d.source_addr_npi = r.dest_addr_npi;
  d.source_addr = r.destination_addr.view();
  d.dest_addr_ton = r.source_addr_ton;
  d.dest_addr_npi = r.source_addr_npi;
  d.destination_addr = r.source_addr.view();
  d.esm_class = smpp::esm_class_bits::smsc_delivery_receipt;
  std::string text;
  if (config_.dlr_style != receipt_style::tlv) {
    text = receipt_text({message_id, r.submit_date, wall_time(now), outcome, r.excerpt.view()});
    d.short_message = text;
  }
  std::string id_z;
  const char state = static_cast<char>(outcome.state);
  if (config_.dlr_style != receipt_style::text) {
    id_z = std::string(message_id) + '\0';
    d.tlvs.push_back({smpp::tlv_tag::receipted_message_id, id_z});
    d.tlvs.push_back({smpp::tlv_tag::message_state, std::string_view(&state, 1)});
  }
  std::string frame;
  const smpp::codec_status st = smpp::encode(d, 0, frame);
  if (!st.ok())
    emit_error(fmt::format("cannot build the receipt of {}: {}", message_id, st.message()));
  return frame;
}

void smsc::queue_receipt(message_record& r, time_point now) {
  r.receipt_sent = true;
  message_id_buffer id;
  format_message_id(config_.ids, r.counter, id);
  delivery d;
  d.system_id = std::string(r.system_id.view());
  d.frame = build_receipt(r, id.view(), r.outcome, now);
  d.receipt = true;
  d.receipted_message_id = std::string(id.view());
  if (d.frame.empty()) return;
  ++counters_.receipts;
  queue_delivery(std::move(d), true);
}

}  // namespace smsdrv::sim
