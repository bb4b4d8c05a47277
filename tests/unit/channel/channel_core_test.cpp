// The channel core as narratives with fake time; the test plays the SMSC.
#include "channel/channel_core.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include <fmt/format.h>

#include "channel_core_fixture.hpp"
#include "smpp/codec.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace std::chrono_literals;
namespace smpp = smsdrv::smpp;

namespace {

using test::attr_of;

// The shared fixture (channel_core_fixture.hpp) with the link-health timers at their defaults,
// requests that may ask for a receipt, and answers with message ids of a chosen prefix.
struct fixture : test::fixture {
  static channel_config make_config() {
    channel_config c = test::fixture::make_config();
    const channel_config defaults;
    c.session.enquire_link_interval = defaults.session.enquire_link_interval;
    c.session.dead_peer_timeout = defaults.session.dead_peer_timeout;
    return c;
  }

  explicit fixture(channel_config c = make_config()) : test::fixture(std::move(c)) {}

  prepared_request request(int segments = 1, bool receipt = false, std::string text = "hello") {
    prepared_request r = test::fixture::request(segments, std::move(text));
    r.wants_receipt = receipt;
    return r;
  }

  void answer_all(const std::vector<smpp::pdu>& submits, std::string prefix = "m") {
    for (const auto& p : submits) {
      smpp::submit_sm_resp r;
      const std::string id = prefix + std::to_string(p.sequence_number);
      r.message_id = id;
      smsc_sends(r, p.sequence_number);
    }
  }
};

}  // namespace

TEST_CASE("bind: a CHANNEL_STATE bound event names the SMSC") {
  fixture f;
  f.connect_and_bind();
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == SMSDRV_EVENT_CHANNEL_STATE);
  CHECK(ev[0].status == SMSDRV_OK);
  CHECK(attr_of(ev[0], "state") == "bound");
  CHECK(attr_of(ev[0], "smsc") == "127.0.0.1:2775");
  CHECK(attr_of(ev[0], "smscSystemId") == "SMSC");
}

TEST_CASE("a request is submitted and answered with its message id") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.core->enqueue(f.request(), f.now);
  auto w = f.written();
  REQUIRE(w.size() == 1);
  CHECK(std::get<smpp::submit_sm>(w[0].body).short_message == "hello0");
  f.answer_all(w);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == SMSDRV_EVENT_RESPONSE);
  CHECK(ev[0].request_id == 1);
  CHECK(ev[0].status == SMSDRV_OK);
  CHECK(attr_of(ev[0], "_smsMessageId") == "m" + std::to_string(w[0].sequence_number));
  CHECK(attr_of(ev[0], "_smsSegments") == "1");
  CHECK(f.core->open_requests() == 0);
}

TEST_CASE("requests queued before the bind go out once bound") {
  fixture f;
  f.core->enqueue(f.request(), f.now);
  f.core->enqueue(f.request(), f.now);
  CHECK(f.core->open_requests() == 2);
  f.connect_and_bind();
  auto w = f.written();
  CHECK(w.size() == 2);
}

TEST_CASE("the window is never exceeded") {
  fixture f;
  f.connect_and_bind();
  for (int i = 0; i < 12; ++i)
    f.core->enqueue(f.request(), f.now);
  auto w = f.written();
  CHECK(w.size() == 5);
  f.now += 1ms;  // the rate limit refills (it is far above what this test sends)
  f.answer_all({w[0], w[1]});
  auto w2 = f.written();
  CHECK(w2.size() == 2);  // two answers free two places
  f.now += 1ms;
  f.answer_all({w[2], w[3], w[4]});
  f.answer_all(w2);
  auto w3 = f.written();
  CHECK(w3.size() == 5);
  f.answer_all(w3);
  CHECK(f.written().empty());
  auto ev = f.take_events();
  std::size_t responses = 0;
  for (const auto& e : ev)
    responses += e.type == SMSDRV_EVENT_RESPONSE;
  CHECK(responses == 12);
}

