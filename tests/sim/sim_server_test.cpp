// The simulator over real sockets on 127.0.0.1, its server running on a thread of the test:
// binds, submissions, receipts, MO, redelivery, every fault mode, and the driver's own session
// as a client.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "in_process_sim.hpp"
#include "sim_client.hpp"
#include "smpp/command_status.hpp"
#include "smpp/session.hpp"
#include "smpp/tlv.hpp"

using namespace smsdrv;
using namespace smsdrv::sim::test;
using namespace std::chrono_literals;
namespace cs = smpp::command_status;
using smpp::command_id;

namespace {

const std::vector<std::string> accounts{"--account", "esme:secret", "--account", "other:pw"};

std::vector<std::string> with_accounts(std::vector<std::string> more) {
  std::vector<std::string> flags = accounts;
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

std::string message_id_of(const received_pdu& r) {
  return std::string(std::get<smpp::submit_sm_resp>(r.decode().body).message_id);
}

}  // namespace

TEST_CASE("bind: system_id and password checked, ESME_RALYBND, enquire_link in every state",
          "[sim][server]") {
  in_process_sim sim(accounts);
  {
    sim_client c(sim.port());
    c.send(smpp::enquire_link{});
    auto r = c.read();
    REQUIRE(r);
    CHECK(r->id() == command_id::enquire_link_resp);
    c.send(smpp::submit_sm{});
    CHECK(c.read()->header.command_status == cs::esme_rinvbndsts);  // not bound yet
    CHECK(c.bind("transceiver", "esme", "wrong") == cs::esme_rinvpaswd);
    CHECK(c.bind("transceiver", "nobody", "secret") == cs::esme_rinvsysid);
    CHECK(c.bind("transmitter", "esme", "secret") == cs::esme_rok);
    CHECK(c.bind("receiver", "esme", "secret") == cs::esme_ralybnd);
  }
  const auto binds =
      sim.events().wait("bind", [](const event& e) { return e.str("status") == "ESME_RALYBND"; });
  REQUIRE(binds);
  CHECK(binds->str("command") == "bind_receiver");
  CHECK(sim.events().seen("bind").size() == 4);
  CHECK(sim.events().wait("connection-closed"));
}

TEST_CASE("submit_sm: unique ids, every field in the event", "[sim][server]") {
  in_process_sim sim(accounts);
  sim_client c(sim.port());
  REQUIRE(c.bind("transceiver", "esme", "secret") == cs::esme_rok);
  smpp::submit_sm m;
  m.source_addr_ton = 5;
  m.source_addr = "Sender";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 1;
  m.destination_addr = "4917600000002";
  m.esm_class = 0x40;
  m.data_coding = 8;
  const std::string udh_and_text("\x05\x00\x03\x07\x02\x01\x00h", 8);
  m.short_message = udh_and_text;
  m.tlvs.push_back({smpp::tlv_tag::sar_msg_ref_num, std::string_view("\x00\x07", 2)});
  m.tlvs.push_back({0x1131, std::string_view("\x2a\x03", 2)});
  c.send(m);
  auto r1 = c.read_response();
  REQUIRE(r1);
  CHECK(r1->id() == command_id::submit_sm_resp);
  CHECK(r1->header.command_status == cs::esme_rok);
  const auto r2 = c.submit("4917600000003", "second");
  CHECK(message_id_of(*r1) != message_id_of(r2));

  const auto e = sim.events().wait("submit_sm");
  REQUIRE(e);
  CHECK(e->str("system_id") == "esme");
  CHECK(e->num("source_addr_ton") == 5);
  CHECK(e->str("source_addr") == "Sender");
  CHECK(e->str("destination_addr") == "4917600000002");
  CHECK(e->num("esm_class") == 0x40);
  CHECK(e->num("data_coding") == 8);
  CHECK(e->str("short_message") == "0500030702010068");
  CHECK(e->member_str("tlvs", "0x020c") == "0007");
  CHECK(e->member_str("tlvs", "0x1131") == "2a03");
  CHECK(e->str("message_id") == message_id_of(*r1));
  CHECK(e->str("status") == "ESME_ROK");
  CHECK(e->num("window") == 1);
}

TEST_CASE("receipt after the delay, to a receiver of the same system_id", "[sim][server]") {
  in_process_sim sim(with_accounts({"--dlr-delay-ms", "200"}));
  sim_client tx(sim.port());
  sim_client rx(sim.port());
  REQUIRE(tx.bind("transmitter", "esme", "secret") == cs::esme_rok);
  REQUIRE(rx.bind("receiver", "esme", "secret") == cs::esme_rok);
  const auto started = std::chrono::steady_clock::now();
  const std::string id = message_id_of(tx.submit("4917600000002", "Receipt please", 1));
  auto d = rx.read_deliver_sm();
  REQUIRE(d);
  CHECK(std::chrono::steady_clock::now() - started >= 190ms);
  const smpp::pdu p = d->decode();
  const auto& m = std::get<smpp::deliver_sm>(p.body);
  CHECK(m.esm_class == 0x04);
  CHECK(std::regex_search(std::string(m.short_message),
                          std::regex("^id:" + id +
                                     " sub:001 dlvrd:001 .* stat:DELIVRD err:000 "
                                     "text:Receipt please$")));
  CHECK(smpp::tlv_c_string(*smpp::find_tlv(m.tlvs, smpp::tlv_tag::receipted_message_id)) == id);
  rx.send(smpp::deliver_sm_resp{}, 0, p.sequence_number);
  const auto ack = sim.events().wait("deliver_sm_resp");
  REQUIRE(ack);
  CHECK(ack->str("outcome") == "acknowledged");
  CHECK(ack->str("receipted_message_id") == id);
}

TEST_CASE("MO from a stdin command arrives at a transceiver, encoded per data_coding",
          "[sim][server]") {
  in_process_sim sim(accounts);
  sim_client c(sim.port());
  REQUIRE(c.bind("transceiver", "esme", "secret") == cs::esme_rok);
  sim.command(
      R"({"cmd":"mo","from":"4917600000009","to":"12345","text":"Grüße €","data_coding":8,"system_id":"esme"})");
  auto d = c.read_deliver_sm();
  REQUIRE(d);
  smpp::pdu p = d->decode();
  auto& m = std::get<smpp::deliver_sm>(p.body);
  CHECK(m.source_addr == "4917600000009");
  CHECK(m.destination_addr == "12345");
  CHECK(m.data_coding == 8);
  CHECK(m.short_message == std::string("\x00G\x00r\x00\xfc\x00\xdf\x00\x65\x00 \x20\xac", 14));
  c.send(smpp::deliver_sm_resp{}, 0, p.sequence_number);

  sim.command(
      R"({"cmd":"mo","from":"1","to":"2","hex":"050003010201","esm_class":64,"tlvs":{"0x0424":"6869"}})");
  d = c.read_deliver_sm();
  REQUIRE(d);
  p = d->decode();
  CHECK(std::get<smpp::deliver_sm>(p.body).esm_class == 0x40);
  CHECK(std::get<smpp::deliver_sm>(p.body).short_message ==
        std::string("\x05\x00\x03\x01\x02\x01", 6));
  CHECK(smpp::find_tlv(std::get<smpp::deliver_sm>(p.body).tlvs, 0x0424)->value == "hi");
}

TEST_CASE("an unacknowledged deliver_sm is delivered again on the next bind", "[sim][server]") {
  in_process_sim sim(with_accounts({"--mo", "4917600000009:12345:first MO"}));
  {
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "secret") == cs::esme_rok);
    REQUIRE(c.read_deliver_sm());
  }  // closed without deliver_sm_resp
  REQUIRE(sim.events().wait("connection-closed",
                            [](const event& e) { return e.num("requeued") == 1; }));
  sim_client c(sim.port());
  REQUIRE(c.bind("receiver", "esme", "secret") == cs::esme_rok);
  auto d = c.read_deliver_sm();
  REQUIRE(d);
  const smpp::pdu p = d->decode();
  CHECK(std::get<smpp::deliver_sm>(p.body).short_message == "first MO");
  const auto sent =
      sim.events().wait("deliver_sm", [](const event& e) { return e.num("attempt") == 2; });
  REQUIRE(sent);
}

