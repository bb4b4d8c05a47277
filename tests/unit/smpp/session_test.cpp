// Session narratives with fake time: the test plays the SMSC, feeding encoded PDUs in and
// decoding what the session writes out.
#include "smpp/session.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "hex.hpp"
#include "session_harness.hpp"

using namespace smsdrv::smpp;
using namespace std::chrono_literals;
using smsdrv::test::harness;

TEST_CASE("bind sent on connect, bind_resp OK -> bound") {
  harness h;
  h.s.on_connected(h.now);
  CHECK(h.s.state() == session_state::binding);
  auto w = h.written();
  REQUIRE(w.size() == 1);
  const auto& b = std::get<bind_transceiver>(w[0].body);
  CHECK(b.system_id == "esme1");
  CHECK(b.password == "secret");
  CHECK(b.interface_version == 0x34);
  CHECK(w[0].sequence_number == 1);

  bind_transceiver_resp r;
  r.system_id = "SMSC";
  h.smsc_sends(r, 1);
  CHECK(h.s.bound());
  CHECK(h.rec.events == std::vector<std::string>{"bound SMSC"});
}

TEST_CASE("bind refused: reported with the status, link fails") {
  harness h;
  h.s.on_connected(h.now);
  auto w = h.written();
  h.smsc_sends(bind_transceiver_resp{}, w[0].sequence_number, command_status::esme_rinvpaswd);
  REQUIRE(h.rec.events.size() == 2);
  CHECK(h.rec.events[0] == "bind_failed 14");
  CHECK(h.rec.events[1].find("link_failed the SMSC refused the bind: ESME_RINVPASWD") == 0);
  CHECK(h.s.state() == session_state::closed);
}

TEST_CASE("bind unanswered: fails at the response timeout, not before") {
  harness h;
  h.s.on_connected(h.now);
  CHECK(h.s.next_deadline() == h.now + 30s);
  h.advance(29'999ms);
  CHECK(h.rec.events.empty());
  h.advance(1ms);
  REQUIRE(h.rec.events.size() == 2);
  CHECK(h.rec.events[0] == "bind_failed 0");
  CHECK(h.rec.events[1] == "link_failed no bind_resp within 30.0 s");
}

TEST_CASE("receiver bind mode sends bind_receiver and cannot submit") {
  auto cfg = harness::make_config();
  cfg.mode = bind_mode::receiver;
  harness h(cfg);
  h.s.on_connected(h.now);
  auto w = h.written();
  REQUIRE(std::holds_alternative<bind_receiver>(w[0].body));
  h.smsc_sends(bind_receiver_resp{}, w[0].sequence_number);
  CHECK(h.s.bound());
  submit_sm sm;
  CHECK(h.s.send_request(sm, 1, h.now).command_status == command_status::esme_rinvbndsts);
  CHECK(h.s.output().empty());
}

TEST_CASE("submit_sm -> submit_sm_resp reports the message id under the request's tag") {
  harness h;
  h.bind();
  const std::uint32_t seq = h.submit(77, "Hello");
  auto w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(std::get<submit_sm>(w[0].body).short_message == "Hello");
  CHECK(h.s.outstanding() == 1);
  submit_sm_resp r;
  r.message_id = "abc-1";
  h.smsc_sends(r, seq);
  CHECK(h.rec.events.back() == "response 77 submit_sm_resp 0");
  CHECK(h.rec.last_message_id == "abc-1");
  CHECK(h.s.outstanding() == 0);
}

TEST_CASE("submit refused by generic_nack is still its response") {
  harness h;
  h.bind();
  const std::uint32_t seq = h.submit(5);
  h.smsc_sends(generic_nack{}, seq, command_status::esme_rinvcmdlen);
  CHECK(h.rec.events.back() == "response 5 generic_nack 2");
}

TEST_CASE("submit unanswered: timeout at request_timeout, then a late response is ignored") {
  harness h;
  h.bind();
  const std::uint32_t seq = h.submit(9);
  h.advance(29s);
  CHECK(h.rec.events.back() == "bound SMSC");
  h.advance(1s);
  CHECK(h.rec.events.back() == "timeout 9");
  h.smsc_sends(submit_sm_resp{}, seq);
  CHECK(h.rec.events.back() == "timeout 9");
  REQUIRE(!h.rec.logs.empty());
  CHECK(h.rec.logs.back().find("matches no outstanding request") != std::string::npos);
}

TEST_CASE("idle link: enquire_link after the interval, unanswered -> link down") {
  harness h;
  h.bind();
  h.written();
  h.advance(29s);
  CHECK(h.written().empty());
  h.advance(1s);
  auto w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == command_id::enquire_link);
  h.advance(29s);
  CHECK(h.rec.events.back() == "bound SMSC");
  h.advance(1s);
  CHECK(h.rec.events.back() == "link_failed enquire_link unanswered for 30.0 s");
}

