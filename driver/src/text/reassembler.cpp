#include "text/reassembler.hpp"

#include <algorithm>
#include <bitset>
#include <map>
#include <tuple>

namespace smsdrv::text {
namespace {

using time_point = reassembler::clock::time_point;

struct message_key {
  std::string source;
  std::string destination;
  concat_method method;
  std::uint16_t reference;
  std::uint8_t total;
};

using key_tuple =
    std::tuple<std::string_view, std::string_view, concat_method, std::uint16_t, std::uint8_t>;

key_tuple as_tuple(const message_key& k) noexcept {
  return {k.source, k.destination, k.method, k.reference, k.total};
}
key_tuple as_tuple(const inbound_part& p) noexcept {
  return {p.source_addr, p.destination_addr, p.concat.method, p.concat.reference, p.concat.total};
}
key_tuple as_tuple(const message_ref& r) noexcept {
  return {r.source_addr, r.destination_addr, r.method, r.reference, r.total};
}

struct key_less {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    return as_tuple(a) < as_tuple(b);
  }
};

struct stored_part {
  std::string user_data;
  std::uint64_t token;
  std::uint64_t hash;
  std::uint8_t seqnum;
  std::uint8_t data_coding;
  national_language locking_shift;
  national_language single_shift;
};

using deadline_map = std::multimap<time_point, const message_key*>;

struct entry {
  deadline_map::iterator deadline;
  std::vector<stored_part> parts;  // arrival order
  std::bitset<256> received;       // by seqnum
  // After completion the entry stays until its deadline: `completed` set, `hashes` (by
  // seqnum - 1) kept to recognise redelivered parts. While `awaiting_host`, the parts are kept
  // too (reopen() needs them); confirm() frees them, leaving a tombstone.
  bool completed = false;
  bool awaiting_host = false;
  std::uint8_t completed_by = 0;  // seqnum of the part that completed the message
  std::vector<std::uint64_t> hashes;
  std::size_t bytes = 0;
};

using entry_map = std::map<message_key, entry, key_less>;

// Estimated bookkeeping of a map node plus its deadline node.
constexpr std::size_t node_overhead = 128;

std::size_t message_cost(std::string_view source, std::string_view destination) noexcept {
  return sizeof(message_key) + sizeof(entry) + node_overhead + source.size() + destination.size();
}

std::size_t part_cost(std::string_view user_data) noexcept {
  return sizeof(stored_part) + user_data.size();
}

// FNV-1a over what decides a part's text.
std::uint64_t part_hash(const inbound_part& p) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 1099511628211ull;
  };
  mix(p.data_coding);
  mix(static_cast<std::uint8_t>(p.locking_shift));
  mix(static_cast<std::uint8_t>(p.single_shift));
  for (const char c : p.user_data)
    mix(static_cast<std::uint8_t>(c));
  return h;
}

bool same_coding(const stored_part& a, const stored_part& b) noexcept {
  return a.data_coding == b.data_coding && a.locking_shift == b.locking_shift &&
         a.single_shift == b.single_shift;
}

}  // namespace

struct reassembler::state {
  reassembly_options options;
  entry_map entries;
  deadline_map deadlines;
  std::size_t open = 0;
  std::size_t bytes = 0;
  std::string run;  // scratch: user data of consecutive parts decoded together

  void schedule(entry_map::iterator it, time_point at) {
    it->second.deadline = deadlines.emplace(at, &it->first);
  }

  void erase(entry_map::iterator it) {
    bytes -= it->second.bytes;
    if (!it->second.completed) --open;
    deadlines.erase(it->second.deadline);
    entries.erase(it);
  }

  // Frees tombstones, oldest first, until `needed` more bytes fit; false if they cannot.
  bool make_room(std::size_t needed) {
    for (auto d = deadlines.begin(); bytes + needed > options.max_bytes && d != deadlines.end();) {
      const auto it = entries.find(*d->second);
      ++d;
      if (it->second.completed && !it->second.awaiting_host) erase(it);
    }
    return bytes + needed <= options.max_bytes;
  }

