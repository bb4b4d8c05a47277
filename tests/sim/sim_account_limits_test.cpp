// Account limits of the simulator's core with fake time (tools/smsc-sim/account_limits.hpp):
// binds and throughput counted over every bind of one system_id, and a long MO message cut
// into parts spread over the binds of the account (tools/smsc-sim/mo_split.hpp).
#include <catch2/catch.hpp>

#include "account_limits.hpp"
#include "core_harness.hpp"
#include "mo_split.hpp"
#include "smpp/command_status.hpp"
#include "smpp/tlv.hpp"

using namespace smsdrv;
using namespace smsdrv::sim;
using namespace smsdrv::sim::test;
using namespace std::chrono_literals;
namespace cs = smpp::command_status;

namespace {

smpp::submit_sm make_submit() {
  smpp::submit_sm m;
  m.source_addr = "4915100000001";
  m.destination_addr = "4917600000002";
  m.short_message = "x";
  return m;
}

std::uint32_t submit_status(core_harness& h, sim::link& l) {
  h.send(l, make_submit(), ++h.seq);
  const auto out = h.output(l);
  REQUIRE(out.size() == 1);
  return out[0].header.command_status;
}

}  // namespace

TEST_CASE("account-limit: parsed, described, refused with the key and the rule", "[sim][core]") {
  account_limit l;
  CHECK(parse_account_limit("esme:binds=2,rate=300", l).empty());
  CHECK(l.system_id == "esme");
  CHECK(l.max_binds == 2);
  CHECK(l.rate == 300);
  CHECK(describe(l) == "esme:binds=2,rate=300");
  CHECK(parse_account_limit("*:rate=5", l).empty());
  CHECK(describe(l) == "*:rate=5");
  CHECK(parse_account_limit("esme", l).find("SYSTEM_ID:") != std::string::npos);
  CHECK(parse_account_limit("esme:", l).find("binds=N") != std::string::npos);
  CHECK(parse_account_limit("esme:speed=3", l) == "unknown key 'speed' (binds, rate)");
  CHECK(parse_account_limit("esme:rate=0", l) == "rate: expected a number in 1..10000000");
  CHECK(parse_account_limit("esme:binds=x", l) == "binds: expected a number in 1..10000000");
  CHECK(parse_account_limit("sixteen-chars-id:rate=1", l).find("15") != std::string::npos);

  std::vector<account_limit> all;
  REQUIRE(parse_account_limit("*:binds=1", l).empty());
  set_account_limit(all, l);
  REQUIRE(parse_account_limit("esme:rate=9", l).empty());
  set_account_limit(all, l);
  CHECK(find_account_limit(all, "esme")->rate == 9);
  CHECK(find_account_limit(all, "other")->max_binds == 1);
  set_account_limit(all, account_limit{"*", 0, 0});
  CHECK(find_account_limit(all, "other") == nullptr);

  sim_config c;
  const char* bad[] = {"smsc-sim", "--account-limit", "esme:rate=fast"};
  CHECK(parse_command_line(3, bad, c) ==
        "--account-limit 'esme:rate=fast': rate: expected a number in 1..10000000");
}

TEST_CASE("account-limit binds=N: the bind above N is refused ESME_RBINDFAIL until one closes",
          "[sim][core]") {
  core_harness h({"--account-limit", "esme:binds=2"});
  sim::link& a = h.connect();
  sim::link& b = h.connect();
  sim::link& c = h.connect();
  sim::link& other = h.connect();
  CHECK(h.bind(a, "transmitter") == cs::esme_rok);
  CHECK(h.bind(b, "receiver") == cs::esme_rok);
  CHECK(h.bind(c, "transceiver") == cs::esme_rbindfail);
  CHECK(h.bind(other, "transceiver", "other") == cs::esme_rok);  // another account
  CHECK(h.core->counters().binds_over_limit == 1);
  CHECK(h.sink.named("bind").back().str("status") == "ESME_ROK");
  h.core->on_closed(a, h.now);
  CHECK(h.bind(c, "transceiver") == cs::esme_rok);
  // Changed at run time: a limit of 1 refuses the next bind, removing it accepts it.
  sim::link& d = h.connect();
  h.core->on_command(R"({"cmd":"account-limit","system_id":"esme","binds":1})", h.now);
  CHECK(h.bind(d, "transceiver") == cs::esme_rbindfail);
  h.core->on_command(R"({"cmd":"account-limit","system_id":"esme"})", h.now);
  CHECK(h.bind(d, "transceiver") == cs::esme_rok);
  CHECK(h.sink.named("account-limit").size() == 2);
}