TEST_CASE("window: outstanding submissions seen by the server", "[sim][server]") {
  in_process_sim sim({"--delay-ms", "200"});
  sim_client c(sim.port());
  REQUIRE(c.bind("transmitter", "esme", "x") == cs::esme_rok);
  std::string five;
  smpp::submit_sm m;
  m.destination_addr = "1";
  for (std::uint32_t s = 10; s < 15; ++s)
    smpp::encode(m, s, five);
  c.send_raw(five);
  for (int i = 0; i < 5; ++i)
    REQUIRE(c.read_response());
  std::vector<std::uint64_t> windows;
  for (int i = 0; i < 5; ++i)
    windows.push_back(sim.events().wait("submit_sm")->num("window"));
  CHECK(windows == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  c.submit("1", "after all answers");
  CHECK(sim.events().wait("submit_sm")->num("window") == 1);
}

TEST_CASE("garbage in: generic_nack, and the link stays up", "[sim][server]") {
  in_process_sim sim;
  sim_client c(sim.port());
  REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
  SECTION("a command_length below 16") {
    c.send_raw(std::string("\x00\x00\x00\x05garbage-garbage", 19));
    auto r = c.read();
    REQUIRE(r);
    CHECK(r->id() == command_id::generic_nack);
    CHECK(r->header.command_status == cs::esme_rinvcmdlen);
  }
  SECTION("an unknown command_id") {
    c.send_raw(std::string("\x00\x00\x00\x10\x00\x00\x07\x77\x00\x00\x00\x00\x00\x00\x00\x2a", 16));
    auto r = c.read();
    REQUIRE(r);
    CHECK(r->id() == command_id::generic_nack);
    CHECK(r->header.command_status == cs::esme_rinvcmdid);
    CHECK(r->header.sequence_number == 42);
  }
  SECTION("a submit_sm whose destination_addr breaks its limit") {
    c.send_raw(
        std::string("\x00\x00\x00\x30\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x07"
                    "\x00\x00\x00\x00\x00\x00"
                    "123456789012345678901234567890",
                    48));
    auto r = c.read();
    REQUIRE(r);
    CHECK(r->id() == command_id::submit_sm_resp);
    CHECK(r->header.command_status == cs::esme_rinvdstadr);
  }
  c.send(smpp::enquire_link{});
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->id() == command_id::enquire_link_resp);
  CHECK(c.submit("4917600000002", "still here").header.command_status == cs::esme_rok);
}

