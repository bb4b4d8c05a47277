// Reassembler: the input drives a sequence of add / expire / drain calls with small caps.
// Invariants: caps hold; every stored part's token comes back exactly once (completed, partial
// or dropped); every text is valid UTF-8.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "text/reassembler.hpp"
#include "text/utf8.hpp"

namespace {

using namespace smsdrv::text;

struct reader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;
  std::uint8_t next() { return pos < size ? data[pos++] : 0; }
  bool done() const { return pos >= size; }
};

void returned(std::set<std::uint64_t>& stored, const reassembled_message& m) {
  if (find_invalid_utf8(m.text) != std::string_view::npos) std::abort();
  for (const std::uint64_t t : m.tokens)
    if (stored.erase(t) != 1) std::abort();
  if (m.state == message_state::complete && (m.tokens.size() != m.total || !m.missing.empty()))
    std::abort();
  if (m.state != message_state::complete && m.tokens.size() + m.missing.size() != m.total)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono_literals;
  reader in{data, size};
  reassembly_options o;
  const std::uint8_t config = in.next();
  o.timeout = std::chrono::seconds(1 + (config & 0x0F));
  o.deliver_partial = config & 0x10;
  o.max_bytes = 1024 + 512 * ((config >> 5) & 7);
  o.max_messages = 1 + (config & 3);
  reassembler r(o);
  reassembler::clock::time_point now{};
  std::set<std::uint64_t> stored;
  std::uint64_t token = 0;
  reassembled_message done;
  std::vector<reassembled_message> out;
  static constexpr concat_method methods[] = {concat_method::udh8, concat_method::udh16,
                                              concat_method::sar, concat_method::none};
  static constexpr const char* addresses[] = {"491701", "491702"};

  while (!in.done()) {
    const std::uint8_t op = in.next();
    out.clear();
    if ((op & 7) < 5) {
      const std::uint8_t a = in.next(), b = in.next(), c = in.next();
      inbound_part p;
      p.source_addr = addresses[a & 1];
      p.destination_addr = addresses[(a >> 1) & 1];
      p.concat = concat_info{methods[(a >> 2) & 3], static_cast<std::uint16_t>(b & 3),
                             static_cast<std::uint8_t>((b >> 2) & 7),
                             static_cast<std::uint8_t>((b >> 5) & 7)};
      p.data_coding = c;
      p.locking_shift = static_cast<national_language>((op >> 3) & 3);
      p.single_shift = static_cast<national_language>((op >> 5) & 3);
      const std::size_t len = std::min<std::size_t>(in.next() & 0x3F, size - in.pos);
      p.user_data = std::string_view(reinterpret_cast<const char*>(data + in.pos), len);
      in.pos += len;
      p.token = ++token;
      switch (r.add(p, now, done)) {
        case add_result::held:
          stored.insert(p.token);
          break;
        case add_result::completed:
          stored.insert(p.token);
          returned(stored, done);
          r.confirm(done.ref());  // the host takes it at once
          break;
        case add_result::awaiting_host:  // cannot happen: every completion is confirmed
          std::abort();
        case add_result::duplicate:
        case add_result::refused:
        case add_result::not_concatenated:
          break;
      }
    } else if ((op & 7) < 7) {
      now += std::chrono::milliseconds(250 * in.next());
      r.expire(now, out);
      for (const reassembled_message& m : out)
        returned(stored, m);
      if (const auto d = r.next_deadline(); d && *d <= now) std::abort();
    } else {
      r.drain(out);
      for (const reassembled_message& m : out)
        returned(stored, m);
      if (r.next_deadline() || r.bytes_held() != 0 || r.open_messages() != 0) std::abort();
    }
    if (r.bytes_held() > o.max_bytes || r.open_messages() > o.max_messages) std::abort();
  }
  out.clear();
  r.drain(out);
  for (const reassembled_message& m : out)
    returned(stored, m);
  if (!stored.empty()) std::abort();
  return 0;
}