TEST_CASE("idle link: enquire_link answered keeps the link; any PDU counts as life") {
  harness h;
  h.bind();
  h.written();
  h.advance(30s);
  auto w = h.written();
  REQUIRE(w.size() == 1);
  h.smsc_sends(enquire_link_resp{}, w[0].sequence_number);
  h.advance(20s);
  h.smsc_sends(enquire_link{}, 900);  // the SMSC's own enquire_link: answered
  auto answer = h.written();
  REQUIRE(answer.size() == 1);
  CHECK(answer[0].id() == command_id::enquire_link_resp);
  CHECK(answer[0].sequence_number == 900);
  h.advance(29s);
  CHECK(h.written().empty());  // 29 s since the SMSC's enquire_link: not idle yet
  CHECK(h.s.bound());
}

TEST_CASE("dead peer: nothing received for the timeout drops the link") {
  auto cfg = harness::make_config();
  cfg.enquire_link_interval = 0ms;
  cfg.dead_peer_timeout = 90s;
  harness h(cfg);
  h.bind();
  h.advance(89s);
  CHECK(h.s.bound());
  h.advance(1s);
  CHECK(h.rec.events.back() == "link_failed nothing received from the SMSC for 90.0 s");
}

TEST_CASE("enquire_link from the SMSC is answered while binding") {
  harness h;
  h.s.on_connected(h.now);
  h.written();
  h.smsc_sends(enquire_link{}, 33);
  auto w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == command_id::enquire_link_resp);
}

TEST_CASE("unbind by the SMSC: answered, outstanding requests lost in order") {
  harness h;
  h.bind();
  h.submit(1);
  h.submit(2);
  h.submit(3);
  h.written();
  h.smsc_sends(unbind{}, 500);
  auto w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == command_id::unbind_resp);
  CHECK(w[0].sequence_number == 500);
  const std::vector<std::string> tail(h.rec.events.end() - 4, h.rec.events.end());
  CHECK(tail == std::vector<std::string>{"lost 1", "lost 2", "lost 3", "unbound by peer"});
  CHECK(h.s.state() == session_state::closed);
}

TEST_CASE("our unbind: unbind_resp ends the session") {
  harness h;
  h.bind();
  h.written();
  h.s.unbind(h.now);
  auto w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == command_id::unbind);
  CHECK(h.s.state() == session_state::unbinding);
  h.smsc_sends(unbind_resp{}, w[0].sequence_number);
  CHECK(h.rec.events.back() == "unbound");
  CHECK(h.s.state() == session_state::closed);
}

TEST_CASE("connection loss reports unanswered requests lost, then the session is reusable") {
  harness h;
  h.bind();
  h.submit(10);
  h.submit(11);
  h.s.on_closed(h.now);
  CHECK(h.rec.events == std::vector<std::string>{"bound SMSC", "lost 10", "lost 11"});
  CHECK(h.s.outstanding() == 0);
  CHECK(h.s.next_deadline() == time_point::max());
  h.written();
  h.bind();  // a new connection binds again
  CHECK(h.s.connection_id() == 2);
}

