// Session narratives against a hostile or careless SMSC, with fake time: responses that do not
// answer what they claim to, an unbind with more PDUs behind it in the same read, a PDU dripped
// one octet at a time, the owner unbinding while the bind is still unanswered.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "hex.hpp"
#include "session_harness.hpp"

using namespace smsdrv::smpp;
using namespace std::chrono_literals;
using smsdrv::test::harness;

namespace {

bool logged(const harness& h, std::string_view part) {
  for (const std::string& l : h.rec.logs)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

bool reported(const harness& h, std::string_view event) {
  for (const std::string& e : h.rec.events)
    if (e == event) return true;
  return false;
}

// The SMSC answers an outstanding request with `wrong` (ESME_ROK, the request's sequence
// number): no outcome, a warning naming both commands, and the request still waits for its own
// response, which then settles it.
template <class Wrong, class Right>
void check_not_an_answer(harness& h, std::uint32_t seq, std::uint64_t tag,
                         std::string_view request) {
  const std::size_t events = h.rec.events.size();
  h.smsc_sends(Wrong{}, seq);
  CHECK(h.rec.events.size() == events);
  CHECK(h.s.outstanding() == 1);
  CHECK(logged(h, std::string(command_name(Wrong::id)) + " seq " + std::to_string(seq)));
  CHECK(logged(h, "does not answer the " + std::string(request)));
  CHECK(h.written().empty());  // a response is never answered, not even with generic_nack
  h.smsc_sends(Right{}, seq);
  CHECK(h.rec.events.back() ==
        "response " + std::to_string(tag) + " " + std::string(command_name(Right::id)) + " 0");
  CHECK(h.s.outstanding() == 0);
}

template <class Wrong>
void check_submit_not_answered_by() {
  CAPTURE(command_name(Wrong::id));
  harness h;
  h.bind();
  const std::uint32_t seq = h.submit(7);
  h.written();
  check_not_an_answer<Wrong, submit_sm_resp>(h, seq, 7, "submit_sm");
}

}  // namespace

TEST_CASE("a response of another command does not answer a submit_sm (SMPP v3.4 §4.4.2)") {
  check_submit_not_answered_by<deliver_sm_resp>();
  check_submit_not_answered_by<query_sm_resp>();
  check_submit_not_answered_by<data_sm_resp>();
  check_submit_not_answered_by<bind_transceiver_resp>();
  check_submit_not_answered_by<bind_transmitter_resp>();
  check_submit_not_answered_by<bind_receiver_resp>();
  check_submit_not_answered_by<enquire_link_resp>();
  check_submit_not_answered_by<unbind_resp>();
  check_submit_not_answered_by<submit_multi_resp>();
  check_submit_not_answered_by<cancel_sm_resp>();
  check_submit_not_answered_by<replace_sm_resp>();
}

TEST_CASE("every request kind in the pending table is answered only by its own response") {
  harness h;
  h.bind();
  h.written();
  std::uint32_t seq = 0;
  SECTION("data_sm") {
    data_sm d;
    d.destination_addr = "4915550001";
    REQUIRE(h.s.send_request(d, 21, h.now, &seq).ok());
    h.written();
    check_not_an_answer<submit_sm_resp, data_sm_resp>(h, seq, 21, "data_sm");
  }
  SECTION("query_sm") {
    query_sm q;
    q.message_id = "abc";
    REQUIRE(h.s.send_request(q, 22, h.now, &seq).ok());
    h.written();
    check_not_an_answer<submit_sm_resp, query_sm_resp>(h, seq, 22, "query_sm");
  }
  SECTION("cancel_sm") {
    cancel_sm c;
    c.message_id = "abc";
    REQUIRE(h.s.send_request(c, 23, h.now, &seq).ok());
    h.written();
    check_not_an_answer<replace_sm_resp, cancel_sm_resp>(h, seq, 23, "cancel_sm");
  }
  SECTION("replace_sm") {
    replace_sm r;
    r.message_id = "abc";
    REQUIRE(h.s.send_request(r, 24, h.now, &seq).ok());
    h.written();
    check_not_an_answer<cancel_sm_resp, replace_sm_resp>(h, seq, 24, "replace_sm");
  }
  SECTION("submit_multi") {
    submit_multi m;
    dest_address d;
    d.dest_flag = dest_address::sme_address;
    d.destination_addr = "4915550001";
    m.dest_addresses.push_back(d);
    REQUIRE(h.s.send_request(m, 25, h.now, &seq).ok());
    h.written();
    check_not_an_answer<submit_sm_resp, submit_multi_resp>(h, seq, 25, "submit_multi");
  }
  SECTION("a pre-encoded submit_sm") {
    submit_sm sm;
    sm.destination_addr = "4915550001";
    std::string frame;
    REQUIRE(encode(sm, 0, frame).ok());
    REQUIRE(h.s.send_encoded_request(frame, 26, h.now, &seq).ok());
    h.written();
    check_not_an_answer<deliver_sm_resp, submit_sm_resp>(h, seq, 26, "submit_sm");
  }
}

// Every response of the PDU table but the request's own (its row's response column) and
// generic_nack, sent with the request's sequence_number, is not the answer: the request waits
// for its own response (SMPP v3.4 §3.2, §5.1.2.1).
template <class Request>
void check_answered_only_by_its_row(const Request& request, std::string_view name) {
  CAPTURE(name);
#define SMSDRV_TEST_WRONG_RESPONSE_(wrong, value, layout, response)                                \
  if constexpr (is_response(command_id::wrong) && command_id::wrong != command_id::generic_nack) { \
    if (command_id::wrong != response_of(Request::id)) {                                           \
      CAPTURE(#wrong);                                                                             \
      harness h;                                                                                   \
      h.bind();                                                                                    \
      h.written();                                                                                 \
      std::uint32_t seq = 0;                                                                       \
      REQUIRE(h.s.send_request(request, 40, h.now, &seq).ok());                                    \
      h.written();                                                                                 \
      check_not_an_answer<wrong, response_type<Request>>(h, seq, 40, name);                        \
    }                                                                                              \
  }
  SMSDRV_SMPP_COMMAND_MAP(SMSDRV_TEST_WRONG_RESPONSE_)
#undef SMSDRV_TEST_WRONG_RESPONSE_
}

TEST_CASE(
    "a response with another command_id for the sequence number is not the answer, for "
    "every request an ESME sends") {
  submit_sm sm;
  sm.destination_addr = "4915550001";
  check_answered_only_by_its_row(sm, "submit_sm");
  data_sm d;
  d.destination_addr = "4915550001";
  check_answered_only_by_its_row(d, "data_sm");
  query_sm q;
  q.message_id = "abc";
  check_answered_only_by_its_row(q, "query_sm");
  cancel_sm c;
  c.message_id = "abc";
  check_answered_only_by_its_row(c, "cancel_sm");
  replace_sm r;
  r.message_id = "abc";
  check_answered_only_by_its_row(r, "replace_sm");
  submit_multi m;
  dest_address a;
  a.destination_addr = "4915550001";
  m.dest_addresses.push_back(a);
  check_answered_only_by_its_row(m, "submit_multi");
  STATIC_REQUIRE(answers(command_id::submit_sm, command_id::submit_sm_resp));
  STATIC_REQUIRE_FALSE(answers(command_id::cancel_sm, command_id::replace_sm_resp));
  STATIC_REQUIRE(answers(command_id::outbind, command_id::generic_nack));
}

TEST_CASE("generic_nack still answers any request (SMPP v3.4 §4.3)") {
  harness h;
  h.bind();
  const std::uint32_t seq = h.submit(3);
  h.smsc_sends(generic_nack{}, seq, command_status::esme_rsyserr);
  CHECK(h.rec.events.back() == "response 3 generic_nack 8");
}

TEST_CASE("the bind is answered only by its own bind_*_resp or generic_nack") {
  harness h;  // binds as transceiver
  h.s.on_connected(h.now);
  const std::uint32_t seq = h.written().at(0).sequence_number;
  SECTION("bind_transmitter_resp or unbind_resp ESME_ROK: not bound; the right one binds") {
    h.smsc_sends(bind_transmitter_resp{}, seq);
    h.smsc_sends(unbind_resp{}, seq);
    h.smsc_sends(submit_sm_resp{}, seq);
    CHECK(h.s.state() == session_state::binding);
    CHECK(h.rec.events.empty());
    CHECK(logged(h, "bind_transmitter_resp seq " + std::to_string(seq)));
    CHECK(logged(h, "does not answer the bind_transceiver"));
    h.smsc_sends(bind_transceiver_resp{}, seq);
    CHECK(h.s.bound());
  }
  SECTION("a wrong response and then nothing: the bind times out") {
    h.smsc_sends(bind_receiver_resp{}, seq);
    h.advance(30s);
    CHECK(h.rec.events.at(0) == "bind_failed 0");
  }
  SECTION("generic_nack refuses the bind") {
    h.smsc_sends(generic_nack{}, seq, command_status::esme_rinvcmdid);
    CHECK(h.rec.events.at(0) == "bind_failed 3");
  }
}

TEST_CASE("an enquire_link is answered only by enquire_link_resp") {
  harness h;
  h.bind();
  h.written();
  h.advance(30s);
  const auto w = h.written();
  REQUIRE(w.size() == 1);
  REQUIRE(w[0].id() == command_id::enquire_link);
  const std::uint32_t seq = w[0].sequence_number;
  h.smsc_sends(submit_sm_resp{}, seq);
  CHECK(logged(h, "does not answer the enquire_link"));
  // Still unanswered: the link fails at the response timeout, measured from the enquire_link.
  h.advance(29s);
  CHECK(h.s.bound());
  h.advance(1s);
  CHECK(h.rec.events.back() == "link_failed enquire_link unanswered for 30.0 s");
}

TEST_CASE("our unbind is answered only by unbind_resp or generic_nack") {
  harness h;
  h.bind();
  h.written();
  h.s.unbind(h.now);
  const std::uint32_t seq = h.written().at(0).sequence_number;
  h.smsc_sends(enquire_link_resp{}, seq);
  CHECK(h.s.state() == session_state::unbinding);
  CHECK(logged(h, "does not answer the unbind"));
  h.smsc_sends(unbind_resp{}, seq);
  CHECK(h.rec.events.back() == "unbound");
}

TEST_CASE("a submit_sm_resp that cannot be read still settles its submit_sm, with no stale id") {
  harness h;
  h.bind();
  const std::uint32_t first = h.submit(1);
  const std::uint32_t second = h.submit(2);
  submit_sm_resp ok;
  ok.message_id = "first-id";
  h.smsc_sends(ok, first);
  REQUIRE(h.rec.last_message_id == "first-id");
  // message_id without its NUL: the body cannot be read, the header still names the request.
  std::string wire = smsdrv::test::from_hex("00000014 80000004 00000000 00000000 61626364");
  wire[15] = static_cast<char>(second);
  h.s.on_bytes(wire, h.now);
  CHECK(h.rec.events.back() == "response 2 submit_sm_resp 0");
  CHECK(h.rec.last_message_id.empty());
  CHECK(logged(h, "malformed submit_sm_resp"));
}

TEST_CASE("a response that cannot be read and is of another command settles nothing") {
  harness h;
  h.bind();
  const std::uint32_t seq = h.submit(1);
  // A query_sm_resp cut short inside final_date: malformed, and not the submit_sm's answer.
  std::string wire = smsdrv::test::from_hex("00000013 80000003 00000000 00000000 616200");
  wire[15] = static_cast<char>(seq);
  h.s.on_bytes(wire, h.now);
  CHECK(h.s.outstanding() == 1);
  CHECK(h.rec.events.back() == "bound SMSC");
}

TEST_CASE("unbind by the SMSC with responses behind it in the same read (SMPP v3.4 §4.2)") {
  harness h;
  h.bind();
  std::vector<std::uint32_t> seqs;
  for (std::uint64_t tag = 1; tag <= 10; ++tag)
    seqs.push_back(h.submit(tag));
  h.written();
  h.rec.events.clear();
  // One read: unbind, the ten submit_sm_resp, and a deliver_sm the SMSC should not have sent.
  std::string wire;
  REQUIRE(encode(unbind{}, 900, wire).ok());
  for (std::uint32_t seq : seqs) {
    submit_sm_resp r;
    r.message_id = "id";
    REQUIRE(encode(r, seq, wire).ok());
  }
  deliver_sm d;
  d.source_addr = "4915550002";
  d.short_message = "late";
  REQUIRE(encode(d, 901, wire).ok());
  h.s.on_bytes(wire, h.now);

  REQUIRE(h.rec.events.size() == 11);
  for (std::size_t i = 0; i < 10; ++i)
    CHECK(h.rec.events[i] == "response " + std::to_string(i + 1) + " submit_sm_resp 0");
  CHECK(h.rec.events.back() == "unbound by peer");
  CHECK(h.s.state() == session_state::closed);
  const auto w = h.written();
  REQUIRE(w.size() == 2);
  CHECK(w[0].id() == command_id::unbind_resp);
  CHECK(w[0].sequence_number == 900);
  CHECK(w[0].command_status == command_status::esme_rok);
  // Not handed to the owner: its answer could never be written; the SMSC delivers it again.
  CHECK(w[1].id() == command_id::deliver_sm_resp);
  CHECK(w[1].sequence_number == 901);
  CHECK(w[1].command_status == command_status::esme_rinvbndsts);
  CHECK(h.rec.delivered_seqs.empty());
}

TEST_CASE("unbind by the SMSC: what is still unanswered after the read is lost, in order") {
  harness h;
  h.bind();
  h.submit(1);
  const std::uint32_t second = h.submit(2);
  h.submit(3);
  h.written();
  std::string wire;
  REQUIRE(encode(unbind{}, 900, wire).ok());
  REQUIRE(encode(submit_sm_resp{}, second, wire).ok());
  h.s.on_bytes(wire, h.now);
  const std::vector<std::string> tail(h.rec.events.end() - 4, h.rec.events.end());
  CHECK(tail == std::vector<std::string>{"response 2 submit_sm_resp 0", "lost 1", "lost 3",
                                         "unbound by peer"});
}

TEST_CASE("liveness is a complete PDU: a PDU dripped one octet at a time is not life") {
  harness h;  // enquire_link after 30 s of silence, dead peer after 90 s
  h.bind();
  h.written();
  deliver_sm d;
  d.source_addr = "4915550002";
  const std::string text(400, 'x');
  d.tlvs.push_back({tlv_tag::message_payload, text});
  std::string wire;
  REQUIRE(encode(d, 77, wire).ok());
  REQUIRE(wire.size() > 400);
  std::size_t sent = 0;
  bool enquired = false;
  // One octet every 100 ms: over 40 s for the PDU, still incomplete at 30 s of silence.
  for (; sent < wire.size() && !enquired; ++sent) {
    h.s.on_bytes(std::string_view(wire).substr(sent, 1), h.now);
    h.advance(100ms);
    for (const pdu& p : h.written())
      enquired = enquired || p.id() == command_id::enquire_link;
  }
  CHECK(enquired);
  CHECK(sent == 300);  // exactly at 30 s since the bind_resp, the last complete PDU
}

TEST_CASE("liveness is a complete PDU: a dripping peer is dropped at the dead-peer timeout") {
  auto cfg = harness::make_config();
  cfg.enquire_link_interval = 0ms;
  cfg.dead_peer_timeout = 10s;
  harness h(cfg);
  h.bind();
  h.written();
  std::string wire;
  deliver_sm d;
  std::string text(250, 'x');
  d.short_message = text;
  REQUIRE(encode(d, 77, wire).ok());
  for (std::size_t i = 0; i < wire.size() && h.s.bound(); ++i) {
    h.s.on_bytes(std::string_view(wire).substr(i, 1), h.now);
    h.advance(100ms);
  }
  CHECK(h.rec.events.back() == "link_failed nothing received from the SMSC for 10.0 s");
}

TEST_CASE("a PDU completed resets the idle time, even if it took long to arrive") {
  harness h;
  h.bind();
  h.written();
  deliver_sm d;
  d.short_message = "x";
  std::string wire;
  REQUIRE(encode(d, 5, wire).ok());
  h.s.on_bytes(std::string_view(wire).substr(0, 10), h.now);
  h.advance(20s);
  h.s.on_bytes(std::string_view(wire).substr(10), h.now);
  CHECK(h.rec.delivered_seqs == std::vector<std::uint32_t>{5});
  h.advance(29s);
  CHECK(h.written().empty());  // 29 s since the deliver_sm was complete
  h.advance(1s);
  CHECK(h.written().at(0).id() == command_id::enquire_link);
}

TEST_CASE("unbind while the bind is unanswered: the unbind follows the bind_resp") {
  harness h;
  h.s.on_connected(h.now);
  const std::uint32_t bind_seq = h.written().at(0).sequence_number;
  h.s.unbind(h.now);
  CHECK(h.written().empty());  // SMPP v3.4 §4.2: unbind is for a bound session
  SECTION("bind accepted: unbind, then unbound; the bind_resp is expected, not a stray") {
    h.smsc_sends(bind_transceiver_resp{}, bind_seq);
    CHECK(h.rec.logs.empty());
    const auto w = h.written();
    REQUIRE(w.size() == 1);
    CHECK(w[0].id() == command_id::unbind);
    CHECK(h.s.state() == session_state::unbinding);
    CHECK_FALSE(reported(h, "bound SMSC"));
    h.smsc_sends(unbind_resp{}, w[0].sequence_number);
    CHECK(h.rec.events == std::vector<std::string>{"unbound"});
    CHECK(h.rec.logs.empty());
  }
  SECTION("bind refused: the link fails, nothing more is sent") {
    h.smsc_sends(bind_transceiver_resp{}, bind_seq, command_status::esme_rbindfail);
    CHECK(h.rec.events.at(0) == "bind_failed 13");
    CHECK(h.written().empty());
    CHECK(h.s.state() == session_state::closed);
  }
  SECTION("bind unanswered: fails at the response timeout as any bind") {
    h.advance(30s);
    CHECK(h.rec.events.at(0) == "bind_failed 0");
  }
}

TEST_CASE("a link failure discards what was not yet written") {
  harness h;
  h.bind();
  h.submit(1);
  h.s.on_bytes(smsdrv::test::from_hex("00000008 00000015 00000000"), h.now);
  CHECK(h.s.state() == session_state::closed);
  CHECK(h.s.output().empty());
}

TEST_CASE("a deliver_sm with a TLV of a length SMPP v3.4 does not allow is refused, not read") {
  harness h;
  h.bind();
  h.written();
  // Part 1 of a long message with sar_total_segments in 2 octets (0x0102): never read as 2.
  h.s.on_bytes(smsdrv::test::from_hex("00000043 00000005 00000000 0000000b 00 01 01 "
                                      "3439313535353030303200 00 00 3132333435 00 00 00 00 00 00 "
                                      "00 00 00 00 02 6869 020c 0002 002a 020e 0002 0102 020f "
                                      "0001 01"),
               h.now);
  CHECK(h.rec.delivered_seqs.empty());
  const auto w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == command_id::deliver_sm_resp);
  CHECK(w[0].sequence_number == 0x0b);
  CHECK(w[0].command_status == command_status::esme_rinvparlen);
  CHECK(h.rec.logs.back().find("sar_total_segments: TLV value longer than SMPP v3.4 allows (2 "
                               "given, limit 1)") != std::string::npos);
}

TEST_CASE("a deliver_sm with both short_message and message_payload is refused, not cut") {
  harness h;
  h.bind();
  h.written();
  deliver_sm d;
  d.source_addr = "4915550002";
  d.short_message = "first part of the text";
  const std::string rest = "the rest of the text";
  d.tlvs.push_back({tlv_tag::message_payload, rest});
  h.smsc_sends(d, 31);
  CHECK(h.rec.delivered_seqs.empty());
  const auto w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == command_id::deliver_sm_resp);
  CHECK(w[0].sequence_number == 31);
  CHECK(w[0].command_status == command_status::esme_roptparnotallwd);
  CHECK(h.rec.logs.back() ==
        "deliver_sm seq 31 carries both short_message (22 octets) and message_payload (20 "
        "octets), which SMPP v3.4 §5.3.2.32 forbids; not delivered, answered "
        "ESME_ROPTPARNOTALLWD");
  // Either alone is a message.
  deliver_sm only_payload;
  only_payload.tlvs.push_back({tlv_tag::message_payload, rest});
  h.smsc_sends(only_payload, 32);
  deliver_sm only_short;
  only_short.short_message = "hi";
  h.smsc_sends(only_short, 33);
  CHECK(h.rec.delivered_seqs == std::vector<std::uint32_t>{32, 33});
}
