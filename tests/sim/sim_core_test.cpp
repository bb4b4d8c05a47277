// The simulator's core with fake time: exact timings of receipts, delays, throttling and
// redelivery, and the pieces it is built from (ids, text, options, commands).
#include <catch2/catch.hpp>
#include <regex>

#include "core_harness.hpp"
#include "fault.hpp"
#include "message_id.hpp"
#include "receipt.hpp"
#include "smpp/command_status.hpp"
#include "smpp/tlv.hpp"
#include "text_codec.hpp"

using namespace smsdrv;
using namespace smsdrv::sim;
using namespace smsdrv::sim::test;
using namespace std::chrono_literals;
namespace cs = smpp::command_status;

namespace {

smpp::submit_sm make_submit(std::string_view text, std::uint8_t registered_delivery = 0) {
  smpp::submit_sm m;
  m.source_addr = "4915100000001";
  m.destination_addr = "4917600000002";
  m.short_message = text;
  m.registered_delivery = registered_delivery;
  return m;
}

std::string message_id_of(const received_pdu& r) {
  return std::string(std::get<smpp::submit_sm_resp>(r.decode().body).message_id);
}

}  // namespace

TEST_CASE("message ids: every format is unique and reads back to its counter", "[sim][core]") {
  for (id_format f : {id_format::hex, id_format::decimal, id_format::uuid}) {
    message_id_buffer a;
    message_id_buffer b;
    format_message_id(f, 41, a);
    format_message_id(f, 42, b);
    CHECK(a.view() != b.view());
    CHECK(parse_message_id(f, b.view()) == 42u);
  }
  message_id_buffer id;
  format_message_id(id_format::hex, 42, id);
  CHECK(id.view() == "0000002a");
  format_message_id(id_format::decimal, 42, id);
  CHECK(id.view() == "42");
  format_message_id(id_format::uuid, 42, id);
  CHECK(std::regex_match(
      std::string(id.view()),
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-00000000002a")));
  CHECK_FALSE(parse_message_id(id_format::uuid, "00000000-0000-4000-8000-00000000002a"));
  CHECK_FALSE(parse_message_id(id_format::hex, "xyz"));
}

TEST_CASE("text: UTF-8 to GSM 03.38, Latin-1 and UCS-2; receipt excerpts", "[sim][core]") {
  CHECK(encode_text("A@$_{", 0) == std::string("A\x00\x02\x11\x1b\x28", 6));
  CHECK(encode_text("caf\xc3\xa9", 3) == "caf\xe9");
  CHECK(encode_text("\xe2\x82\xac", 3) == "?");
  CHECK(encode_text("h\xe2\x82\xac", 8) == std::string("\x00h\x20\xac", 4));
  CHECK(encode_text("\xf0\x9f\x98\x80", 8) == std::string("\xd8\x3d\xde\x00", 4));  // surrogates
  char out[20];
  CHECK(std::string_view(out, receipt_excerpt("hello world, this is long", 0, 0, out, 20)) ==
        "hello world, this is");
  CHECK(std::string_view(out, receipt_excerpt(std::string("\x00h\x00i", 4), 8, 0, out, 20)) ==
        "hi");
  CHECK(std::string_view(out, receipt_excerpt(std::string("\x05\x00\x03\x01\x02\x01hey", 9), 0,
                                              0x40, out, 20)) == "hey");
}

TEST_CASE("receipt text follows SMPP v3.4 Appendix B", "[sim][core]") {
  receipt_outcome o;
  REQUIRE(parse_outcome("UNDELIV:001", o));
  CHECK(o.state == message_state::undeliverable);
  CHECK(o.err == 1);
  CHECK_FALSE(parse_outcome("ENROUTE", o));
  CHECK_FALSE(parse_outcome("DELIVRD:1000", o));
  const std::string t = receipt_text({"0000002a", 0, 60, {message_state::delivered, 0}, "hi"});
  CHECK(t ==
        "id:0000002a sub:001 dlvrd:001 submit date:7001010000 done date:7001010001 "
        "stat:DELIVRD err:000 text:hi");
}

TEST_CASE("fault options: one table for flags and commands, bad values refused", "[sim][core]") {
  fault_config f;
  CHECK(find_fault_option("delay-ms")->set(f, "10-20").empty());
  CHECK(find_fault_option("fail-every")->set(f, "3:ESME_RMSGQFUL").empty());
  CHECK(find_fault_option("nack-every")->set(f, "7").empty());
  CHECK(find_fault_option("refuse-binds")->set(f, "esme_rinvpaswd").empty());
  CHECK(find_fault_option("pace-ms")->set(f, "2").empty());
  CHECK(describe_faults(f) ==
        "delay-ms=10-20 pace-ms=2 fail-every=3:ESME_RMSGQFUL nack-every=7:ESME_RSYSERR "
        "refuse-binds=ESME_RINVPASWD");
  CHECK_FALSE(find_fault_option("pace-ms")->set(f, "soon").empty());
  CHECK_FALSE(find_fault_option("delay-ms")->set(f, "20-10").empty());
  CHECK_FALSE(find_fault_option("fail-every")->set(f, "3:ESME_NOPE").empty());
  CHECK_FALSE(find_fault_option("throttle")->set(f, "fast").empty());
  CHECK(find_fault_option("no-such-fault") == nullptr);
  std::uint32_t st = 0;
  CHECK(parse_status("0x58", st));
  CHECK(st == cs::esme_rthrottled);
}

TEST_CASE("command line: every flag parsed, mistakes named", "[sim][core]") {
  sim_config c;
  const char* good[] = {"smsc-sim",  "--listen",    "127.0.0.1:2775",
                        "--account", "esme:pw",     "--dlr-stat=UNDELIV:002",
                        "--silent",  "--id-format", "uuid"};
  CHECK(parse_command_line(9, good, c).empty());
  CHECK(c.listen_port == 2775);
  CHECK(c.accounts.size() == 1);
  CHECK(c.dlr_outcome.err == 2);
  CHECK(c.faults.silent);
  CHECK(c.ids == id_format::uuid);
  const char* bad[] = {"smsc-sim", "--account", "toolongpassword:123456789"};
  CHECK(parse_command_line(3, bad, c).find("--account") != std::string::npos);
  const char* unknown[] = {"smsc-sim", "--frobnicate"};
  CHECK(parse_command_line(2, unknown, c) == "unknown option --frobnicate");

  sim_config t;
  const char* tls[] = {"smsc-sim", "--tls-cert",        "s.pem", "--tls-client-ca",
                       "ca.pem",   "--tls-max-version", "1.2"};
  CHECK(parse_command_line(7, tls, t).empty());
  CHECK(t.tls.enabled());
  CHECK(t.tls.certificate == "s.pem");
  CHECK(t.tls.key.empty());  // then the key is in the certificate file
  CHECK(t.tls.client_ca == "ca.pem");
  CHECK(t.tls.max_version == 0x0303);  // TLS1_2_VERSION
  sim_config u;
  const char* no_cert[] = {"smsc-sim", "--tls-key", "k.pem"};
  CHECK(parse_command_line(3, no_cert, u) ==
        "--tls-key, --tls-client-ca and --tls-max-version need --tls-cert");
  const char* bad_version[] = {"smsc-sim", "--tls-cert", "s.pem", "--tls-max-version", "1.4"};
  CHECK(parse_command_line(5, bad_version, u) ==
        "--tls-max-version '1.4': expected 1.1, 1.2 or 1.3");
}

TEST_CASE("receipt: after exactly --dlr-delay-ms, text and TLVs, to the submitter's receiver",
          "[sim][core]") {
  core_harness h({"--dlr-delay-ms", "250"});
  sim::link& tx = h.connect();
  sim::link& rx = h.connect();
  sim::link& other = h.connect();
  REQUIRE(h.bind(tx, "transmitter", "esme") == cs::esme_rok);
  REQUIRE(h.bind(rx, "receiver", "esme") == cs::esme_rok);
  REQUIRE(h.bind(other, "receiver", "someone-else") == cs::esme_rok);
  h.send(tx, make_submit("Hello receipt, a text longer than twenty", 1), 10);
  const auto resp = h.output(tx);
  REQUIRE(resp.size() == 1);
  const std::string id = message_id_of(resp[0]);

  h.advance(249ms);
  CHECK(h.output(rx).empty());
  h.advance(1ms);
  const auto dlr = h.output(rx);
  REQUIRE(dlr.size() == 1);
  CHECK(h.output(tx).empty());     // a transmitter gets no receipts
  CHECK(h.output(other).empty());  // nor does another account
  const smpp::pdu p = dlr[0].decode();
  const auto& d = std::get<smpp::deliver_sm>(p.body);
  CHECK(d.esm_class == 0x04);
  CHECK(d.source_addr == "4917600000002");
  CHECK(d.destination_addr == "4915100000001");
  CHECK(std::regex_match(std::string(d.short_message),
                         std::regex("id:" + id +
                                    " sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} "
                                    "stat:DELIVRD err:000 text:Hello receipt, a tex")));
  const smpp::tlv* rid = smpp::find_tlv(d.tlvs, smpp::tlv_tag::receipted_message_id);
  const smpp::tlv* state = smpp::find_tlv(d.tlvs, smpp::tlv_tag::message_state);
  REQUIRE(rid != nullptr);
  REQUIRE(state != nullptr);
  CHECK(smpp::tlv_c_string(*rid) == id);
  CHECK(rid->value.back() == '\0');
  CHECK(smpp::tlv_integer(*state) == message_state::delivered);
}

TEST_CASE("clocks: receipt dates and CPU time come from the core's time_source", "[sim][core]") {
  core_harness h({"--dlr-delay-ms", "120000"});  // calendar 2023-11-14 22:13:20 UTC
  sim::link& l = h.connect();
  REQUIRE(h.bind(l, "transceiver") == cs::esme_rok);
  h.send(l, make_submit("clock", 1), 3);
  REQUIRE(h.output(l).size() == 1);
  h.advance(120000ms);
  const auto dlr = h.output(l);
  REQUIRE(dlr.size() == 1);
  const smpp::pdu p = dlr[0].decode();
  const std::string text(std::get<smpp::deliver_sm>(p.body).short_message);
  CHECK(text.find("submit date:2311142213 done date:2311142215 ") != std::string::npos);

  h.time.cpu = 2.5;
  h.core->on_command(R"({"cmd":"stats"})", h.now);
  CHECK(h.sink.named("stats").back().line().find(R"("cpu_s":2.500)") != std::string::npos);
}

TEST_CASE("receipt: styles, final state, and registered_delivery 2 = on failure only",
          "[sim][core]") {
  SECTION("text only, DELIVRD, on failure only: no receipt") {
    core_harness h({"--dlr-style", "text"});
    sim::link& l = h.connect();
    h.bind(l, "transceiver");
    h.send(l, make_submit("x", 2), 5);
    h.output(l);
    h.advance(1s);
    CHECK(h.output(l).empty());
  }
  SECTION("tlv only, UNDELIV:003, on failure only: a receipt without text") {
    core_harness h({"--dlr-style", "tlv", "--dlr-stat", "UNDELIV:003"});
    sim::link& l = h.connect();
    h.bind(l, "transceiver");
    h.send(l, make_submit("x", 2), 5);
    h.output(l);
    h.advance(1s);
    const auto out = h.output(l);
    REQUIRE(out.size() == 1);
    const smpp::pdu p = out[0].decode();
    const auto& d = std::get<smpp::deliver_sm>(p.body);
    CHECK(d.short_message.empty());
    CHECK(smpp::tlv_integer(*smpp::find_tlv(d.tlvs, smpp::tlv_tag::message_state)) ==
          message_state::undeliverable);
  }
  SECTION("text only shows stat and err") {
    core_harness h({"--dlr-style", "text", "--dlr-stat", "EXPIRED:045"});
    sim::link& l = h.connect();
    h.bind(l, "transceiver");
    h.send(l, make_submit("x", 1), 5);
    h.output(l);
    h.advance(1s);
    const auto out = h.output(l);
    REQUIRE(out.size() == 1);
    const smpp::pdu p = out[0].decode();
    const auto& d = std::get<smpp::deliver_sm>(p.body);
    CHECK(d.tlvs.empty());
    CHECK(std::string(d.short_message).find("dlvrd:000") != std::string::npos);
    CHECK(std::string(d.short_message).find("stat:EXPIRED err:045") != std::string::npos);
  }
}

TEST_CASE("throttle: at most R submissions in any sliding second", "[sim][core]") {
  core_harness h({"--throttle", "5"});
  sim::link& l = h.connect();
  h.bind(l, "transmitter");
  auto statuses = [&](int n) {
    std::vector<std::uint32_t> out;
    for (int i = 0; i < n; ++i) {
      h.send(l, make_submit("x"), ++h.seq);
      for (const auto& r : h.output(l))
        out.push_back(r.header.command_status);
    }
    return out;
  };
  CHECK(statuses(5) == std::vector<std::uint32_t>(5, cs::esme_rok));
  CHECK(statuses(1) == std::vector<std::uint32_t>{cs::esme_rthrottled});
  h.advance(999ms);
  CHECK(statuses(1) == std::vector<std::uint32_t>{cs::esme_rthrottled});
  h.advance(1ms);
  CHECK(statuses(6) == std::vector<std::uint32_t>{cs::esme_rok, cs::esme_rok, cs::esme_rok,
                                                  cs::esme_rok, cs::esme_rok, cs::esme_rthrottled});
  CHECK(h.sink.named("fault-applied").size() == 3);
}

TEST_CASE("delay: responses wait D ms; window counts every unanswered submission", "[sim][core]") {
  core_harness h({"--delay-ms", "100"});
  sim::link& l = h.connect();
  REQUIRE(h.core->on_bytes(l, "", h.now) == 0);
  smpp::bind_body b;
  b.system_id = "esme";
  h.send(l, smpp::bind_transceiver{b}, 1);
  CHECK(h.output(l).empty());
  h.advance(100ms);
  REQUIRE(h.output(l).size() == 1);
  std::string three;
  for (std::uint32_t s = 2; s <= 4; ++s)
    smpp::encode(make_submit("x"), s, three);
  h.feed(l, three);
  CHECK(h.output(l).empty());
  h.advance(99ms);
  CHECK(h.output(l).empty());
  h.advance(1ms);
  const auto out = h.output(l);
  REQUIRE(out.size() == 3);
  CHECK(out[0].header.sequence_number == 2);
  CHECK(out[2].header.sequence_number == 4);
  std::vector<std::uint64_t> windows;
  for (const event& e : h.sink.named("submit_sm"))
    windows.push_back(e.num("window"));
  CHECK(windows == std::vector<std::uint64_t>{1, 2, 3});
  h.send(l, make_submit("x"), 5);
  CHECK(h.sink.named("submit_sm").back().num("window") == 1);
}

TEST_CASE("pace: responses leave one at a time, D ms apart, in the order of the requests",
          "[sim][core]") {
  core_harness h({"--pace-ms", "5"});
  sim::link& l = h.connect();
  REQUIRE(h.core->on_bytes(l, "", h.now) == 0);
  smpp::bind_body b;
  b.system_id = "esme";
  h.send(l, smpp::bind_transceiver{b}, 1);
  h.advance(0ms);
  REQUIRE(h.output(l).size() == 1);  // the first response is due at once
  std::string three;
  for (std::uint32_t s = 2; s <= 4; ++s)
    smpp::encode(make_submit("x"), s, three);
  h.feed(l, three);
  for (std::uint32_t s = 2; s <= 4; ++s) {
    CAPTURE(s);
    if (s > 2) CHECK(h.output(l).empty());  // read together, answered one by one
    h.advance(4ms);
    CHECK(h.output(l).empty());
    h.advance(1ms);
    const auto out = h.output(l);
    REQUIRE(out.size() == 1);
    CHECK(out[0].header.sequence_number == s);
  }
  CHECK(h.core->config().faults.pace == 5ms);
}

TEST_CASE(
    "deliveries: resent after --redeliver-ms, after a close on the next bind, never "
    "after ESME_ROK",
    "[sim][core]") {
  core_harness h({"--redeliver-ms", "1000"});
  h.core->on_command(R"({"cmd":"mo","from":"4917","to":"123","text":"hello"})", h.now);
  sim::link& a = h.connect();
  REQUIRE(h.bind(a, "transceiver") == cs::esme_rok);
  REQUIRE(h.after_bind.size() == 1);
  const std::uint32_t first_seq = h.after_bind[0].header.sequence_number;
  h.advance(999ms);
  CHECK(h.output(a).empty());
  h.advance(1ms);
  auto again = h.output(a);
  REQUIRE(again.size() == 1);  // no answer within redeliver-ms: sent again
  CHECK(again[0].header.sequence_number != first_seq);
  CHECK(again[0].decode().body.index() == h.after_bind[0].decode().body.index());

  h.core->on_closed(a, h.now);  // the connection drops with the deliver_sm unanswered
  sim::link& b = h.connect();
  REQUIRE(h.bind(b, "receiver") == cs::esme_rok);
  REQUIRE(h.after_bind.size() == 1);
  const smpp::pdu p = h.after_bind[0].decode();
  CHECK(std::get<smpp::deliver_sm>(p.body).short_message == "hello");
  h.send(b, smpp::deliver_sm_resp{}, p.sequence_number);
  h.advance(5s);
  CHECK(h.output(b).empty());
  const auto acks = h.sink.named("deliver_sm_resp");
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].str("outcome") == "acknowledged");
  CHECK(h.core->counters().redeliveries == 2);
}

