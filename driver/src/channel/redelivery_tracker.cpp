#include "channel/redelivery_tracker.hpp"

#include <fmt/format.h>

#include "channel/inbound.hpp"
#include "smpp/tlv.hpp"

namespace smsdrv::channel {
namespace {

// FNV-1a, 64 bits: stable across processes and versions (std::hash is neither).
struct fnv1a {
  std::uint64_t h = 0xcbf29ce484222325ull;
  void byte(std::uint8_t b) noexcept {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  void bytes(std::string_view s) noexcept {
    for (char c : s)
      byte(static_cast<std::uint8_t>(c));
    // The length ends the field, so that ("ab", "c") and ("a", "bc") differ.
    for (int i = 0; i < 4; ++i)
      byte(static_cast<std::uint8_t>(s.size() >> (8 * i)));
  }
};

// TLVs that name a message rather than its delivery (SMPP v3.4 §5.3.2).
constexpr std::uint16_t identifying_tlvs[] = {
    smpp::tlv_tag::user_message_reference,
    smpp::tlv_tag::sar_msg_ref_num,
    smpp::tlv_tag::sar_total_segments,
    smpp::tlv_tag::sar_segment_seqnum,
};

double seconds_of(std::chrono::milliseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

}  // namespace

redelivery_tracker::redelivery_tracker(options o) : options_(o) {
  if (options_.capacity == 0) options_.capacity = 1;
}

redelivery_tracker::fingerprint redelivery_tracker::of(const smpp::sm_body& f,
                                                       std::string_view payload) {
  fnv1a h;
  h.byte(f.source_addr_ton);
  h.byte(f.source_addr_npi);
  h.bytes(f.source_addr);
  h.byte(f.dest_addr_ton);
  h.byte(f.dest_addr_npi);
  h.bytes(f.destination_addr);
  h.byte(f.esm_class);
  h.byte(f.data_coding);
  h.bytes(payload);
  for (std::uint16_t tag : identifying_tlvs) {
    if (const smpp::tlv* t = smpp::find_tlv(f.tlvs, tag)) {
      h.byte(static_cast<std::uint8_t>(tag >> 8));
      h.byte(static_cast<std::uint8_t>(tag));
      h.bytes(t->value);
    }
  }
  return h.h;
}

redelivery_tracker::fingerprint redelivery_tracker::of_reassembled(std::string_view source,
                                                                   std::string_view destination,
                                                                   std::uint16_t reference,
                                                                   std::uint8_t total,
                                                                   std::string_view text) {
  fnv1a h;
  h.byte(0xC0);  // never equal to a single message's fingerprint by construction of the input
  h.bytes(source);
  h.bytes(destination);
  h.byte(static_cast<std::uint8_t>(reference >> 8));
  h.byte(static_cast<std::uint8_t>(reference));
  h.byte(total);
  h.bytes(text);
  return h.h;
}

redelivery_tracker::entry* redelivery_tracker::find(std::uint64_t id) noexcept {
  if (id == 0) return nullptr;
  const std::size_t at = (id - 1) % options_.capacity;
  if (at >= ring_.size()) return nullptr;
  entry& e = ring_[at];
  return e.id == id ? &e : nullptr;
}

std::string redelivery_tracker::delivered(fingerprint fp, std::uint64_t connection, time_point now,
                                          wall_time wall, std::uint64_t& id) {
  std::string note;
  if (auto it = index_.find(fp); it != index_.end()) {
    const entry* earlier = find(it->second);
    if (earlier != nullptr && now - earlier->received <= options_.horizon) {
      const std::string at = iso8601_utc_ms(earlier->received_wall);
      switch (earlier->st) {
        case state::with_host:
          note = fmt::format(
              "duplicate: the SMSC delivered this message again while the copy received at {} "
              "still waited for the host's acknowledgement",
              at);
          break;
        case state::unanswerable:
          note = fmt::format(
              "duplicate: redelivery of the message received at {}; the host had it, but the "
              "connection closed before its deliver_sm_resp could be sent",
              at);
          break;
        case state::answer_doubtful:
          note = fmt::format(
              "possible duplicate: same message as the one received at {}; its deliver_sm_resp "
              "was written {:.1f} s before the connection broke and may not have reached the "
              "SMSC",
              at, seconds_of(earlier->broke_after));
          break;
        case state::answered:
        case state::refused:
          break;
      }
    }
  }
  id = next_id_++;
  const std::size_t at = (id - 1) % options_.capacity;
  if (at == ring_.size()) ring_.emplace_back();
  entry& slot = ring_[at];
  if (slot.id != 0) {
    auto old = index_.find(slot.fp);
    if (old != index_.end() && old->second == slot.id) index_.erase(old);
  }
  slot = entry{id, fp, connection, now, wall, {}, std::chrono::milliseconds(0), state::with_host};
  index_[fp] = id;
  return note;
}

void redelivery_tracker::acknowledged(std::uint64_t id, bool taken, bool response_written,
                                      time_point now) {
  entry* e = find(id);
  if (e == nullptr) return;
  if (!taken) {
    e->st = state::refused;
  } else if (response_written) {
    e->st = state::answered;
    e->answered_at = now;
  } else {
    e->st = state::unanswerable;
  }
}

void redelivery_tracker::connection_closed(std::uint64_t connection, bool orderly, time_point now) {
  for (entry& e : ring_) {
    if (e.id == 0 || e.connection != connection) continue;
    if (e.st == state::with_host) {
      e.st = state::unanswerable;
    } else if (!orderly && e.st == state::answered && now - e.answered_at <= options_.doubt) {
      e.st = state::answer_doubtful;
      e.broke_after = std::chrono::duration_cast<std::chrono::milliseconds>(now - e.answered_at);
    }
  }
}

}  // namespace smsdrv::channel