TEST_CASE("the rate limit spaces submits; next_deadline tells when the next may go") {
  auto cfg = fixture::make_config();
  cfg.max_rate = 10;
  cfg.window = 100;
  fixture f(cfg);
  f.connect_and_bind();
  for (int i = 0; i < 5; ++i)
    f.core->enqueue(f.request(), f.now);
  CHECK(f.written().size() == 1);  // burst 1 at 10/s
  CHECK(f.core->next_deadline() == f.now + 100ms);
  f.advance(99ms);
  CHECK(f.written().empty());
  f.advance(1ms);
  CHECK(f.written().size() == 1);
  // A tick 200 ms late (300 ms after the last submission, 3 intervals): made up as far back as
  // the burst's worth of time (1 interval), so 2 go at once, not 3, and the next on schedule.
  f.advance(300ms);
  CHECK(f.written().size() == 2);
  CHECK(f.core->next_deadline() == f.now + 100ms);
}

TEST_CASE("multi-segment request: one response listing every segment's id") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.core->enqueue(f.request(3), f.now);
  auto w = f.written();
  REQUIRE(w.size() == 3);
  f.answer_all(w, "id-");
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(attr_of(ev[0], "_smsSegments") == "3");
  CHECK(attr_of(ev[0], "_smsMessageIds") == fmt::format("id-{},id-{},id-{}", w[0].sequence_number,
                                                        w[1].sequence_number,
                                                        w[2].sequence_number));
}

TEST_CASE("x-smpp-sar-prompt-responses: answered when the first segment is acknowledged") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  prepared_request r = f.request(3);
  r.prompt_response = true;
  SECTION("segment 1 first: the answer comes at once, with its id and the count") {
    f.core->enqueue(std::move(r), f.now);
    auto w = f.written();
    REQUIRE(w.size() == 3);
    smpp::submit_sm_resp first;
    first.message_id = "id-1";
    f.smsc_sends(first, w[0].sequence_number);
    auto ev = f.take_events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].status == SMSDRV_OK);
    CHECK(attr_of(ev[0], "_smsMessageId") == "id-1");
    CHECK(attr_of(ev[0], "_smsMessageIds") == "id-1");
    CHECK(attr_of(ev[0], "_smsSegments") == "3");
    // A later segment's failure cannot change the answer: it is logged.
    f.smsc_sends(smpp::submit_sm_resp{}, w[1].sequence_number,
                 smpp::command_status::esme_rinvdstadr);
    f.answer_all({w[2]});
    CHECK(f.take_events().empty());
    CHECK(f.log.contains("already answered (x-smpp-sar-prompt-responses) when segment 2 of 3"));
    CHECK(f.core->open_requests() == 0);
  }
  SECTION("later segments answered first: still waits for segment 1") {
    f.core->enqueue(std::move(r), f.now);
    auto w = f.written();
    f.answer_all({w[2], w[1]}, "id-");
    CHECK(f.take_events().empty());
    f.answer_all({w[0]}, "id-");
    auto ev = f.take_events();
    REQUIRE(ev.size() == 1);
    CHECK(attr_of(ev[0], "_smsMessageIds") == fmt::format("id-{},id-{},id-{}", w[0].sequence_number,
                                                          w[1].sequence_number,
                                                          w[2].sequence_number));
  }
  SECTION("segment 1 refused: the request fails as without the option") {
    f.core->enqueue(std::move(r), f.now);
    auto w = f.written();
    f.smsc_sends(smpp::submit_sm_resp{}, w[0].sequence_number,
                 smpp::command_status::esme_rinvdstadr);
    auto ev = f.take_events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].status == SMSDRV_E_SMSC_REJECTED);
    CHECK(attr_of(ev[0], "_smsFailedSegment") == "1/3");
  }
}

