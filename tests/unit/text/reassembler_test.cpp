#include "text/reassembler.hpp"

#include <catch2/catch.hpp>

#include "hex.hpp"

using namespace smsdrv::text;
using namespace std::chrono_literals;
using testing::from_hex;

namespace {

using clock_type = reassembler::clock;
const clock_type::time_point t0{};

inbound_part part(std::uint8_t seq, std::uint8_t total, std::string_view data, std::uint64_t token,
                  std::uint16_t ref = 7, concat_method m = concat_method::udh8,
                  std::uint8_t dc = 0) {
  inbound_part p;
  p.source_addr = "4915550001";
  p.destination_addr = "1234";
  p.concat = concat_info{m, ref, total, seq};
  p.data_coding = dc;
  p.user_data = data;
  p.token = token;
  return p;
}

reassembly_options opts(bool deliver_partial = true, std::size_t max_bytes = 1 << 20,
                        std::size_t max_messages = 100) {
  reassembly_options o;
  o.timeout = 60s;
  o.deliver_partial = deliver_partial;
  o.max_bytes = max_bytes;
  o.max_messages = max_messages;
  return o;
}

}  // namespace

TEST_CASE("three parts out of order with a duplicate -> one message") {
  reassembler r(opts());
  reassembled_message done;
  CHECK(r.add(part(3, 3, "C", 30), t0, done) == add_result::held);
  CHECK(r.open_messages() == 1);
  CHECK(r.next_deadline() == t0 + 60s);
  CHECK(r.add(part(1, 3, "A", 10), t0 + 1s, done) == add_result::held);
  CHECK(r.add(part(3, 3, "C", 31), t0 + 2s, done) == add_result::duplicate);
  CHECK(r.add(part(2, 3, "B", 20), t0 + 3s, done) == add_result::completed);
  CHECK(done.state == message_state::complete);
  CHECK(done.text == "ABC");
  CHECK(done.tokens == std::vector<std::uint64_t>{10, 20, 30});
  CHECK(done.missing.empty());
  CHECK(done.total == 3);
  CHECK(done.reference == 7);
  CHECK(done.method == concat_method::udh8);
  CHECK(done.source_addr == "4915550001");
  CHECK(done.destination_addr == "1234");
  CHECK(r.open_messages() == 0);
  SECTION("a part redelivered after completion is a duplicate, not a new message") {
    // The completing part again before the host decided: its answer waits for the decision.
    CHECK(r.add(part(2, 3, "B", 21), t0 + 10s, done) == add_result::awaiting_host);
    r.confirm(done.ref());
    CHECK(r.add(part(2, 3, "B", 22), t0 + 11s, done) == add_result::duplicate);
    CHECK(r.add(part(1, 3, "A", 11), t0 + 11s, done) == add_result::duplicate);
    CHECK(r.open_messages() == 0);
  }
  SECTION("a reused reference with new content starts a new message") {
    CHECK(r.add(part(1, 3, "X", 40), t0 + 10s, done) == add_result::held);
    CHECK(r.open_messages() == 1);
  }
  SECTION("the tombstone goes at its deadline and returns nothing") {
    std::vector<reassembled_message> out;
    CHECK(r.next_deadline() == t0 + 63s);
    CHECK(r.expire(t0 + 63s, out) == 0);
    CHECK(out.empty());
    CHECK_FALSE(r.next_deadline());
    CHECK(r.bytes_held() == 0);
  }
}

TEST_CASE("messages are keyed by addresses, reference, total and method") {
  reassembler r(opts());
  reassembled_message done;
  CHECK(r.add(part(1, 2, "a", 1, 7), t0, done) == add_result::held);
  CHECK(r.add(part(1, 2, "b", 2, 8), t0, done) == add_result::held);  // ref
  CHECK(r.add(part(1, 3, "c", 3, 7), t0, done) == add_result::held);  // total
  CHECK(r.add(part(1, 2, "d", 4, 7, concat_method::udh16), t0, done) == add_result::held);
  CHECK(r.add(part(1, 2, "e", 5, 7, concat_method::sar), t0, done) == add_result::held);
  inbound_part other = part(1, 2, "f", 6, 7);
  other.source_addr = "4915550002";
  CHECK(r.add(other, t0, done) == add_result::held);
  CHECK(r.open_messages() == 6);
  CHECK(r.add(part(2, 2, "z", 7, 8), t0, done) == add_result::completed);
  CHECK(done.text == "bz");
}