TEST_CASE("fault modes do what they say", "[sim][server][fault]") {
  SECTION("drop-after: the Nth PDU closes the connection unanswered") {
    in_process_sim sim({"--drop-after", "3"});
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    CHECK(c.submit("1", "a").header.command_status == cs::esme_rok);
    c.send(smpp::submit_sm{});
    CHECK(c.wait_closed());
    CHECK_FALSE(c.read(100ms));
    CHECK(sim.events().wait("fault-applied")->str("fault") == "drop-after");
  }
  SECTION("delay-ms: responses wait") {
    in_process_sim sim({"--delay-ms", "150-250"});
    sim_client c(sim.port());
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    CHECK(std::chrono::steady_clock::now() - t0 >= 150ms);
  }
  SECTION("throttle: ESME_RTHROTTLED above R per second") {
    in_process_sim sim({"--throttle", "3"});
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    for (int i = 0; i < 3; ++i)
      CHECK(c.submit("1", "ok").header.command_status == cs::esme_rok);
    CHECK(c.submit("1", "too many").header.command_status == cs::esme_rthrottled);
  }
  SECTION("fail-every: every Nth submission gets the status") {
    in_process_sim sim({"--fail-every", "2:ESME_RMSGQFUL"});
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    CHECK(c.submit("1", "1").header.command_status == cs::esme_rok);
    const auto failed = c.submit("1", "2");
    CHECK(failed.header.command_status == cs::esme_rmsgqful);
    CHECK(message_id_of(failed).empty());
    CHECK(c.submit("1", "3").header.command_status == cs::esme_rok);
  }
  SECTION("nack-every: generic_nack instead of submit_sm_resp") {
    in_process_sim sim({"--nack-every", "1"});
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    const auto r = c.submit("1", "x");
    CHECK(r.id() == command_id::generic_nack);
    CHECK(r.header.command_status == cs::esme_rsyserr);
  }
  SECTION("refuse-binds") {
    in_process_sim sim({"--refuse-binds", "ESME_RBINDFAIL"});
    sim_client c(sim.port());
    CHECK(c.bind("transceiver", "esme", "x") == cs::esme_rbindfail);
  }
  SECTION("no-enquire-link-resp") {
    in_process_sim sim({"--no-enquire-link-resp"});
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    c.send(smpp::enquire_link{});
    CHECK_FALSE(c.read(300ms));
    CHECK(c.submit("1", "x").header.command_status == cs::esme_rok);
  }
  SECTION("silent: nothing at all, also no MO") {
    in_process_sim sim({"--silent", "--mo", "1:2:never"});
    sim_client c(sim.port());
    smpp::bind_body b;
    b.system_id = "esme";
    c.send(smpp::bind_transceiver{b});
    c.send(smpp::enquire_link{});
    CHECK_FALSE(c.read(300ms));
  }
  SECTION("no-submit-resp: submissions are never answered") {
    in_process_sim sim({"--no-submit-resp"});
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    c.send(smpp::submit_sm{});
    CHECK_FALSE(c.read(300ms));
    c.send(smpp::enquire_link{});
    CHECK(c.read()->id() == command_id::enquire_link_resp);
    CHECK(sim.events().wait("submit_sm")->is_null("status"));
  }
  SECTION("close-mid-pdu-after: half a response, then the close") {
    in_process_sim sim({"--close-mid-pdu-after", "2"});
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    c.send(smpp::enquire_link{});
    CHECK(c.wait_closed());
    CHECK_FALSE(c.read(100ms));
    CHECK(c.pending_bytes().size() == 8);  // 8 of enquire_link_resp's 16 octets
  }
  SECTION("garbage-after: a bad command_length after the Nth PDU") {
    in_process_sim sim({"--garbage-after", "1"});
    sim_client c(sim.port());
    smpp::bind_body b;
    b.system_id = "esme";
    c.send(smpp::bind_transceiver{b});
    REQUIRE(c.read()->id() == command_id::bind_transceiver_resp);
    CHECK_THROWS(c.read());  // framing lost
  }
  SECTION("unknown-command-after and unknown-seq-after") {
    in_process_sim sim({"--unknown-command-after", "1", "--unknown-seq-after", "2"});
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    auto unknown = c.read();
    REQUIRE(unknown);
    CHECK(unknown->header.command_id == 0x666);
    c.send(smpp::generic_nack{}, cs::esme_rinvcmdid, unknown->header.sequence_number);
    c.send(smpp::enquire_link{});
    // generic_nack is not a request: the 2nd PDU is the enquire_link... the 3rd counts too.
    auto r = c.read();
    REQUIRE(r);
    if (r->id() == command_id::enquire_link_resp) r = c.read();
    REQUIRE(r);
    CHECK(r->id() == command_id::submit_sm_resp);
    CHECK(r->header.sequence_number > 1000);
  }
  SECTION("faults change at run time through the fault command") {
    in_process_sim sim;
    sim_client c(sim.port());
    REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
    sim.command(R"({"cmd":"fault","fail-every":"1:ESME_RINVDSTADR"})");
    REQUIRE(sim.events().wait("fault-set"));
    CHECK(c.submit("1", "x").header.command_status == cs::esme_rinvdstadr);
    sim.command(R"({"cmd":"fault","clear":true})");
    REQUIRE(sim.events().wait("fault-set"));
    CHECK(c.submit("1", "x").header.command_status == cs::esme_rok);
    sim.command(R"({"cmd":"inject","what":"close-mid-pdu"})");
    CHECK(c.wait_closed());
  }
}