TEST_CASE("an SMSC error fails the request naming the status and the segment") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  SECTION("single segment") {
    f.core->enqueue(f.request(), f.now);
    auto w = f.written();
    f.smsc_sends(smpp::submit_sm_resp{}, w[0].sequence_number,
                 smpp::command_status::esme_rinvdstadr);
    auto ev = f.take_events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].status == SMSDRV_E_SMSC_REJECTED);
    CHECK(ev[0].text.find("ESME_RINVDSTADR") != std::string::npos);
    CHECK(attr_of(ev[0], "_smsErrorName") == "ESME_RINVDSTADR");
    CHECK(attr_of(ev[0], "_smsErrorCode") == "0x0000000B");
  }
  SECTION("second of three segments; the answers of the others change nothing") {
    f.core->enqueue(f.request(3), f.now);
    auto w = f.written();
    REQUIRE(w.size() == 3);
    f.smsc_sends(smpp::submit_sm_resp{}, w[0].sequence_number);
    f.smsc_sends(smpp::submit_sm_resp{}, w[1].sequence_number,
                 smpp::command_status::esme_rsubmitfail);
    f.smsc_sends(smpp::submit_sm_resp{}, w[2].sequence_number);
    auto ev = f.take_events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].status == SMSDRV_E_SMSC_REJECTED);
    CHECK(ev[0].text.find("segment 2 of 3") == 0);
    CHECK(attr_of(ev[0], "_smsFailedSegment") == "2/3");
    CHECK(f.core->open_requests() == 0);
  }
  SECTION("generic_nack") {
    f.core->enqueue(f.request(), f.now);
    auto w = f.written();
    f.smsc_sends(smpp::generic_nack{}, w[0].sequence_number, smpp::command_status::esme_rinvcmdlen);
    auto ev = f.take_events();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].text.find("generic_nack") != std::string::npos);
  }
}

TEST_CASE("no response: the request times out with the option named") {
  auto cfg = fixture::make_config();
  cfg.session.request_timeout = 5s;
  cfg.session.enquire_link_interval = 0ms;
  fixture f(cfg);
  f.connect_and_bind();
  f.take_events();
  f.core->enqueue(f.request(), f.now);
  f.written();
  f.advance(5s);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].status == SMSDRV_E_TIMEOUT);
  CHECK(ev[0].text == "no submit_sm_resp within 5.0 s (x-smpp-response-max-waiting-time)");
}

TEST_CASE("link loss: requests in flight end as outcome unknown, queued ones wait, reconnect") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  for (int i = 0; i < 7; ++i)
    f.core->enqueue(f.request(), f.now);
  CHECK(f.written().size() == 5);
  f.core->on_closed("the SMSC closed the connection", f.now);
  auto ev = f.take_events();
  std::size_t unknown = 0;
  std::string state;
  for (const auto& e : ev) {
    if (e.type == SMSDRV_EVENT_RESPONSE && e.status == SMSDRV_E_OUTCOME_UNKNOWN) ++unknown;
    if (e.type == SMSDRV_EVENT_CHANNEL_STATE) state = attr_of(e, "state");
  }
  CHECK(unknown == 5);
  CHECK(state == "down");
  CHECK(f.core->open_requests() == 2);
  CHECK_FALSE(f.core->connect_due(f.now));  // back-off first
  const time_point retry = f.core->next_deadline();
  CHECK(retry > f.now);
  CHECK(retry <= f.now + 1s);
  f.now = retry;
  f.connect_and_bind();
  CHECK(f.written().size() == 2);  // the queued two go out after the reconnect
}

