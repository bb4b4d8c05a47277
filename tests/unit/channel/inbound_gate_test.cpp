// The inbound side on its own, with fake time and a port that records every answer: a PDU is
// answered once, and only after the host decided (spec §7) or once its part is held; long
// messages complete once; the caps hold PDUs back unanswered; a closed connection drops them.
#include "channel/inbound_gate.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "channel_core_fixture.hpp"
#include "smpp/command_status.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace std::chrono_literals;
using test::collecting_log;

namespace {

namespace cs = smpp::command_status;

struct answer {
  std::uint64_t connection;
  std::uint32_t seq;
  bool data_sm;
  std::uint32_t status;
  friend bool operator==(const answer&, const answer&) = default;
};

struct recording_port final : inbound_port {
  std::uint64_t current = 1;
  std::vector<answer> answers;
  std::uint64_t connection() const noexcept override { return current; }
  bool respond(std::uint64_t connection, std::uint32_t seq, bool data_sm,
               std::uint32_t status) override {
    answers.push_back({connection, seq, data_sm, status});
    return connection == current;
  }
};

// A remote store the test answers by hand.
struct fake_remote final : remote_parts {
  struct call {
    std::string what;
    remote_message_key key;
    std::uint8_t seqnum = 0;
    std::string part;
    handler done;
  };
  std::vector<call> calls;
  void store(const remote_message_key& key, std::uint8_t seqnum, std::string part,
             handler done) override {
    calls.push_back({"store", key, seqnum, std::move(part), std::move(done)});
  }
  void take(const remote_message_key& key, handler done) override {
    calls.push_back({"take", key, 0, {}, std::move(done)});
  }
  void confirm(const remote_message_key& key) override {
    calls.push_back({"confirm", key, 0, {}, {}});
  }
  void reopen(const remote_message_key& key, std::uint8_t seqnum) override {
    calls.push_back({"reopen", key, seqnum, {}, {}});
  }
};

// A part as the store keeps it: GSM 7-bit default alphabet, one septet an octet.
std::string stored(std::string_view text) {
  return std::string(3, '\0') + std::string(text);
}

struct gate_fixture {
  channel_config config;
  collecting_log log;
  log_limiter limiter;
  std::string log_name = "channel-sms1";
  receipt_correlator receipts{1000, std::chrono::hours(1)};
  text::reassembler reassembler;
  recording_port port;
  std::vector<channel_event> events;
  std::unique_ptr<inbound_gate> gate;
  inbound_gate::time_point now{std::chrono::hours(500)};
  inbound_gate::wall_time wall{std::chrono::seconds(1548643196)};
  std::vector<std::string> storage;  // keeps the views of the PDUs alive

  explicit gate_fixture(channel_config c = test::fixture::make_config(),
                        remote_parts* remote = nullptr)
      : config(std::move(c)), reassembler(config.reassembly) {
    gate = std::make_unique<inbound_gate>(config, log, limiter, log_name, receipts, reassembler,
                                          port, events, remote);
  }
  // The store answers call `i`.
  void reply(fake_remote& r, std::size_t i, remote_outcome outcome,
             std::vector<std::string> parts = {}) {
    remote_reply rr;
    rr.outcome = outcome;
    rr.parts = std::move(parts);
    if (outcome == remote_outcome::failed) rr.error = "Redis at 127.0.0.1:1: refused";
    r.calls.at(i).done(rr, now, wall);
  }

  smpp::deliver_sm mo(std::string text) {
    smpp::deliver_sm d;
    d.source_addr = "4915550002";
    d.destination_addr = "12345";
    storage.push_back(std::move(text));
    d.short_message = storage.back();
    return d;
  }
  // Part `seq` of `total` of long message `ref` (8-bit reference UDH, TS 23.040 §9.2.3.24.1).
  smpp::deliver_sm part(std::uint8_t ref, std::uint8_t total, std::uint8_t seq,
                        std::string_view text) {
    std::string sm = {'\x05',
                      '\x00',
                      '\x03',
                      static_cast<char>(ref),
                      static_cast<char>(total),
                      static_cast<char>(seq)};
    sm += text;
    smpp::deliver_sm d = mo(std::move(sm));
    d.esm_class = smpp::esm_class_bits::udhi;
    return d;
  }
  void deliver(const smpp::deliver_sm& d, std::uint32_t seq) {
    gate->on_deliver_sm(seq, d, now, wall);
  }
  std::vector<channel_event> take() { return std::exchange(events, {}); }
  std::vector<answer> answers() { return std::exchange(port.answers, {}); }
};

std::string text_of(const channel_event& e, std::string_view key) {
  return test::attr_of(e, key);
}

}  // namespace

