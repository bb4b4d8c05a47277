// Inbound back-pressure as narratives with fake time: the host holds
// x-smpp-inbound-max-unacked messages (or -bytes) unacknowledged -> the channel stops reading,
// but for the responses it awaits; what it reads meanwhile is answered ESME_RX_T_APPN; the
// host's ack lets reading resume. And repeated inbound problems collapse in the log.
#include "channel_core_fixture.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace smsdrv::channel::test;

namespace {

smpp::deliver_sm mo(std::string_view text) {
  smpp::deliver_sm d;
  d.source_addr = "4915550002";
  d.destination_addr = "12345";
  d.short_message = text;
  return d;
}

std::vector<channel_event> inbound_in(const std::vector<channel_event>& ev) {
  std::vector<channel_event> out;
  for (const auto& e : ev)
    if (e.type == SMSDRV_EVENT_INBOUND || e.type == SMSDRV_EVENT_DELIVERY_REPORT) out.push_back(e);
  return out;
}

channel_config capped(std::size_t messages, std::size_t bytes = 1 << 20) {
  channel_config c = fixture::make_config();
  c.inbound_max_unacked = messages;
  c.inbound_max_unacked_bytes = bytes;
  c.session.enquire_link_interval = 1s;
  c.session.dead_peer_timeout = 3s;
  return c;
}

}  // namespace

TEST_CASE("inbound cap: reading stops but for awaited responses; the host's ack resumes it") {
  fixture f(capped(3));
  f.connect_and_bind();
  f.take_events();
  CHECK(f.core->wants_input());
  for (std::uint32_t seq = 10; seq < 13; ++seq)
    f.smsc_sends(mo("hello"), seq);
  auto held = inbound_in(f.take_events());
  REQUIRE(held.size() == 3);
  CHECK(f.written().empty());  // nothing acknowledged before the host
  CHECK(f.core->pending_acks() == 3);
  CHECK_FALSE(f.core->wants_input());  // the host's share is full, no response due
  CHECK(f.log.count(log_level::warn, "3 inbound message(s)") == 1);

  // A submission is written: its response is due, so the channel reads again.
  f.send();
  auto w = f.written();
  REQUIRE(w.size() == 1);
  CHECK(f.core->wants_input());
  // What arrives meanwhile waits, unanswered, until the host has room.
  f.smsc_sends(mo("later"), 13);
  CHECK(inbound_in(f.take_events()).empty());
  CHECK(f.written().empty());
  CHECK(f.core->backlog() == 1);
  f.answer(w[0]);
  CHECK_FALSE(f.core->wants_input());
  auto m = f.core->config().metrics->snapshot();
  CHECK(m.inbound_unacked == 3);
  CHECK(m.inbound_deferred == 0);

  // Liveness: the enquire_link goes out after a second of silence and its answer is read.
  f.advance(1s);
  auto el = f.written();
  REQUIRE(el.size() == 1);
  CHECK(el[0].id() == smpp::command_id::enquire_link);
  CHECK(f.core->wants_input());
  f.smsc_sends(smpp::enquire_link_resp{}, el[0].sequence_number);
  CHECK_FALSE(f.core->wants_input());
  f.advance(1s);  // and again: the link stays up for as long as the host takes
  el = f.written();
  REQUIRE(el.size() == 1);
  f.smsc_sends(smpp::enquire_link_resp{}, el[0].sequence_number);
  f.advance(500ms);
  CHECK(f.core->bound());

  // The host takes one: the message waiting is taken in its place.
  CHECK(f.core->ack(held[0].ack_id, SMSDRV_OK));
  auto ok = f.written();
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].sequence_number == 10);
  CHECK(ok[0].command_status == 0);
  auto later = inbound_in(f.take_events());
  REQUIRE(later.size() == 1);
  CHECK(attr_of(later[0], "_smsText") == "later");
  CHECK(f.core->backlog() == 0);
  CHECK_FALSE(f.core->wants_input());
  // Down to half the share: reading resumes (it did at once) and the log says so, once.
  f.log.clear();
  CHECK(f.core->ack(held[1].ack_id, SMSDRV_OK));
  CHECK(f.core->wants_input());
  CHECK(f.log.lines.empty());
  CHECK(f.core->ack(held[2].ack_id, SMSDRV_OK));
  CHECK(f.log.count(log_level::info,
                    "the host acknowledged inbound messages: 1 wait for it now, "
                    "after 2.5 s at x-smpp-inbound-max-unacked; 0 deliver_sm "
                    "answered ESME_RX_T_APPN meanwhile") == 1);
  f.smsc_sends(mo("now"), 14);
  CHECK(inbound_in(f.take_events()).size() == 1);
  f.check_exactly_one_response_each();
}