TEST_CASE("SMSC-initiated unbind and close commands", "[sim][server]") {
  in_process_sim sim;
  sim_client c(sim.port());
  REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
  sim.command(R"({"cmd":"unbind"})");
  auto u = c.read();
  REQUIRE(u);
  CHECK(u->id() == command_id::unbind);
  c.send(smpp::unbind_resp{}, 0, u->header.sequence_number);
  CHECK(c.wait_closed());
  sim_client d(sim.port());
  REQUIRE(d.bind("transceiver", "esme", "x") == cs::esme_rok);
  sim.command(R"({"cmd":"close","system_id":"esme"})");
  CHECK(d.wait_closed());
}

TEST_CASE("data_sm and submit_multi are answered", "[sim][server]") {
  in_process_sim sim;
  sim_client c(sim.port());
  REQUIRE(c.bind("transceiver", "esme", "x") == cs::esme_rok);
  smpp::data_sm d;
  d.destination_addr = "4917600000002";
  d.tlvs.push_back({smpp::tlv_tag::message_payload, "payload"});
  c.send(d);
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->id() == command_id::data_sm_resp);
  CHECK_FALSE(std::get<smpp::data_sm_resp>(r->decode().body).message_id.empty());
  smpp::submit_multi m;
  m.dest_addresses.push_back({smpp::dest_address::sme_address, 1, 1, "4917600000002", {}});
  m.dest_addresses.push_back({smpp::dest_address::distribution_list, 0, 0, {}, "friends"});
  m.short_message = "to many";
  c.send(m);
  r = c.read_response();
  REQUIRE(r);
  CHECK(r->header.command_status == cs::esme_rok);
  const smpp::pdu p = r->decode();
  const auto& resp = std::get<smpp::submit_multi_resp>(p.body);
  CHECK_FALSE(resp.message_id.empty());
  REQUIRE(resp.unsuccess_smes.size() == 1);
  CHECK(resp.unsuccess_smes[0].error_status_code == cs::esme_rcntsubdl);
}