TEST_CASE("while down, queued requests fail as channel down after the waiting time") {
  auto cfg = fixture::make_config();
  cfg.session.request_timeout = 10s;
  fixture f(cfg);
  REQUIRE(f.core->connect_due(f.now));
  f.core->on_connect_failed("Connection refused", f.now);
  f.take_events();
  f.core->enqueue(f.request(), f.now);
  f.advance(9s);
  CHECK(f.take_events().size() <= 1);  // maybe a reconnect attempt state, no response yet
  f.core->connect_due(f.now) ? f.core->on_connect_failed("Connection refused", f.now) : void();
  f.advance(1s);
  auto ev = f.take_events();
  bool failed = false;
  for (const auto& e : ev)
    if (e.type == SMSDRV_EVENT_RESPONSE) {
      failed = true;
      CHECK(e.status == SMSDRV_E_CHANNEL_DOWN);
      CHECK(e.text.find("cannot connect to 127.0.0.1:2775: Connection refused") !=
            std::string::npos);
    }
  CHECK(failed);
}

TEST_CASE("a refused bind is not hammered: the next attempt waits for the cap") {
  auto cfg = fixture::make_config();
  cfg.reconnect_cap = 180s;
  fixture f(cfg);
  REQUIRE(f.core->connect_due(f.now));
  f.core->on_connected(f.now);
  auto w = f.written();
  f.smsc_sends(smpp::bind_transceiver_resp{}, w[0].sequence_number,
               smpp::command_status::esme_rinvpaswd);
  auto close = f.core->take_close_request();
  REQUIRE(close);
  f.core->on_closed(*close, f.now);
  auto ev = f.take_events();
  REQUIRE(ev.size() >= 2);
  CHECK(attr_of(ev[0], "state") == "bind-failed");
  CHECK(attr_of(ev[0], "_smsErrorName") == "ESME_RINVPASWD");
  CHECK(ev[0].text.find("check x-smpp-system-id, password") != std::string::npos);
  CHECK(f.core->next_deadline() >= f.now + 135s);
}

TEST_CASE("inbound deliver_sm: the exact attribute set, acknowledged only after the host") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.written();
  smpp::deliver_sm d;
  d.source_addr_ton = 1;
  d.source_addr_npi = 1;
  d.source_addr = "16501111111";
  d.destination_addr = "16502222222";
  d.short_message = "Test SMS message";
  f.smsc_sends(d, 2654);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == SMSDRV_EVENT_INBOUND);
  CHECK(ev[0].ack_id != 0);
  const std::map<std::string, std::string> expected{
      {"MediaType", "smssession"},
      {"FromAddr", "16501111111"},
      {"PhoneNumber", "16501111111"},
      {"ToAddr", "16502222222"},
      {"Subject", "Test SMS message"},
      {"_smsSeqNumber", "2654"},
      {"_smsInbDataEnc", "0"},
      {"_smsSrcAddrTon", "1"},
      {"_smsSrcAddrNpi", "1"},
      {"_smsSrcNumber", "16501111111"},
      {"_smsDestAddrTon", "0"},
      {"_smsDestAddrNpi", "0"},
      {"_smsDestNumber", "16502222222"},
      {"_smsText", "Test SMS message"},
      {"_umsChannel", "channel-sms1"},
      {"_umsInboundIxnSubmittedBy", "DMS_900_smsmms"},
      {"_msg_CreatedAt", "2019-01-28T02:39:56.035Z"},
  };
  const std::map<std::string, std::string> got(ev[0].attrs.begin(), ev[0].attrs.end());
  CHECK(got == expected);
  CHECK(ev[0].attrs.size() == 17);
  CHECK(f.written().empty());  // no deliver_sm_resp before the host's ack
  CHECK(f.core->ack(ev[0].ack_id, SMSDRV_OK));
  auto w = f.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == smpp::command_id::deliver_sm_resp);
  CHECK(w[0].sequence_number == 2654);
  CHECK(w[0].command_status == 0);
  CHECK_FALSE(f.core->ack(ev[0].ack_id, SMSDRV_OK));  // once only
}

TEST_CASE("a refused inbound message is answered with a temporary error") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.written();
  smpp::deliver_sm d;
  d.short_message = "x";
  f.smsc_sends(d, 5);
  auto ev = f.take_events();
  REQUIRE(f.core->ack(ev.at(0).ack_id, SMSDRV_E_INTERNAL));
  auto w = f.written();
  CHECK(w.at(0).command_status == smpp::command_status::esme_rx_t_appn);
}