TEST_CASE("account-limit rate=R: R submissions in any sliding second over all binds together",
          "[sim][core]") {
  core_harness h({"--account-limit", "esme:rate=4"});
  sim::link& a = h.connect();
  sim::link& b = h.connect();
  sim::link& o = h.connect();
  REQUIRE(h.bind(a, "transmitter") == cs::esme_rok);
  REQUIRE(h.bind(b, "transceiver") == cs::esme_rok);
  REQUIRE(h.bind(o, "transceiver", "other") == cs::esme_rok);
  CHECK(submit_status(h, a) == cs::esme_rok);
  CHECK(submit_status(h, b) == cs::esme_rok);
  h.advance(400ms);
  CHECK(submit_status(h, a) == cs::esme_rok);
  CHECK(submit_status(h, b) == cs::esme_rok);
  CHECK(submit_status(h, b) == cs::esme_rthrottled);
  CHECK(submit_status(h, a) == cs::esme_rthrottled);
  CHECK(submit_status(h, o) == cs::esme_rok);  // another account has no limit
  h.advance(599ms);
  CHECK(submit_status(h, a) == cs::esme_rthrottled);  // 999 ms after the first two
  h.advance(1ms);
  CHECK(submit_status(h, a) == cs::esme_rok);
  CHECK(submit_status(h, b) == cs::esme_rok);
  CHECK(submit_status(h, b) == cs::esme_rthrottled);
  CHECK(h.core->counters().submissions_throttled == 4);
  CHECK(h.sink.named("submit_sm").back().str("status") == "ESME_RTHROTTLED");
  CHECK(h.sink.named("fault-applied").empty());  // a limit, not a fault
}

TEST_CASE("mo split: parts never cut a GSM escape or a surrogate pair; 255 parts at most",
          "[sim][core]") {
  const std::string gsm(153, 'a');
  CHECK(split_message(gsm, 0).size() == 1);
  CHECK(split_message(gsm + "b", 0) == std::vector<std::string>{gsm, "b"});
  const std::string escaped = std::string(152, 'a') + "\x1b\x28" + "b";
  CHECK(split_message(escaped, 0) ==
        std::vector<std::string>{std::string(152, 'a'), "\x1b\x28" + std::string("b")});
  std::string utf16;
  for (int i = 0; i < 66; ++i)
    utf16 += std::string("\x00h", 2);
  utf16 += "\xd8\x3d\xde\x00";  // U+1F600 at octets 132..135
  const auto parts = split_message(utf16, 8);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].size() == 132);
  CHECK(parts[1] == "\xd8\x3d\xde\x00");
  CHECK(split_message(std::string(134 * 255, 'x'), 4).size() == 255);
  CHECK(split_message(std::string(134 * 255 + 1, 'x'), 4).empty());
  CHECK(concatenation_udh(7, 3, 2) == std::string("\x05\x00\x03\x07\x03\x02", 6));
}

TEST_CASE("mo split + spread: each part on another bind; a part of a closed bind goes to another",
          "[sim][core]") {
  core_harness h;
  sim::link& a = h.connect();
  sim::link& b = h.connect();
  sim::link& tx = h.connect();
  REQUIRE(h.bind(a, "receiver") == cs::esme_rok);
  REQUIRE(h.bind(b, "transceiver") == cs::esme_rok);
  REQUIRE(h.bind(tx, "transmitter") == cs::esme_rok);  // cannot receive: gets no part
  const std::string text(153 * 3 + 10, 'z');
  h.core->on_command(R"({"cmd":"mo","from":"1","to":"2","system_id":"esme","split":"udh",)"
                     R"("spread":true,"text":")" +
                         text + "\"}",
                     h.now);
  const auto on_a = h.output(a);
  const auto on_b = h.output(b);
  CHECK(h.output(tx).empty());
  REQUIRE(on_a.size() == 2);
  REQUIRE(on_b.size() == 2);
  std::vector<std::string> by_seq(5);
  for (const auto* side : {&on_a, &on_b})
    for (const auto& r : *side) {
      const smpp::pdu p = r.decode();
      const auto& m = std::get<smpp::deliver_sm>(p.body);
      CHECK(m.esm_class == smpp::esm_class_bits::udhi);
      REQUIRE(m.short_message.size() > 6);
      CHECK(m.short_message.substr(0, 5) == std::string("\x05\x00\x03\x01\x04", 5));
      by_seq.at(static_cast<unsigned char>(m.short_message[5])) = m.short_message.substr(6);
    }
  CHECK(by_seq[1] + by_seq[2] + by_seq[3] + by_seq[4] == text);
  CHECK(h.core->counters().mo == 1);

  // SAR parts spread the same way; the parts of a bind that closes unanswered go to the other.
  h.core->on_command(R"({"cmd":"mo","from":"1","to":"2","system_id":"esme","split":"sar",)"
                     R"("spread":true,"text":")" +
                         std::string(200, 'y') + "\"}",
                     h.now);
  const auto sar_a = h.output(a);
  const auto sar_b = h.output(b);
  REQUIRE(sar_a.size() + sar_b.size() == 2);
  REQUIRE(sar_a.size() == 1);
  h.core->on_closed(a, h.now);
  const auto moved = h.output(b);
  // a closed with three deliveries unanswered (two UDH parts, one SAR part): all go to b.
  REQUIRE(moved.size() == 3);
  const smpp::pdu p = moved.back().decode();
  const auto& m = std::get<smpp::deliver_sm>(p.body);
  CHECK(smpp::find_tlv(m.tlvs, smpp::tlv_tag::sar_msg_ref_num)->value ==
        std::string("\x00\x02", 2));
  CHECK(smpp::find_tlv(m.tlvs, smpp::tlv_tag::sar_total_segments)->value == "\x02");

  h.core->on_command(R"({"cmd":"mo","from":"1","to":"2","spread":true,"text":"x"})", h.now);
  CHECK(h.sink.named("error").back().str("error") == "mo: spread: needs split (udh or sar)");
  h.core->on_command(R"({"cmd":"mo","from":"1","to":"2","split":"csms","text":"x"})", h.now);
  CHECK(h.sink.named("error").back().str("error") == "mo: split: expected udh or sar");
}