TEST_CASE("deliver_sm is reported and acknowledged only when the owner says so") {
  harness h;
  h.bind();
  h.written();
  deliver_sm d;
  d.source_addr = "4915550002";
  d.destination_addr = "12345";
  d.short_message = "Hi there";
  h.smsc_sends(d, 4242);
  CHECK(h.rec.events.back() == "deliver_sm 4915550002 Hi there");
  CHECK(h.written().empty());  // no deliver_sm_resp yet
  const auto conn = h.s.connection_id();
  CHECK(h.s.respond_deliver_sm(conn, 4242, 0));
  auto w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == command_id::deliver_sm_resp);
  CHECK(w[0].sequence_number == 4242);
  CHECK(w[0].command_status == 0);
  // After a reconnect, an answer for the old connection is not sent: the SMSC redelivers.
  h.s.on_closed(h.now);
  h.bind();
  h.written();
  CHECK_FALSE(h.s.respond_deliver_sm(conn, 4243, 0));
  CHECK(h.written().empty());
}

TEST_CASE("deliver_sm to a transmitter-only bind is refused with ESME_RINVBNDSTS") {
  auto cfg = harness::make_config();
  cfg.mode = bind_mode::transmitter;
  harness h(cfg);
  h.s.on_connected(h.now);
  auto w = h.written();
  h.smsc_sends(bind_transmitter_resp{}, w[0].sequence_number);
  h.smsc_sends(deliver_sm{}, 8);
  w = h.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].command_status == command_status::esme_rinvbndsts);
}

TEST_CASE("data_sm and alert_notification from the SMSC") {
  harness h;
  h.bind();
  h.written();
  data_sm d;
  d.source_addr = "4915550003";
  h.smsc_sends(d, 61);
  CHECK(h.rec.events.back() == "data_sm 4915550003");
  CHECK(h.s.respond_data_sm(h.s.connection_id(), 61, 0, ""));
  CHECK(h.written().at(0).id() == command_id::data_sm_resp);
  alert_notification a;
  a.source_addr = "4915550004";
  h.smsc_sends(a, 62);
  CHECK(h.rec.events.back() == "alert 4915550004");
  CHECK(h.written().empty());  // no response exists for alert_notification
}

TEST_CASE("malformed and unsupported PDUs are answered, the link stays up") {
  harness h;
  h.bind();
  h.written();
  SECTION("unknown command_id -> generic_nack ESME_RINVCMDID") {
    h.s.on_bytes(smsdrv::test::from_hex("00000010 000000ff 00000000 00000063"), h.now);
    auto w = h.written();
    REQUIRE(w.size() == 1);
    CHECK(w[0].id() == command_id::generic_nack);
    CHECK(w[0].command_status == command_status::esme_rinvcmdid);
    CHECK(w[0].sequence_number == 0x63);
  }
  SECTION("deliver_sm with a source_addr too long -> deliver_sm_resp ESME_RINVSRCADR") {
    h.s.on_bytes(smsdrv::test::from_hex("00000029 00000005 00000000 00000003 00 01 01 "
                                        "343434343434343434343434343434343434343434 00"),
                 h.now);
    auto w = h.written();
    REQUIRE(w.size() == 1);
    CHECK(w[0].id() == command_id::deliver_sm_resp);
    CHECK(w[0].command_status == command_status::esme_rinvsrcadr);
  }
  SECTION("submit_sm from the SMSC -> submit_sm_resp ESME_RINVCMDID") {
    h.smsc_sends(submit_sm{}, 70);
    auto w = h.written();
    REQUIRE(w.size() == 1);
    CHECK(w[0].id() == command_id::submit_sm_resp);
    CHECK(w[0].command_status == command_status::esme_rinvcmdid);
  }
  CHECK(h.s.bound());
}

TEST_CASE("framing loss and foreign peers drop the link with a reason") {
  harness h;
  h.s.on_connected(h.now);
  SECTION("an HTTP server") {
    h.s.on_bytes("HTTP/1.1 400 Bad Request\r\n\r\n", h.now);
    CHECK(h.rec.events.back() ==
          "link_failed the peer is not an SMPP server: its first bytes look like an HTTP server");
  }
  SECTION("a TLS server") {
    h.s.on_bytes(smsdrv::test::from_hex("15 03 03 00 02 02 28"), h.now);
    CHECK(h.rec.events.back() ==
          "link_failed the peer is not an SMPP server: its first bytes look like a TLS endpoint (a "
          "TLS record header): the port expects TLS; set x-smpp-tls-mode = single or mutual");
  }
  SECTION("a command_length below 16 later in the stream") {
    bind_transceiver_resp r;
    h.smsc_sends(r, 1);
    h.s.on_bytes(smsdrv::test::from_hex("00000008 00000015 00000000"), h.now);
    CHECK(h.rec.events.back() == "link_failed framing lost: command_length 8 is outside 16..70000");
  }
  CHECK(h.s.state() == session_state::closed);
}

