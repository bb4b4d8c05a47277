// Several sessions (binds) of one channel sharing what channel::session_shared holds: the rate,
// the receipts' origins, the reassembly of long inbound messages; the ack ids that name the
// session; and requests never written handed from a session that is down to one that is bound.
// Fake time; the test plays the SMSC on every bind.
#include "channel_core_fixture.hpp"

using namespace smsdrv::channel;
using namespace smsdrv::channel::test;
namespace smpp = smsdrv::smpp;

namespace {

// Two fixtures whose cores share one session_shared (sessions 0 and 1 of one channel).
struct two_sessions {
  channel_config config;
  session_shared shared;
  fixture a;
  fixture b;

  explicit two_sessions(channel_config c = fixture::make_config())
      : config(with_sessions(std::move(c))), shared(config), a(config), b(config) {
    a.core = std::make_unique<channel_core>(session(0), a.log, a.now, &shared);
    b.core = std::make_unique<channel_core>(session(1), b.log, b.now, &shared);
    b.next_id = 1000;
  }
  static channel_config with_sessions(channel_config c) {
    c.sessions = 2;
    return c;
  }
  channel_config session(std::uint32_t i) const {
    channel_config c = config;
    c.session_index = i;
    return c;
  }
  void advance(std::chrono::milliseconds d) {
    a.advance(d);
    b.now = a.now;
    b.core->on_tick(b.now, b.wall);
  }
};

std::size_t submits(const std::vector<smpp::pdu>& w) {
  return static_cast<std::size_t>(std::count_if(w.begin(), w.end(), [](const smpp::pdu& p) {
    return p.id() == smpp::command_id::submit_sm;
  }));
}

smpp::deliver_sm udh_part(std::uint8_t ref, std::uint8_t seq, std::string& body,
                          std::string_view text) {
  smpp::deliver_sm d;
  d.esm_class = smpp::esm_class_bits::udhi;
  d.source_addr = "4915550002";
  d.destination_addr = "12345";
  body = std::string("\x05\x00\x03", 3) + static_cast<char>(ref) + '\x02' + static_cast<char>(seq) +
         std::string(text);
  d.short_message = body;
  return d;
}

}  // namespace

TEST_CASE("sessions share the channel's rate: x-smpp-submit-max-rate over both binds") {
  auto c = fixture::make_config();
  c.max_rate = 20;  // burst clamp(20 / 20, 1, window) = 1
  two_sessions s(c);
  s.a.connect_and_bind();
  s.b.connect_and_bind();
  for (int i = 0; i < 40; ++i)
    (i % 2 == 0 ? s.a : s.b).send();
  std::size_t sent = submits(s.a.written()) + submits(s.b.written());
  // Answer everything at once so that the window never holds the pump back.
  auto answer_all = [&](fixture& f) {
    for (const smpp::pdu& p : f.written()) {
      if (p.id() != smpp::command_id::submit_sm) continue;
      ++sent;
      smpp::submit_sm_resp r;
      r.message_id = "m";
      f.smsc_sends(r, p.sequence_number);
    }
  };
  for (int ms = 0; ms < 1000; ms += 5) {
    s.advance(5ms);
    answer_all(s.a);
    answer_all(s.b);
  }
  // 20 in the first second plus the burst of one, over both sessions together, not 20 each.
  CHECK(sent >= 19);
  CHECK(sent <= 21);
}

TEST_CASE("ack ids name the session; a long message split over both sessions is reassembled once") {
  two_sessions s;
  s.a.connect_and_bind();
  s.b.connect_and_bind();
  s.a.take_events();
  s.b.take_events();
  std::string body1, body2;
  s.a.smsc_sends(udh_part(7, 1, body1, "Hello "), 11);
  // The first part is held and acknowledged at once on its own bind.
  auto wa = s.a.written();
  REQUIRE(wa.size() == 1);
  CHECK(wa[0].id() == smpp::command_id::deliver_sm_resp);
  CHECK(wa[0].sequence_number == 11);
  CHECK(s.a.take_events().empty());
  s.b.smsc_sends(udh_part(7, 2, body2, "world"), 21);
  auto ev = s.b.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == SMSDRV_EVENT_INBOUND);
  CHECK(attr_of(ev[0], "_smsText") == "Hello world");
  CHECK((ev[0].ack_id >> session_ack_shift) == 1);
  CHECK(s.b.written().empty());  // the completing part waits for the host
  REQUIRE(s.b.core->ack(ev[0].ack_id, SMSDRV_OK));
  auto wb = s.b.written();
  REQUIRE(wb.size() == 1);
  CHECK(wb[0].sequence_number == 21);
  // The first session's ack ids start at 0 << 48: the two never collide.
  smpp::deliver_sm single;
  single.source_addr = "4915550003";
  single.short_message = "one";
  s.a.smsc_sends(single, 12);
  ev = s.a.take_events();
  REQUIRE(ev.size() == 1);
  CHECK((ev[0].ack_id >> session_ack_shift) == 0);
}

TEST_CASE("a receipt that comes back on the other session is correlated to the request") {
  two_sessions s;
  s.a.connect_and_bind();
  s.b.connect_and_bind();
  s.a.take_events();
  s.b.take_events();
  auto r = s.a.request(1);
  r.wants_receipt = true;
  const std::uint64_t id = r.request_id;
  s.a.core->enqueue(std::move(r), s.a.now);
  auto w = s.a.written();
  REQUIRE(w.size() == 1);
  smpp::submit_sm_resp resp;
  resp.message_id = "00A1B2";
  s.a.smsc_sends(resp, w[0].sequence_number);
  s.a.take_events();
  smpp::deliver_sm dr;
  dr.esm_class = smpp::esm_class_bits::smsc_delivery_receipt;
  dr.source_addr = "4915550001";
  const std::string text = "id:a1b2 sub:001 dlvrd:001 stat:DELIVRD err:000 text:hello0";
  dr.short_message = text;
  s.b.smsc_sends(dr, 5);
  auto ev = s.b.take_events();
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == SMSDRV_EVENT_DELIVERY_REPORT);
  CHECK(ev[0].request_id == id);
}

TEST_CASE("requests never written move from a session that is down to one that is bound") {
  two_sessions s;
  s.b.connect_and_bind();
  s.b.take_events();
  // Session a is not connected: what it was given waits in its queue.
  const auto first = s.a.send();
  s.a.send();
  s.a.send();
  CHECK(s.a.core->open_requests() == 3);
  std::deque<prepared_request> moved;
  s.a.core->take_queued(moved);
  CHECK(s.a.core->open_requests() == 0);
  REQUIRE(moved.size() == 3);
  CHECK(moved.front().request_id == first);
  s.b.core->put_back(moved);
  CHECK(moved.empty());
  s.b.advance(1ms);
  auto w = s.b.written();
  REQUIRE(submits(w) == 3);
  for (const smpp::pdu& p : w) {
    smpp::submit_sm_resp r;
    r.message_id = "id" + std::to_string(p.sequence_number);
    s.b.smsc_sends(r, p.sequence_number);
  }
  s.b.take_events();
  CHECK(s.b.responses.size() == 3);
  CHECK(s.b.responses.count(first) == 1);
  // Session a gives nothing back that it wrote: its own requests stay its own.
  s.a.advance(1ms);
  s.a.take_events();
  CHECK(s.a.responses.empty());
}