TEST_CASE("deliveries: a temporary error is retried after --redeliver-ms, a permanent one is not",
          "[sim][core]") {
  core_harness h({"--redeliver-ms", "500"});
  sim::link& l = h.connect();
  h.bind(l, "transceiver");
  h.core->on_command(R"({"cmd":"mo-burst","count":2,"from":"1","to":"2","text":"n{n}"})", h.now);
  auto out = h.output(l);
  REQUIRE(out.size() == 2);
  h.send(l, smpp::deliver_sm_resp{}, out[0].header.sequence_number, cs::esme_rx_t_appn);
  h.send(l, smpp::deliver_sm_resp{}, out[1].header.sequence_number, cs::esme_rx_p_appn);
  h.advance(499ms);
  CHECK(h.output(l).empty());
  h.advance(1ms);
  out = h.output(l);
  REQUIRE(out.size() == 1);
  CHECK(std::get<smpp::deliver_sm>(out[0].decode().body).short_message == "n1");
}

TEST_CASE("query_sm, cancel_sm and replace_sm follow the stored message", "[sim][core]") {
  core_harness h({"--dlr-delay-ms", "1000", "--id-format", "decimal"});
  sim::link& l = h.connect();
  h.bind(l, "transceiver");
  h.send(l, make_submit("first"), 2);
  const std::string id = message_id_of(h.output(l).at(0));
  smpp::query_sm q;
  q.message_id = id;
  h.send(l, q, 3);
  auto r = h.output(l).at(0);
  CHECK(r.header.command_status == cs::esme_rok);
  CHECK(std::get<smpp::query_sm_resp>(r.decode().body).message_state == message_state::enroute);

  smpp::replace_sm rep;
  rep.message_id = id;
  rep.short_message = "second";
  h.send(l, rep, 4);
  CHECK(h.output(l).at(0).header.command_status == cs::esme_rok);

  smpp::cancel_sm c;
  c.message_id = id;
  h.send(l, c, 5);
  CHECK(h.output(l).at(0).header.command_status == cs::esme_rok);
  h.send(l, c, 6);
  CHECK(h.output(l).at(0).header.command_status == cs::esme_rcancelfail);
  h.send(l, q, 7);
  r = h.output(l).at(0);
  CHECK(std::get<smpp::query_sm_resp>(r.decode().body).message_state == message_state::deleted);
  CHECK(std::get<smpp::query_sm_resp>(r.decode().body).final_date.size() == 16);

  h.send(l, make_submit("third"), 8);
  const std::string id3 = message_id_of(h.output(l).at(0));
  h.advance(1s);
  q.message_id = id3;
  h.send(l, q, 9);
  r = h.output(l).at(0);
  CHECK(std::get<smpp::query_sm_resp>(r.decode().body).message_state == message_state::delivered);
  rep.message_id = id3;
  h.send(l, rep, 10);
  CHECK(h.output(l).at(0).header.command_status == cs::esme_rreplacefail);
  q.message_id = "999999";
  h.send(l, q, 11);
  CHECK(h.output(l).at(0).header.command_status == cs::esme_rqueryfail);
  q.message_id = "not-an-id";
  h.send(l, q, 12);
  CHECK(h.output(l).at(0).header.command_status == cs::esme_rinvmsgid);
}