TEST_CASE("bytes arriving one at a time") {
  harness h;
  h.bind();
  h.written();
  deliver_sm d;
  d.source_addr = "1";
  d.short_message = "split";
  std::string wire;
  REQUIRE(encode(d, 5, wire).ok());
  wire += wire;  // two PDUs back to back
  for (char c : wire)
    h.s.on_bytes(std::string_view(&c, 1), h.now);
  CHECK(h.rec.delivered_seqs == std::vector<std::uint32_t>{5, 5});
}

TEST_CASE("a thousand outstanding requests answered in reverse order") {
  harness h;
  h.bind();
  std::vector<std::uint32_t> seqs;
  for (std::uint64_t tag = 1; tag <= 1000; ++tag)
    seqs.push_back(h.submit(tag));
  CHECK(h.s.outstanding() == 1000);
  h.rec.events.clear();
  for (std::size_t i = seqs.size(); i-- > 0;)
    h.smsc_sends(submit_sm_resp{}, seqs[i]);
  REQUIRE(h.rec.events.size() == 1000);
  CHECK(h.rec.events.front() == "response 1000 submit_sm_resp 0");
  CHECK(h.rec.events.back() == "response 1 submit_sm_resp 0");
  CHECK(h.s.outstanding() == 0);
}

TEST_CASE("sequence numbers wrap from 0x7FFFFFFF to 1") {
  auto cfg = harness::make_config();
  cfg.initial_sequence_number = max_sequence_number - 1;
  harness h(cfg);
  h.s.on_connected(h.now);
  auto w = h.written();
  CHECK(w.at(0).sequence_number == max_sequence_number);
  h.smsc_sends(bind_transceiver_resp{}, max_sequence_number);
  REQUIRE(h.s.bound());
  CHECK(h.submit(1) == 1);
  CHECK(h.submit(2) == 2);
}

TEST_CASE("a pre-encoded submit_sm gets its own sequence number") {
  harness h;
  h.bind();
  h.written();
  submit_sm sm;
  sm.destination_addr = "4915550009";
  sm.short_message = "pre";
  std::string frame;
  REQUIRE(encode(sm, 0, frame).ok());
  std::uint32_t a = 0, b = 0;
  REQUIRE(h.s.send_encoded_request(frame, 1, h.now, &a).ok());
  REQUIRE(h.s.send_encoded_request(frame, 2, h.now, &b).ok());
  CHECK(b == a + 1);
  auto w = h.written();
  REQUIRE(w.size() == 2);
  CHECK(w[0].sequence_number == a);
  CHECK(w[1].sequence_number == b);
  CHECK(std::get<submit_sm>(w[1].body).short_message == "pre");
  h.smsc_sends(submit_sm_resp{}, b);
  CHECK(h.rec.events.back() == "response 2 submit_sm_resp 0");
  CHECK(h.s.send_encoded_request(frame.substr(0, 20), 3, h.now).command_status ==
        command_status::esme_rinvcmdlen);
  std::string resp;
  REQUIRE(encode(submit_sm_resp{}, 0, resp).ok());
  CHECK(h.s.send_encoded_request(resp, 3, h.now).command_status == command_status::esme_rinvcmdid);
}

TEST_CASE("a response with sequence number 0 matches nothing (found by fuzz_session)") {
  harness h;
  h.bind();
  h.submit(1);
  h.smsc_sends(submit_sm_resp{}, 0);
  CHECK(h.rec.events.back() == "bound SMSC");  // no response reported
  CHECK(h.s.outstanding() == 1);
}