TEST_CASE("timeout: deliver partial with the missing parts named") {
  reassembler r(opts(true));
  reassembled_message done;
  std::vector<reassembled_message> out;
  CHECK(r.add(part(1, 4, "A", 1), t0, done) == add_result::held);
  CHECK(r.add(part(3, 4, "C", 3), t0 + 30s, done) == add_result::held);
  CHECK(r.expire(t0 + 59s, out) == 0);
  CHECK(r.expire(t0 + 60s, out) == 1);
  REQUIRE(out.size() == 1);
  CHECK(out[0].state == message_state::partial);
  CHECK(out[0].text == "AC");
  CHECK(out[0].missing == std::vector<std::uint8_t>{2, 4});
  CHECK(out[0].tokens == std::vector<std::uint64_t>{1, 3});
  CHECK(r.open_messages() == 0);
  CHECK(r.bytes_held() == 0);
  CHECK_FALSE(r.next_deadline());
  SECTION("a late part starts over (it will be delivered partial on its own)") {
    CHECK(r.add(part(2, 4, "B", 2), t0 + 61s, done) == add_result::held);
  }
}

TEST_CASE("timeout: drop, still listing the tokens for the log") {
  reassembler r(opts(false));
  reassembled_message done;
  std::vector<reassembled_message> out;
  r.add(part(2, 2, "B", 2), t0, done);
  CHECK(r.expire(t0 + 61s, out) == 1);
  CHECK(out[0].state == message_state::dropped);
  CHECK(out[0].text.empty());
  CHECK(out[0].missing == std::vector<std::uint8_t>{1});
  CHECK(out[0].tokens == std::vector<std::uint64_t>{2});
}

TEST_CASE("next_deadline is the earliest first-part arrival plus the timeout") {
  reassembler r(opts());
  reassembled_message done;
  CHECK_FALSE(r.next_deadline());
  r.add(part(1, 2, "a", 1, 1), t0 + 5s, done);
  r.add(part(1, 2, "a", 2, 2), t0 + 1s, done);
  r.add(part(2, 2, "b", 3, 1), t0 + 50s, done);  // completes ref 1: tombstone until 110 s
  CHECK(r.next_deadline() == t0 + 61s);
  std::vector<reassembled_message> out;
  CHECK(r.expire(t0 + 61s, out) == 1);
  CHECK(r.next_deadline() == t0 + 110s);
}