TEST_CASE("a message is answered only when the host acknowledges it, with its decision") {
  gate_fixture f;
  f.deliver(f.mo("hello"), 7);
  auto ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == SMSDRV_EVENT_INBOUND);
  CHECK(text_of(ev[0], "_smsText") == "hello");
  CHECK(f.answers().empty());
  CHECK(f.gate->pending_acks() == 1);
  CHECK(f.gate->holds_unacked(1));

  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_OK, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 7, false, cs::esme_rok}});
  CHECK(f.gate->pending_acks() == 0);
  CHECK_FALSE(f.gate->ack(ev[0].ack_id, SMSDRV_OK, f.now, f.wall));  // once only
  CHECK(f.answers().empty());

  f.deliver(f.mo("again"), 8);
  ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_E_INTERNAL, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 8, false, cs::esme_rx_t_appn}});
}

TEST_CASE("a long message: parts held are answered at once, the completing part after the host") {
  gate_fixture f;
  f.deliver(f.part(9, 3, 2, "lo wo"), 21);
  f.deliver(f.part(9, 3, 1, "hel"), 22);
  CHECK(f.take().empty());
  CHECK(f.answers() ==
        std::vector<answer>{{1, 21, false, cs::esme_rok}, {1, 22, false, cs::esme_rok}});
  f.deliver(f.part(9, 3, 3, "rld"), 23);
  auto ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(text_of(ev[0], "_smsText") == "hello world");
  CHECK(f.answers().empty());  // the completing part waits for the host

  // The host refuses: the completing part is refused, the message is open again without it.
  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_E_INTERNAL, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 23, false, cs::esme_rx_t_appn}});
  // The SMSC delivers it again: the whole message reaches the host again, and is taken.
  f.deliver(f.part(9, 3, 3, "rld"), 24);
  ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(text_of(ev[0], "_smsText") == "hello world");
  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_OK, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 24, false, cs::esme_rok}});
  // A part delivered again after that is a duplicate: answered, no second message.
  f.deliver(f.part(9, 3, 1, "hel"), 25);
  CHECK(f.take().empty());
  CHECK(f.answers() == std::vector<answer>{{1, 25, false, cs::esme_rok}});
}

TEST_CASE("at the cap a PDU waits unanswered in the backlog and is taken on the host's ack") {
  channel_config c = test::fixture::make_config();
  c.inbound_max_unacked = 1;
  gate_fixture f(std::move(c));
  f.deliver(f.mo("one"), 1);
  auto first = f.take();
  REQUIRE(first.size() == 1);
  CHECK_FALSE(f.gate->accepting());
  f.deliver(f.mo("two"), 2);
  CHECK(f.take().empty());
  CHECK(f.answers().empty());
  CHECK(f.gate->backlog() == 1);
  CHECK(f.log.count(log_level::warn, "1 inbound message(s)") == 1);

  f.now += 1s;
  CHECK(f.gate->ack(first[0].ack_id, SMSDRV_OK, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 1, false, cs::esme_rok}});
  auto second = f.take();
  REQUIRE(second.size() == 1);
  CHECK(text_of(second[0], "_smsText") == "two");
  CHECK(f.gate->backlog() == 0);
}

TEST_CASE("beyond the backlog's bytes a PDU is refused with ESME_RX_T_APPN") {
  channel_config c = test::fixture::make_config();
  c.inbound_max_unacked = 1;
  gate_fixture f(std::move(c));
  f.deliver(f.mo("one"), 1);
  f.take();
  const std::string big(200, 'x');
  std::uint32_t seq = 2;
  while (f.answers().empty() && seq < 10000)
    f.deliver(f.mo(big), seq++);
  CHECK(f.gate->backlog() > 0);
  CHECK(f.gate->backlog() * 200 <= inbound_gate::backlog_max_bytes);
  f.deliver(f.mo(big), seq);
  CHECK(f.answers() == std::vector<answer>{{1, seq, false, cs::esme_rx_t_appn}});
}