TEST_CASE("an empty message gets x-smpp-empty-message; UCS-2 text decodes") {
  auto cfg = fixture::make_config();
  cfg.empty_message = "(empty message)";
  fixture f(cfg);
  f.connect_and_bind();
  f.take_events();
  smpp::deliver_sm empty;
  f.smsc_sends(empty, 1);
  smpp::deliver_sm ucs2;
  ucs2.data_coding = 8;
  const std::string text("\x04\x1f\x04\x40\x04\x38\xd8\x3d\xde\x00", 10);  // "При😀"
  ucs2.short_message = text;
  f.smsc_sends(ucs2, 2);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 2);
  CHECK(attr_of(ev[0], "_smsText") == "(empty message)");
  CHECK(attr_of(ev[0], "Subject") == "(empty message)");
  CHECK(attr_of(ev[1], "_smsText") == "При😀");
  CHECK(attr_of(ev[1], "_smsInbDataEnc") == "8");
}

TEST_CASE("delivery receipts are correlated to the request") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.core->enqueue(f.request(1, true), f.now);
  auto w = f.written();
  smpp::submit_sm_resp r;
  r.message_id = "00A1B2";
  f.smsc_sends(r, w[0].sequence_number);
  f.take_events();
  smpp::deliver_sm dr;
  dr.esm_class = smpp::esm_class_bits::smsc_delivery_receipt;
  dr.source_addr = "4915550001";
  const std::string text =
      "id:a1b2 sub:001 dlvrd:001 submit date:2611221200 done date:2611221201 stat:DELIVRD "
      "err:000 text:hello0";
  dr.short_message = text;
  f.smsc_sends(dr, 99);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == SMSDRV_EVENT_DELIVERY_REPORT);
  CHECK(ev[0].request_id == 1);
  CHECK(ev[0].ack_id != 0);
  CHECK(attr_of(ev[0], "_smsDeliveryStat") == "DELIVRD");
  CHECK(attr_of(ev[0], "_smsDeliveryFinal") == "true");
  CHECK(attr_of(ev[0], "_smsSegment") == "1/1");
  CHECK(attr_of(ev[0], "_smsDoneDate") == "2611221201");
  // A receipt for a message this channel never sent still reaches the host.
  const std::string other = "id:ffff stat:UNDELIV err:001";
  dr.short_message = other;
  f.smsc_sends(dr, 100);
  ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].request_id == 0);
  CHECK(attr_of(ev[0], "_smsDeliveryStat") == "UNDELIV");
}

TEST_CASE("a long inbound message: parts acknowledged when held, one interaction") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.written();
  auto part = [](std::uint8_t seq, std::string body) {
    return std::string("\x05\x00\x03\x2a\x03", 5) + static_cast<char>(seq) + body;
  };
  const std::string p3 = part(3, "world!"), p1 = part(1, "Hello, "), p2 = part(2, "long ");
  for (auto [seq, bytes] : {std::pair{31u, &p3}, {32u, &p1}, {33u, &p2}}) {
    smpp::deliver_sm d;
    d.esm_class = smpp::esm_class_bits::udhi;
    d.source_addr = "4915550002";
    d.short_message = *bytes;
    f.smsc_sends(d, seq);
  }
  auto w = f.written();
  REQUIRE(w.size() == 2);  // parts 3 and 1 acknowledged when held
  CHECK(w[0].sequence_number == 31);
  CHECK(w[1].sequence_number == 32);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(attr_of(ev[0], "_smsText") == "Hello, long world!");
  CHECK(f.core->ack(ev[0].ack_id, SMSDRV_OK));
  w = f.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].sequence_number == 33);
}