TEST_CASE("caps: refused parts are not stored and the SMSC may retry them") {
  SECTION("open messages") {
    reassembler r(opts(true, 1 << 20, 2));
    reassembled_message done;
    CHECK(r.add(part(1, 2, "a", 1, 1), t0, done) == add_result::held);
    CHECK(r.add(part(1, 2, "a", 2, 2), t0, done) == add_result::held);
    CHECK(r.add(part(1, 2, "a", 3, 3), t0, done) == add_result::refused);
    // Parts of open messages are still taken, and completing one frees a slot.
    CHECK(r.add(part(2, 2, "b", 4, 1), t0, done) == add_result::completed);
    CHECK(r.add(part(1, 2, "a", 3, 3), t0, done) == add_result::held);
  }
  SECTION("bytes") {
    reassembler probe(opts());
    reassembled_message done;
    const std::string big(1000, 'x');
    probe.add(part(1, 3, big, 1), t0, done);
    const std::size_t one = probe.bytes_held();
    probe.add(part(2, 3, big, 2), t0, done);
    const std::size_t per_part = probe.bytes_held() - one;

    reassembler r(opts(true, one + per_part / 2));
    CHECK(r.add(part(1, 3, big, 1), t0, done) == add_result::held);
    CHECK(r.add(part(2, 3, big, 2), t0, done) == add_result::refused);
    CHECK(r.add(part(1, 2, big, 9, 99), t0, done) == add_result::refused);
    CHECK(r.bytes_held() == one);
    // The part that completes a message is always taken.
    reassembler s(opts(true, one + per_part / 2));
    s.add(part(1, 2, big, 1), t0, done);
    CHECK(s.add(part(2, 2, big, 2), t0, done) == add_result::completed);
    CHECK(done.text.size() == 2000);
  }
  SECTION("tombstones give way to new messages") {
    reassembler probe(opts());
    reassembled_message done;
    probe.add(part(1, 2, "a", 1, 1), t0, done);
    const std::size_t one = probe.bytes_held();
    reassembler r(opts(true, one + 10));
    CHECK(r.add(part(1, 2, "a", 1, 1), t0, done) == add_result::held);
    CHECK(r.add(part(2, 2, "b", 2, 1), t0, done) == add_result::completed);
    r.confirm(done.ref());  // the host took it: only a tombstone is left
    CHECK(r.add(part(1, 2, "c", 3, 2), t0, done) == add_result::held);
  }
}

TEST_CASE("parts that are not concatenated") {
  reassembler r(opts());
  reassembled_message done;
  CHECK(r.add(part(0, 2, "a", 1), t0, done) == add_result::not_concatenated);
  CHECK(r.add(part(3, 2, "a", 1), t0, done) == add_result::not_concatenated);
  CHECK(r.add(part(1, 0, "a", 1), t0, done) == add_result::not_concatenated);
  CHECK(r.add(part(1, 2, "a", 1, 1, concat_method::none), t0, done) ==
        add_result::not_concatenated);
  CHECK(r.add(part(1, 1, "x", 5), t0, done) == add_result::completed);
  CHECK(done.text == "x");
  CHECK(done.tokens == std::vector<std::uint64_t>{5});
  CHECK(r.open_messages() == 0);
  CHECK(add_result_name(add_result::refused) == "refused");
}

TEST_CASE("decoding on completion") {
  reassembler r(opts());
  reassembled_message done;
  SECTION("a surrogate pair split across parts by the sender still decodes") {
    const std::string a = from_hex("00 41 d8 3d"), b = from_hex("de 00 00 42");
    r.add(part(1, 2, a, 1, 1, concat_method::udh8, 8), t0, done);
    CHECK(r.add(part(2, 2, b, 2, 1, concat_method::udh8, 8), t0, done) == add_result::completed);
    CHECK(done.text ==
          "A\xF0\x9F\x98\x80"
          "B");
    CHECK(done.replacements == 0);
    CHECK(done.data_coding == 8);
    CHECK_FALSE(done.mixed_data_coding);
  }
  SECTION("an escape pair split across parts still decodes") {
    r.add(part(1, 2, from_hex("41 1b"), 1), t0, done);
    r.add(part(2, 2, from_hex("65 42"), 2), t0, done);
    CHECK(done.text == "A€B");
  }
  SECTION("mixed data_codings: each run decoded on its own") {
    r.add(part(2, 3, from_hex("00 e9"), 2, 1, concat_method::udh8, 8), t0, done);
    r.add(part(1, 3, from_hex("00"), 1, 1, concat_method::udh8, 0), t0, done);
    r.add(part(3, 3, from_hex("e9"), 3, 1, concat_method::udh8, 3), t0, done);
    CHECK(done.text == "@éé");
    CHECK(done.mixed_data_coding);
    CHECK(done.data_coding == 0);
  }
  SECTION("national language tables per part") {
    const std::string septet = from_hex("0c");
    inbound_part p1 = part(1, 2, septet, 1);
    p1.locking_shift = national_language::turkish;
    inbound_part p2 = part(2, 2, septet, 2);
    r.add(p1, t0, done);
    r.add(p2, t0, done);
    CHECK(done.text == "ğø");
    CHECK(done.mixed_data_coding);
  }
  SECTION("invalid bytes are replaced and counted") {
    r.add(part(1, 2, from_hex("80"), 1, 1, concat_method::udh8, 1), t0, done);
    r.add(part(2, 2, from_hex("41"), 2, 1, concat_method::udh8, 1), t0, done);
    CHECK(done.text ==
          "\xEF\xBF\xBD"
          "A");
    CHECK(done.replacements == 1);
  }
}