TEST_CASE("commands: bad lines are reported and change nothing", "[sim][core]") {
  core_harness h({"--throttle", "7"});
  h.core->on_command("not json", h.now);
  h.core->on_command(R"({"cmd":"teleport"})", h.now);
  h.core->on_command(R"({"cmd":"fault","delay-ms":5,"throttle":"fast"})", h.now);
  h.core->on_command(R"({"cmd":"mo","from":"1","to":"2","hex":"abc"})", h.now);
  h.core->on_command(R"({"cmd":"mo","from":"1","to":"2","tlvs":{"zz":"00"}})", h.now);
  CHECK(h.sink.named("error").size() == 5);
  CHECK(h.core->config().faults.throttle == 7);
  CHECK_FALSE(h.core->config().faults.delays());
  h.core->on_command(R"({"cmd":"fault","clear":true,"silent":true})", h.now);
  CHECK(h.sink.named("fault-set").back().str("faults") == "silent=true");
}

TEST_CASE("wrong-response-every: the Nth submission gets another command's response, ESME_ROK",
          "[sim][core]") {
  core_harness h({"--wrong-response-every", "2:query_sm_resp"});
  sim::link& l = h.connect();
  REQUIRE(h.bind(l, "transceiver") == cs::esme_rok);
  h.send(l, make_submit("a"), 2);
  h.send(l, make_submit("b"), 3);
  const auto out = h.output(l);
  REQUIRE(out.size() == 2);
  CHECK(out[0].header.command_id == static_cast<std::uint32_t>(smpp::command_id::submit_sm_resp));
  CHECK(out[1].header.command_id == static_cast<std::uint32_t>(smpp::command_id::query_sm_resp));
  CHECK(out[1].header.sequence_number == 3);
  CHECK(out[1].header.command_status == cs::esme_rok);
  const auto events = h.sink.named("submit_sm");
  CHECK(events[1].str("answer") == "query_sm_resp");
  CHECK(events[1].str("message_id").empty());  // not stored: never accepted
  fault_config f;
  CHECK_FALSE(find_fault_option("wrong-response-every")->set(f, "2:submit_sm").empty());
  CHECK_FALSE(find_fault_option("wrong-response-every")->set(f, "2:generic_nack").empty());
}