TEST_CASE("a closed connection drops the backlog; the host's late ack cannot be written") {
  channel_config c = test::fixture::make_config();
  c.inbound_max_unacked = 1;
  gate_fixture f(std::move(c));
  f.deliver(f.mo("one"), 1);
  auto ev = f.take();
  f.deliver(f.mo("two"), 2);
  CHECK(f.gate->backlog() == 1);
  f.gate->connection_closed(1, false, f.now);
  f.port.current = 2;
  CHECK(f.gate->backlog() == 0);
  CHECK(f.gate->pending_acks() == 1);  // the host still holds it
  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_OK, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 1, false, cs::esme_rok}});  // not on connection 2
  CHECK(f.take().empty());  // "two" is the SMSC's to deliver again
}

TEST_CASE("an incomplete long message is delivered partial at its deadline, with nothing to ack") {
  channel_config c = test::fixture::make_config();
  c.reassembly.timeout = 30s;
  gate_fixture f(std::move(c));
  f.deliver(f.part(4, 2, 1, "first half"), 1);
  CHECK(f.answers() == std::vector<answer>{{1, 1, false, cs::esme_rok}});
  REQUIRE(f.gate->next_deadline());
  CHECK(*f.gate->next_deadline() == f.now + 30s);
  f.gate->expire(f.now + 29s, f.wall);
  CHECK(f.take().empty());
  f.gate->expire(f.now + 30s, f.wall);
  auto ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(text_of(ev[0], "_smsText") == "first half");
  CHECK(ev[0].text == "partial: parts 2 of 2 missing");
  CHECK(ev[0].ack_id == 0);
  CHECK_FALSE(f.gate->next_deadline());
}

TEST_CASE("shared store: a part is acknowledged only once the store holds it") {
  fake_remote remote;
  channel_config c = test::fixture::make_config();
  c.inbound_max_unacked = 1;
  gate_fixture f(std::move(c), &remote);
  f.deliver(f.part(5, 2, 1, "hel"), 31);
  REQUIRE(remote.calls.size() == 1);
  CHECK(remote.calls[0].what == "store");
  CHECK(remote.calls[0].seqnum == 1);
  CHECK(remote.calls[0].part == stored("hel"));
  CHECK(remote.calls[0].key.source_addr == "4915550002");
  CHECK(remote.calls[0].key.reference == 5);
  CHECK(remote.calls[0].key.total == 2);
  CHECK(f.answers().empty());  // not before the store answered
  CHECK(f.gate->storing() == 1);
  CHECK_FALSE(f.gate->accepting());  // a part out to the store counts against the cap
  f.reply(remote, 0, remote_outcome::held);
  CHECK(f.answers() == std::vector<answer>{{1, 31, false, cs::esme_rok}});
  CHECK(f.gate->storing() == 0);
  CHECK(f.gate->accepting());
  CHECK(f.gate->remote_open() == 1);
  CHECK(f.take().empty());
}

TEST_CASE("shared store: the host whose part completes it delivers it; the decision goes back") {
  fake_remote remote;
  gate_fixture f(test::fixture::make_config(), &remote);
  f.deliver(f.part(6, 2, 2, "lo"), 41);
  f.reply(remote, 0, remote_outcome::completed, {stored("hel"), stored("lo")});
  auto ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(text_of(ev[0], "_smsText") == "hello");
  CHECK(text_of(ev[0], "_smsSrcNumber") == "4915550002");
  CHECK(f.answers().empty());  // the completing part waits for the host
  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_OK, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 41, false, cs::esme_rok}});
  REQUIRE(remote.calls.size() == 2);
  CHECK(remote.calls[1].what == "confirm");
  CHECK(remote.calls[1].key == remote.calls[0].key);

  // Refused by the host: the completing part is refused and reopened in the store.
  f.deliver(f.part(7, 2, 1, "a"), 42);
  f.reply(remote, 2, remote_outcome::completed, {stored("a"), stored("b")});
  ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_E_INTERNAL, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 42, false, cs::esme_rx_t_appn}});
  REQUIRE(remote.calls.size() == 4);
  CHECK(remote.calls[3].what == "reopen");
  CHECK(remote.calls[3].seqnum == 1);
}