TEST_CASE("make_part takes the UDH values of a decoded PDU") {
  const std::string sm = from_hex("06 08 04 01 02 02 02 00 42");
  decoded_message m;
  decode(sm, 8, true, {}, m);
  const inbound_part p = make_part(m, sm, "src", "dst", 77);
  CHECK(p.concat.method == concat_method::udh16);
  CHECK(p.concat.reference == 0x0102);
  CHECK(p.concat.seqnum == 2);
  CHECK(p.user_data == from_hex("00 42"));
  CHECK(p.token == 77);
  CHECK(p.data_coding == 8);
}

TEST_CASE("drain hands back everything still open at shutdown") {
  reassembler r(opts(true));
  reassembled_message done;
  r.add(part(1, 2, "a", 1, 1), t0, done);
  r.add(part(1, 2, "b", 2, 2), t0, done);
  r.add(part(2, 2, "c", 3, 2), t0, done);  // complete: tombstone only
  std::vector<reassembled_message> out;
  CHECK(r.drain(out) == 1);
  CHECK(out[0].text == "a");
  CHECK(r.bytes_held() == 0);
  CHECK_FALSE(r.next_deadline());
}

TEST_CASE(
    "the host refuses a completed message: reopened, the redelivered part completes it again") {
  reassembler r(opts());
  reassembled_message done;
  REQUIRE(r.add(part(1, 3, "A", 10), t0, done) == add_result::held);
  REQUIRE(r.add(part(3, 3, "C", 30), t0, done) == add_result::held);
  REQUIRE(r.add(part(2, 3, "B", 20), t0 + 1s, done) == add_result::completed);
  const std::size_t held_bytes = r.bytes_held();
  CHECK(held_bytes > 0);  // the parts stay until the host decides
  CHECK(r.reopen(done.ref(), t0 + 2s));
  CHECK(r.open_messages() == 1);
  CHECK(r.bytes_held() < held_bytes);  // the completing part is gone, the others are kept
  CHECK(r.next_deadline() == t0 + 62s);
  CHECK_FALSE(r.reopen(done.ref(), t0 + 2s));  // only once
  reassembled_message again;
  CHECK(r.add(part(2, 3, "B", 21), t0 + 3s, again) == add_result::completed);
  CHECK(again.text == "ABC");
  CHECK(again.tokens == std::vector<std::uint64_t>{10, 21, 30});
  r.confirm(again.ref());
  CHECK(r.add(part(2, 3, "B", 22), t0 + 4s, again) == add_result::duplicate);
}

TEST_CASE("memory pressure never frees a message the host has not decided on") {
  reassembler r(opts(true, 2048, 100));
  reassembled_message done;
  REQUIRE(r.add(part(1, 2, std::string(300, 'a'), 1, 1), t0, done) == add_result::held);
  REQUIRE(r.add(part(2, 2, std::string(300, 'b'), 2, 1), t0, done) == add_result::completed);
  // New parts that do not fit are refused rather than the awaiting message dropped.
  reassembled_message other;
  add_result res = add_result::held;
  for (std::uint16_t ref = 2; ref < 20 && res != add_result::refused; ++ref)
    res = r.add(part(1, 2, std::string(300, 'x'), 100 + ref, ref), t0, other);
  CHECK(res == add_result::refused);
  CHECK(r.reopen(done.ref(), t0 + 1s));  // still there
}