  // Writes `out` from the parts of `e` (sorted by seqnum here).
  void build(const message_key& k, entry& e, message_state st, reassembled_message& out) {
    std::sort(e.parts.begin(), e.parts.end(),
              [](const stored_part& a, const stored_part& b) { return a.seqnum < b.seqnum; });
    out.state = st;
    out.source_addr.assign(k.source);
    out.destination_addr.assign(k.destination);
    out.method = k.method;
    out.reference = k.reference;
    out.total = k.total;
    out.text.clear();
    out.replacements = 0;
    out.missing.clear();
    out.tokens.clear();
    for (unsigned seq = 1; seq <= k.total; ++seq)
      if (!e.received[seq]) out.missing.push_back(static_cast<std::uint8_t>(seq));
    out.mixed_data_coding = false;
    for (const stored_part& p : e.parts) {
      out.tokens.push_back(p.token);
      out.mixed_data_coding = out.mixed_data_coding || !same_coding(p, e.parts.front());
    }
    const stored_part* first = e.parts.empty() ? nullptr : &e.parts.front();
    out.data_coding = first ? first->data_coding : 0;
    out.coding = classify_data_coding(out.data_coding, options.decoding.smsc_default);
    if (st == message_state::dropped) return;
    for (std::size_t i = 0; i < e.parts.size();) {
      const stored_part& head = e.parts[i];
      run.clear();
      std::size_t j = i;
      for (; j < e.parts.size() && same_coding(e.parts[j], head) &&
             e.parts[j].seqnum == head.seqnum + (j - i);
           ++j)
        run.append(e.parts[j].user_data);
      const alphabet a =
          classify_data_coding(head.data_coding, options.decoding.smsc_default).alpha;
      out.replacements += decode_user_data(run, a, head.locking_shift, head.single_shift, out.text);
      i = j;
    }
  }
};

inbound_part make_part(const decoded_message& decoded, std::string_view short_message,
                       std::string_view source_addr, std::string_view destination_addr,
                       std::uint64_t token) noexcept {
  inbound_part p;
  p.source_addr = source_addr;
  p.destination_addr = destination_addr;
  p.concat = decoded.udh.concat;
  p.data_coding = decoded.data_coding;
  p.locking_shift = decoded.udh.locking_shift;
  p.single_shift = decoded.udh.single_shift;
  p.user_data = decoded.user_data(short_message);
  p.token = token;
  return p;
}

std::string_view add_result_name(add_result r) noexcept {
  switch (r) {
    case add_result::held:
      return "held";
    case add_result::duplicate:
      return "duplicate";
    case add_result::completed:
      return "completed";
    case add_result::refused:
      return "refused";
    case add_result::not_concatenated:
      return "not_concatenated";
    case add_result::awaiting_host:
      return "awaiting_host";
  }
  return "unknown";
}

reassembler::reassembler(const reassembly_options& options) : state_(std::make_unique<state>()) {
  state_->options = options;
}
reassembler::~reassembler() = default;
reassembler::reassembler(reassembler&&) noexcept = default;
reassembler& reassembler::operator=(reassembler&&) noexcept = default;