namespace {

// The driver's session state machine over a blocking socket, answering like an owner would.
struct session_owner final : smpp::session_handler {
  std::vector<std::string> events;
  std::vector<std::uint32_t> delivered;
  void on_bound(std::string_view smsc) override { events.push_back("bound " + std::string(smsc)); }
  void on_bind_failed(std::uint32_t st) override {
    events.push_back("bind_failed " + std::string(smpp::status_name(st)));
  }
  void on_response(std::uint64_t tag, const smpp::pdu& r) override {
    events.push_back("response " + std::to_string(tag) + " " +
                     std::string(smpp::status_name(r.command_status)));
  }
  void on_response_timeout(std::uint64_t) override { events.push_back("timeout"); }
  void on_request_lost(std::uint64_t) override { events.push_back("lost"); }
  void on_deliver_sm(std::uint32_t seq, const smpp::deliver_sm& m) override {
    delivered.push_back(seq);
    events.push_back("deliver_sm " + std::string(m.short_message));
  }
  void on_data_sm(std::uint32_t, const smpp::data_sm&) override {}
  void on_alert_notification(const smpp::alert_notification&) override {}
  void on_unbound(bool by_peer) override {
    events.push_back(by_peer ? "unbound by peer" : "unbound");
  }
  void on_link_failed(std::string_view reason) override {
    events.push_back("link_failed " + std::string(reason));
  }
  void on_log(log_level, std::string_view) override {}
  void on_trace(bool, const smpp::pdu&) override {}
};

}  // namespace