TEST_CASE("undecodable octets are logged once per message, after reassembly") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.written();
  auto send = [&](std::uint32_t seq, std::uint8_t data_coding, bool udhi, std::string body) {
    smpp::deliver_sm d;
    d.esm_class = udhi ? smpp::esm_class_bits::udhi : std::uint8_t{0};
    d.data_coding = data_coding;
    d.source_addr = "4915550002";
    d.short_message = body;
    f.smsc_sends(d, seq);
  };
  // A surrogate pair split across two UCS-2 parts (another sender's cut): no warning.
  send(41, 8, true, std::string("\x05\x00\x03\x07\x02\x01\x00\x48\xd8\x3d", 10));
  send(42, 8, true, std::string("\x05\x00\x03\x07\x02\x02\xde\x00\x00\x21", 10));
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(attr_of(ev[0], "_smsText") == "H\xF0\x9F\x98\x80!");
  CHECK_FALSE(f.log.contains("U+FFFD"));
  // IA5 above 0x7F, in a single message and in a long one.
  send(43, 1, false, "caf\xe9");
  ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(attr_of(ev[0], "_smsText") == "caf\xEF\xBF\xBD");
  CHECK(
      f.log.contains("message from 4915550002: 1 octet(s) could not be decoded with "
                     "data_coding 1 and were replaced by U+FFFD"));
  send(44, 1, true, std::string("\x05\x00\x03\x08\x02\x01\xff", 7));
  send(45, 1, true, std::string("\x05\x00\x03\x08\x02\x02\xfe", 7));
  REQUIRE(f.take_events().size() == 1);
  CHECK(
      f.log.contains("long message from 4915550002 (reference 8): 2 octet(s) could not be "
                     "decoded with data_coding 1 and were replaced by U+FFFD"));
}

TEST_CASE("a long message the host refuses comes back when the SMSC redelivers its last part") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.written();
  auto send_part = [&](std::uint8_t seq, const std::string& body, std::uint32_t pdu_seq) {
    const std::string bytes =
        std::string("\x05\x00\x03\x2b\x02", 5) + static_cast<char>(seq) + body;
    smpp::deliver_sm d;
    d.esm_class = smpp::esm_class_bits::udhi;
    d.source_addr = "4915550002";
    d.short_message = bytes;
    f.smsc_sends(d, pdu_seq);
  };
  send_part(1, "Hello, ", 41);
  send_part(2, "world", 42);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(attr_of(ev[0], "_smsText") == "Hello, world");
  SECTION(
      "refused: the completing part is answered with a temporary error; its redelivery "
      "completes the message again") {
    CHECK(f.core->ack(ev[0].ack_id, SMSDRV_E_INTERNAL));
    auto w = f.written();
    REQUIRE(w.size() == 2);  // part 1 acknowledged when held, part 2 refused now
    CHECK(w[1].sequence_number == 42);
    CHECK(w[1].command_status == smpp::command_status::esme_rx_t_appn);
    send_part(2, "world", 43);  // the SMSC delivers the refused part again
    auto again = f.take_events();
    REQUIRE(again.size() == 1);
    CHECK(attr_of(again[0], "_smsText") == "Hello, world");
    CHECK(f.core->ack(again[0].ack_id, SMSDRV_OK));
    w = f.written();
    REQUIRE(w.size() == 1);
    CHECK(w[0].sequence_number == 43);
    CHECK(w[0].command_status == 0);
  }
  SECTION("redelivered while the host still decides: answered with the host's decision") {
    send_part(2, "world", 44);  // e.g. the SMSC's own response timeout ran out
    CHECK(f.take_events().empty());
    auto w = f.written();
    REQUIRE(w.size() == 1);  // only part 1's acknowledgement so far
    CHECK(w[0].sequence_number == 41);
    CHECK(f.core->ack(ev[0].ack_id, SMSDRV_OK));
    w = f.written();
    REQUIRE(w.size() == 2);
    CHECK(w[0].sequence_number == 42);
    CHECK(w[1].sequence_number == 44);
    CHECK(w[1].command_status == 0);
    send_part(2, "world", 45);  // once taken, a further copy is a plain duplicate
    CHECK(f.take_events().empty());
    CHECK(f.written().at(0).sequence_number == 45);
  }
}