add_result reassembler::add(const inbound_part& part, clock::time_point now,
                            reassembled_message& completed) {
  state& s = *state_;
  if (!part.concat.valid()) return add_result::not_concatenated;
  const std::uint64_t hash = part_hash(part);
  const stored_part incoming{std::string(),      part.token,       hash,
                             part.concat.seqnum, part.data_coding, part.locking_shift,
                             part.single_shift};

  auto it = s.entries.find(part);
  if (it != s.entries.end() && it->second.completed) {
    if (it->second.hashes[part.concat.seqnum - 1] == hash)
      return it->second.awaiting_host && part.concat.seqnum == it->second.completed_by
                 ? add_result::awaiting_host
                 : add_result::duplicate;
    s.erase(it);  // the reference was reused by a new message
    it = s.entries.end();
  }

  if (part.concat.total == 1) {
    message_key k{std::string(part.source_addr), std::string(part.destination_addr),
                  part.concat.method, part.concat.reference, 1};
    entry e;
    e.parts.push_back(incoming);
    e.parts.back().user_data.assign(part.user_data);
    e.received.set(1);
    s.build(k, e, message_state::complete, completed);
    return add_result::completed;
  }

  const std::size_t cost = part_cost(part.user_data);
  if (it == s.entries.end()) {
    if (s.open >= s.options.max_messages) return add_result::refused;
    const std::size_t total_cost = cost + message_cost(part.source_addr, part.destination_addr);
    if (!s.make_room(total_cost)) return add_result::refused;
    message_key k{std::string(part.source_addr), std::string(part.destination_addr),
                  part.concat.method, part.concat.reference, part.concat.total};
    it = s.entries.emplace(std::move(k), entry{}).first;
    s.schedule(it, now + s.options.timeout);
    it->second.bytes = total_cost - cost;
    s.bytes += total_cost - cost;
    ++s.open;
  } else if (it->second.received[part.concat.seqnum]) {
    return add_result::duplicate;
  }

  entry& e = it->second;
  const bool completes = e.parts.size() + 1 == part.concat.total;
  // A completing part is always taken: it frees memory rather than holding more.
  if (!completes && !s.make_room(cost)) return add_result::refused;
  e.parts.push_back(incoming);
  e.parts.back().user_data.assign(part.user_data);
  e.received.set(part.concat.seqnum);
  e.bytes += cost;
  s.bytes += cost;
  if (!completes) return add_result::held;

  s.build(it->first, e, message_state::complete, completed);
  // Keep the parts until the host's decision (confirm / reopen), and the hashes after it so a
  // redelivered part is recognised.
  e.completed = true;
  e.awaiting_host = true;
  e.completed_by = part.concat.seqnum;
  --s.open;
  e.hashes.assign(part.concat.total, 0);
  for (const stored_part& p : e.parts)
    e.hashes[p.seqnum - 1] = p.hash;
  s.deadlines.erase(e.deadline);
  s.schedule(it, now + s.options.timeout);
  return add_result::completed;
}

message_ref ref_of(const inbound_part& part) {
  return {std::string(part.source_addr), std::string(part.destination_addr), part.concat.method,
          part.concat.reference, part.concat.total};
}

void reassembler::confirm(const message_ref& message) {
  state& s = *state_;
  auto it = s.entries.find(message);
  if (it == s.entries.end() || !it->second.awaiting_host) return;
  entry& e = it->second;
  e.awaiting_host = false;
  std::vector<stored_part>().swap(e.parts);
  s.bytes -= e.bytes;
  e.bytes = message_cost(it->first.source, it->first.destination) +
            e.hashes.size() * sizeof(std::uint64_t);
  s.bytes += e.bytes;
}

bool reassembler::reopen(const message_ref& message, clock::time_point now) {
  state& s = *state_;
  auto it = s.entries.find(message);
  if (it == s.entries.end() || !it->second.awaiting_host) return false;
  entry& e = it->second;
  const auto last = std::find_if(e.parts.begin(), e.parts.end(),
                                 [&](const stored_part& p) { return p.seqnum == e.completed_by; });
  if (last != e.parts.end()) {
    const std::size_t cost = part_cost(last->user_data);
    e.bytes -= cost;
    s.bytes -= cost;
    e.parts.erase(last);
  }
  e.received.reset(e.completed_by);
  e.completed = false;
  e.awaiting_host = false;
  e.completed_by = 0;
  e.hashes.clear();
  ++s.open;
  s.deadlines.erase(e.deadline);
  s.schedule(it, now + s.options.timeout);
  return true;
}

std::size_t reassembler::expire(clock::time_point now, std::vector<reassembled_message>& out) {
  state& s = *state_;
  std::size_t n = 0;
  while (!s.deadlines.empty() && s.deadlines.begin()->first <= now) {
    const auto it = s.entries.find(*s.deadlines.begin()->second);
    if (!it->second.completed) {
      out.emplace_back();
      s.build(it->first, it->second,
              s.options.deliver_partial ? message_state::partial : message_state::dropped,
              out.back());
      ++n;
    }
    s.erase(it);
  }
  return n;
}

std::size_t reassembler::drain(std::vector<reassembled_message>& out) {
  return expire(clock::time_point::max(), out);
}

std::optional<reassembler::clock::time_point> reassembler::next_deadline() const noexcept {
  if (state_->deadlines.empty()) return std::nullopt;
  return state_->deadlines.begin()->first;
}

std::size_t reassembler::open_messages() const noexcept {
  return state_->open;
}
std::size_t reassembler::bytes_held() const noexcept {
  return state_->bytes;
}

}  // namespace smsdrv::text