TEST_CASE("the driver's session binds, submits and receives MO against the simulator",
          "[sim][server][session]") {
  in_process_sim sim(with_accounts({"--mo", "4917600000009:12345:hello driver"}));
  sim_client socket(sim.port());
  session_owner owner;
  smpp::session_config cfg;
  cfg.system_id = "esme";
  cfg.password = "secret";
  smpp::session s(cfg);
  auto pump = [&] {
    const auto now = smpp::clock::now();
    s.drain(owner);
    if (!s.output().empty()) {
      socket.send_raw(s.output());
      s.output().clear();
    }
    while (auto r = socket.read(200ms)) {
      s.on_bytes(r->frame, now);
      s.drain(owner);
      if (!s.output().empty()) {
        socket.send_raw(s.output());
        s.output().clear();
      }
    }
  };
  s.on_connected(smpp::clock::now());
  pump();
  REQUIRE(owner.events.size() >= 2);
  CHECK(owner.events[0] == "bound smsc-sim");
  CHECK(owner.events[1] == "deliver_sm hello driver");
  CHECK(s.respond_deliver_sm(s.connection_id(), owner.delivered.at(0), cs::esme_rok));
  smpp::submit_sm m;
  m.destination_addr = "4917600000002";
  m.short_message = "from the session";
  REQUIRE(s.send_request(m, 77, smpp::clock::now()).ok());
  pump();
  CHECK(owner.events.back() == "response 77 ESME_ROK");
  CHECK(sim.events().wait("deliver_sm_resp",
                          [](const event& e) { return e.str("outcome") == "acknowledged"; }));
}

TEST_CASE("account limits over sockets: binds refused above N, one rate over every bind",
          "[sim][server]") {
  in_process_sim sim(with_accounts({"--account-limit", "esme:binds=2,rate=5"}));
  sim_client a(sim.port());
  sim_client b(sim.port());
  {
    sim_client c(sim.port());
    REQUIRE(a.bind("transmitter", "esme", "secret") == cs::esme_rok);
    REQUIRE(b.bind("transceiver", "esme", "secret") == cs::esme_rok);
    CHECK(c.bind("transceiver", "esme", "secret") == cs::esme_rbindfail);
    CHECK(c.bind("transceiver", "other", "pw") == cs::esme_rok);
  }
  // Ten submissions at once over both binds: five accepted, five throttled, whichever bind.
  std::vector<std::uint32_t> statuses;
  for (int i = 0; i < 5; ++i) {
    statuses.push_back(a.submit("4917600000002", "a").header.command_status);
    statuses.push_back(b.submit("4917600000002", "b").header.command_status);
  }
  CHECK(std::count(statuses.begin(), statuses.end(), cs::esme_rok) == 5);
  CHECK(std::count(statuses.begin(), statuses.end(), cs::esme_rthrottled) == 5);
  sim.command(R"({"cmd":"stats"})");
  const auto stats = sim.events().wait("stats");
  REQUIRE(stats);
  CHECK(stats->num("submissions_throttled") == 5);
  CHECK(stats->num("binds_over_limit") == 1);
}

TEST_CASE("a long MO spread over two binds arrives in parts on both; every part acknowledged",
          "[sim][server]") {
  in_process_sim sim(accounts);
  sim_client a(sim.port());
  sim_client b(sim.port());
  REQUIRE(a.bind("transceiver", "esme", "secret") == cs::esme_rok);
  REQUIRE(b.bind("receiver", "esme", "secret") == cs::esme_rok);
  std::string text;
  for (int i = 0; i < 60; ++i)
    text += fmt::format("part{:02} ", i);  // 420 characters: three parts
  sim.command(R"({"cmd":"mo","from":"4917600000009","to":"12345","system_id":"esme",)"
              R"("split":"udh","spread":true,"text":")" +
              text + "\"}");
  std::map<int, std::string> parts;
  std::set<std::uint16_t> clients_used;
  for (sim_client* c : {&a, &b}) {
    while (auto d = c->read_deliver_sm(500ms)) {
      const smpp::pdu p = d->decode();
      const auto& m = std::get<smpp::deliver_sm>(p.body);
      REQUIRE(m.short_message.size() > 6);
      CHECK(m.short_message[4] == 3);  // total
      parts[m.short_message[5]] = std::string(m.short_message.substr(6));
      clients_used.insert(c == &a ? 1 : 2);
      c->send(smpp::deliver_sm_resp{}, 0, p.sequence_number);
    }
  }
  REQUIRE(parts.size() == 3);
  CHECK(parts[1] + parts[2] + parts[3] == text);
  CHECK(clients_used.size() == 2);
  sim.command(R"({"cmd":"stats"})");
  const auto stats = sim.events().wait("stats");
  REQUIRE(stats);
  CHECK(stats->num("deliver_sm_acked") == 3);
  CHECK(stats->num("mo") == 1);
}