TEST_CASE("shutdown: queued requests fail unsent, in-flight ones are waited for, then unbind") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  for (int i = 0; i < 7; ++i)
    f.core->enqueue(f.request(), f.now);
  auto w = f.written();
  REQUIRE(w.size() == 5);
  f.core->shutdown(f.now, f.now + 10s);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 2);
  for (const auto& e : ev)
    CHECK(e.status == SMSDRV_E_SHUT_DOWN);
  CHECK(f.written().empty());  // no unbind while 5 are in flight
  f.answer_all(w);
  f.advance(1ms);
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.smsc_sends(smpp::unbind_resp{}, u[0].sequence_number);
  auto close = f.core->take_close_request();
  REQUIRE(close);
  f.core->on_closed(*close, f.now);
  CHECK(f.core->finished());
  std::size_t ok = 0;
  for (const auto& e : f.take_events())
    ok += e.type == SMSDRV_EVENT_RESPONSE && e.status == 0;
  CHECK(ok == 5);
}

TEST_CASE("shutdown at the drain deadline: unanswered requests end as outcome unknown") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.core->enqueue(f.request(), f.now);
  f.written();
  f.core->shutdown(f.now, f.now + 2s);
  f.advance(2s);
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.smsc_sends(smpp::unbind_resp{}, u[0].sequence_number);
  auto ev = f.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].status == SMSDRV_E_OUTCOME_UNKNOWN);
}

TEST_CASE("x-failover-channel: queued requests never written are taken out, unanswered here") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 8; ++i) {
    prepared_request r = f.request();
    if (i != 6) r.kept = {{"_smsDestNumber", "4915550001"}, {"_smsText", "m" + std::to_string(i)}};
    ids.push_back(r.request_id);
    f.core->enqueue(std::move(r), f.now);
  }
  CHECK(f.written().size() == 5);  // the window; three wait
  f.core->on_closed("the SMSC closed the connection", f.now);
  f.take_events();  // the five in flight: outcome unknown
  REQUIRE(f.core->open_requests() == 3);

  std::vector<unsent_request> taken;
  f.core->take_unsent(1, taken);  // at most the limit, oldest first
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].request_id == ids[5]);
  CHECK(taken[0].data.size() == 2);
  CHECK(taken[0].data[1].second == "m5");
  f.core->take_unsent(10, taken);  // the one without its user data stays
  REQUIRE(taken.size() == 2);
  CHECK(taken[1].request_id == ids[7]);
  CHECK(f.core->open_requests() == 1);

  // Back: only the one that stayed goes out; the taken ones get no RESPONSE from this channel.
  f.advance_to_deadline();
  f.connect_and_bind();
  const auto submits = f.written();
  REQUIRE(submits.size() == 1);
  f.answer(submits[0]);
  std::map<std::uint64_t, int> answered;
  for (const auto& e : f.take_events())
    if (e.type == SMSDRV_EVENT_RESPONSE) ++answered[e.request_id];
  CHECK(answered == std::map<std::uint64_t, int>{{ids[6], 1}});
  CHECK(f.core->open_requests() == 0);

  // Shutting down: nothing is taken (the shutdown answers the queue, each request once).
  f.link_closes();
  f.take_events();
  prepared_request late = f.request();
  late.kept = {{"_smsText", "late"}};
  const std::uint64_t late_id = late.request_id;
  f.core->enqueue(std::move(late), f.now);
  f.core->shutdown(f.now, f.now + 1s);
  taken.clear();
  f.core->take_unsent(10, taken);
  CHECK(taken.empty());
  f.take_events();
  REQUIRE(f.responses[late_id].size() == 1);
  CHECK(f.responses[late_id][0].status == SMSDRV_E_SHUT_DOWN);
}