TEST_CASE("shared store: a part of a message awaiting another host's decision is deferred") {
  fake_remote remote;
  gate_fixture f(test::fixture::make_config(), &remote);
  f.deliver(f.part(8, 2, 2, "x"), 51);
  f.reply(remote, 0, remote_outcome::awaiting);
  CHECK(f.answers() == std::vector<answer>{{1, 51, false, cs::esme_rx_t_appn}});
  f.deliver(f.part(8, 2, 2, "x"), 52);
  f.reply(remote, 1, remote_outcome::duplicate);  // taken by then
  CHECK(f.answers() == std::vector<answer>{{1, 52, false, cs::esme_rok}});
  CHECK(f.take().empty());
}

TEST_CASE("shared store: the store's own completing part delivered again waits for our host") {
  fake_remote remote;
  gate_fixture f(test::fixture::make_config(), &remote);
  f.deliver(f.part(9, 2, 2, "y"), 61);
  f.reply(remote, 0, remote_outcome::completed, {stored("x"), stored("y")});
  auto ev = f.take();
  REQUIRE(ev.size() == 1);
  f.deliver(f.part(9, 2, 2, "y"), 62);  // the SMSC again, before our host decided
  f.reply(remote, 1, remote_outcome::awaiting);
  CHECK(f.answers().empty());
  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_OK, f.now, f.wall));
  CHECK(f.answers() ==
        std::vector<answer>{{1, 61, false, cs::esme_rok}, {1, 62, false, cs::esme_rok}});
}

TEST_CASE("shared store unreachable: parts are joined here, each acknowledged once held") {
  fake_remote remote;
  gate_fixture f(test::fixture::make_config(), &remote);
  f.deliver(f.part(10, 2, 1, "hel"), 71);
  f.deliver(f.part(10, 2, 2, "lo"), 72);
  REQUIRE(remote.calls.size() == 2);
  CHECK(f.answers().empty());
  f.reply(remote, 0, remote_outcome::failed);
  CHECK(f.answers() == std::vector<answer>{{1, 71, false, cs::esme_rok}});  // held locally
  f.reply(remote, 1, remote_outcome::failed);
  auto ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(text_of(ev[0], "_smsText") == "hello");
  CHECK(f.answers().empty());
  CHECK(f.gate->ack(ev[0].ack_id, SMSDRV_OK, f.now, f.wall));
  CHECK(f.answers() == std::vector<answer>{{1, 72, false, cs::esme_rok}});
  CHECK(remote.calls.size() == 2);  // nothing to confirm in the store
}

TEST_CASE("shared store: at the deadline the gate takes what is held and delivers it partial") {
  fake_remote remote;
  channel_config c = test::fixture::make_config();
  c.reassembly.timeout = 30s;
  gate_fixture f(std::move(c), &remote);
  f.deliver(f.part(11, 3, 1, "first"), 81);
  f.reply(remote, 0, remote_outcome::held);
  f.answers();
  REQUIRE(f.gate->next_deadline());
  CHECK(*f.gate->next_deadline() == f.now + 30s);
  f.gate->expire(f.now + 29s, f.wall);
  CHECK(remote.calls.size() == 1);
  f.gate->expire(f.now + 30s, f.wall);
  REQUIRE(remote.calls.size() == 2);
  CHECK(remote.calls[1].what == "take");
  CHECK(f.gate->remote_open() == 0);
  f.reply(remote, 1, remote_outcome::completed, {stored("first"), "", stored(" third")});
  auto ev = f.take();
  REQUIRE(ev.size() == 1);
  CHECK(text_of(ev[0], "_smsText") == "first third");
  CHECK(ev[0].text == "partial: parts 2 of 3 missing");
  CHECK(ev[0].ack_id == 0);
  // Completed by another host meanwhile: nothing.
  f.deliver(f.part(12, 2, 1, "z"), 82);
  f.reply(remote, 2, remote_outcome::held);
  f.gate->expire(f.now + 60s, f.wall);
  REQUIRE(remote.calls.size() == 4);
  f.reply(remote, 3, remote_outcome::duplicate);
  CHECK(f.take().empty());
}

TEST_CASE("shared store: an answer after the gate is gone is dropped") {
  fake_remote remote;
  auto f = std::make_unique<gate_fixture>(test::fixture::make_config(), &remote);
  f->deliver(f->part(13, 2, 1, "q"), 91);
  auto done = remote.calls[0].done;
  f.reset();
  remote_reply r;
  r.outcome = remote_outcome::held;
  done(r, {}, {});  // no crash, nothing written anywhere
  SUCCEED();
}