TEST_CASE("inbound cap: beyond the backlog a message is refused for now; none is lost") {
  fixture f(capped(1));
  f.connect_and_bind();
  f.take_events();
  f.smsc_sends(mo("first"), 1);
  auto held = inbound_in(f.take_events());
  REQUIRE(held.size() == 1);
  f.send();  // a response is due: the channel reads on
  auto w = f.written();
  REQUIRE(w.size() == 1);
  std::uint32_t seq = 2;
  while (f.written().empty() && seq < 100000)
    f.smsc_sends(mo("flood"), seq++);
  CHECK(seq > 1000);  // the backlog took a good many first
  const std::size_t waiting = f.core->backlog();
  CHECK(waiting == seq - 3);
  f.smsc_sends(mo("flood"), seq);
  auto refused = f.written();
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].id() == smpp::command_id::deliver_sm_resp);
  CHECK(refused[0].sequence_number == seq);
  CHECK(refused[0].command_status == cs::esme_rx_t_appn);
  CHECK(f.core->config().metrics->snapshot().inbound_deferred == 2);
  // The link closes: what waited unanswered is delivered again by the SMSC; nothing to send.
  f.link_closes();
  CHECK(f.core->backlog() == 0);
  CHECK(f.core->ack(held[0].ack_id, SMSDRV_OK));
  CHECK(inbound_in(f.take_events()).empty());
}

TEST_CASE("inbound cap in bytes: large events count by their size") {
  fixture f(capped(1000, 4096));
  f.connect_and_bind();
  f.take_events();
  std::size_t events = 0;
  std::uint32_t seq = 100;
  while (f.core->wants_input() && seq < 200) {
    f.smsc_sends(mo(std::string(150, 'x')), seq++);
    events += inbound_in(f.take_events()).size();
  }
  CHECK_FALSE(f.core->wants_input());
  CHECK(events >= 2);
  CHECK(events < 20);
  CHECK(f.core->pending_ack_bytes() >= 4096);
}

TEST_CASE("inbound cap: messages the host holds still count after the link is lost") {
  fixture f(capped(2));
  f.connect_and_bind();
  f.smsc_sends(mo("a"), 1);
  f.smsc_sends(mo("b"), 2);
  auto held = inbound_in(f.take_events());
  REQUIRE(held.size() == 2);
  f.link_closes();
  f.now = f.core->next_deadline();
  f.connect_and_bind();
  // Bound again: the bind_resp was read, and the host still holds two.
  CHECK_FALSE(f.core->wants_input());
  CHECK(f.core->ack(held[0].ack_id, SMSDRV_OK));  // its connection is gone: nothing written
  CHECK(f.written().empty());
  CHECK(f.core->wants_input());
  CHECK(f.core->pending_acks() == 1);
}

TEST_CASE("a full reassembly buffer refusing part after part: a few lines and a count") {
  auto cfg = fixture::make_config();
  cfg.reassembly.max_messages = 1;
  fixture f(cfg);
  f.connect_and_bind();
  f.take_events();
  f.log.clear();
  auto part = [](std::uint8_t ref, std::uint8_t seq) {
    smpp::deliver_sm d;
    d.esm_class = smpp::esm_class_bits::udhi;
    d.source_addr = "4915550002";
    static std::string body;
    body = std::string("\x05\x00\x03", 3) + static_cast<char>(ref) + '\x02' +
           static_cast<char>(seq) + "part";
    d.short_message = body;
    return d;
  };
  f.smsc_sends(part(1, 1), 1);  // held: fills the buffer
  for (std::uint32_t i = 0; i < 500; ++i)
    f.smsc_sends(part(static_cast<std::uint8_t>(2 + i % 200), 1), 2 + i);
  CHECK(f.log.count(log_level::warn, "refused: reassembly is full") == 3);
  f.advance(10s);
  CHECK(f.log.count(log_level::warn,
                    "… 497 more like this in the last 10.0 s: part 1/2 of a "
                    "long message from") == 1);
}