TEST_CASE("unbind-with-responses: an unbind, then the held responses, in one write",
          "[sim][core]") {
  core_harness h({"--unbind-with-responses", "3"});
  sim::link& l = h.connect();
  REQUIRE(h.bind(l, "transceiver") == cs::esme_rok);
  h.send(l, make_submit("a"), 2);
  h.send(l, make_submit("b"), 3);
  CHECK(h.output(l).empty());
  h.send(l, make_submit("c"), 4);
  const auto out = h.output(l);
  REQUIRE(out.size() == 4);
  CHECK(out[0].header.command_id == static_cast<std::uint32_t>(smpp::command_id::unbind));
  for (std::size_t i = 1; i < 4; ++i) {
    CHECK(out[i].header.command_id == static_cast<std::uint32_t>(smpp::command_id::submit_sm_resp));
    CHECK(out[i].header.sequence_number == i + 1);
  }
  h.send(l, smpp::unbind_resp{}, out[0].header.sequence_number);
  CHECK(l.close_requested());
  // Once per connection: a new connection holds its first three again.
  sim::link& m = h.connect();
  REQUIRE(h.bind(m, "transceiver") == cs::esme_rok);
  h.send(m, make_submit("d"), 2);
  CHECK(h.output(m).empty());
}

TEST_CASE("drip-ms: every octet alone, D ms apart", "[sim][core]") {
  core_harness h;
  sim::link& l = h.connect();
  REQUIRE(h.bind(l, "transceiver") == cs::esme_rok);
  h.core->on_command(R"({"cmd":"fault","drip-ms":100})", h.now);
  h.send(l, smpp::enquire_link{}, 9);  // enquire_link_resp: 16 octets
  std::string got;
  std::string chunk;
  h.core->take_output(l, chunk);
  got += chunk;
  CHECK(got.size() == 1);
  h.core->take_output(l, chunk);  // not due yet
  CHECK(chunk.empty());
  for (int i = 0; i < 15; ++i) {
    CHECK(h.core->next_deadline() == h.now + 100ms);
    h.advance(100ms);
    h.core->take_output(l, chunk);
    CHECK(chunk.size() == 1);
    got += chunk;
  }
  CHECK(h.core->next_deadline() > h.now + 100ms);
  REQUIRE(smpp::check_frame(got).state == smpp::frame_state::ready);
  CHECK(smpp::read_header(got).command_id ==
        static_cast<std::uint32_t>(smpp::command_id::enquire_link_resp));
}
