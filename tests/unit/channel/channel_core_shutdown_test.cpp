// Shutdown as narratives with fake time: queued requests never sent, a long message stopped
// part-way, the drain deadline (a bind or a connect at shutdown: channel_core_peer_test); every
// request answered exactly once,
// and a failure that ends many requests at once written as one line.
#include <algorithm>

#include "channel_core_fixture.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace smsdrv::channel::test;

namespace {

std::vector<channel_event> responses_in(const std::vector<channel_event>& ev) {
  std::vector<channel_event> out;
  for (const auto& e : ev)
    if (e.type == SMSDRV_EVENT_RESPONSE) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("shutdown after the first segment of a long message: not OK, says which went out") {
  auto cfg = fixture::make_config();
  cfg.window = 1;
  fixture f(cfg);
  f.connect_and_bind();
  f.take_events();
  f.send(3, "part");
  auto w = f.written();
  REQUIRE(w.size() == 1);  // window 1: segment 1 only
  f.core->shutdown(f.now, f.now + 10s);
  CHECK(responses_in(f.take_events()).empty());  // segment 1 is still waited for
  f.now += 100ms;
  f.answer(w[0]);  // accepted
  auto r = responses_in(f.take_events());
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == SMSDRV_E_SHUT_DOWN);
  CHECK(r[0].text == fmt::format("the driver shut down after segment 1 of 3 was sent and "
                                 "accepted (message id m{}); segments 2 to 3 were never sent",
                                 w[0].sequence_number));
  CHECK(attr_of(r[0], "_smsMessageIds") == fmt::format("m{},,", w[0].sequence_number));
  CHECK(attr_of(r[0], "_smsSegments") == "3");
  CHECK(attr_of(r[0], "_smsFailedSegment") == "2/3");
  // Segments 2 and 3 never go out: the channel unbinds.
  f.advance(0ms);
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.smsc_sends(smpp::unbind_resp{}, u[0].sequence_number);
  f.link_closes();
  CHECK(f.core->finished());
  f.check_exactly_one_response_each();
}

TEST_CASE("shutdown between two segments, every written one answered: answered at once") {
  auto cfg = fixture::make_config();
  cfg.max_rate = 1;  // segment 2 waits a second for the rate limit
  fixture f(cfg);
  f.connect_and_bind();
  f.send(3, "part");
  auto w = f.written();
  REQUIRE(w.size() == 1);
  f.answer(w[0]);
  CHECK(f.written().empty());
  f.take_events();
  f.core->shutdown(f.now, f.now + 10s);
  auto r = responses_in(f.take_events());
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == SMSDRV_E_SHUT_DOWN);
  CHECK(r[0].text.find("segment 1 of 3 was sent and accepted") != std::string::npos);
  f.advance(2s);
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.check_exactly_one_response_each();
}

TEST_CASE("a refusal during the drain is not retried: the request fails naming the segment") {
  auto cfg = fixture::make_config();
  cfg.window = 1;
  fixture f(cfg);
  f.connect_and_bind();
  f.send(3, "part");
  auto w = f.written();
  f.now += 1ms;  // the token bucket lets one segment go per microsecond
  f.answer(w[0]);
  w = f.written();
  REQUIRE(w.size() == 1);  // segment 2
  f.now += 1ms;
  f.answer(w[0]);
  w = f.written();
  REQUIRE(w.size() == 1);  // segment 3 in flight
  f.take_events();
  f.core->shutdown(f.now, f.now + 10s);
  f.answer(w[0], cs::esme_rthrottled);  // temporary, but the channel is shutting down
  auto r = responses_in(f.take_events());
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == SMSDRV_E_SMSC_REJECTED);
  CHECK(attr_of(r[0], "_smsFailedSegment") == "3/3");
  f.check_exactly_one_response_each();
}

TEST_CASE("drain deadline: in flight end as outcome unknown at once, queued ones never sent") {
  fixture f;  // window 5
  f.connect_and_bind();
  f.take_events();
  for (int i = 0; i < 7; ++i)
    f.send();
  auto w = f.written();
  REQUIRE(w.size() == 5);
  f.log.clear();
  f.core->shutdown(f.now, f.now + 2s);
  auto r = responses_in(f.take_events());
  REQUIRE(r.size() == 2);  // requests 6 and 7: never written
  for (const auto& e : r) {
    CHECK(e.status == SMSDRV_E_SHUT_DOWN);
    CHECK(e.text == "the driver shut down before the message was sent");
  }
  // One line for both, naming them, at info: a shutdown is asked for.
  CHECK(f.log.count(log_level::info,
                    "shutdown: 2 requests failed with SMSDRV_E_SHUT_DOWN "
                    "(requests 6-7); the first: the driver shut down before "
                    "the message was sent") == 1);
  CHECK(f.log.count(log_level::warn) == 0);

  f.advance(1s);
  f.answer(w[0]);  // in time
  CHECK(responses_in(f.take_events()).at(0).status == SMSDRV_OK);
  CHECK(f.written().empty());  // no unbind while 4 are in flight, nothing more submitted

  f.advance(1s);  // the drain deadline
  r = responses_in(f.take_events());
  REQUIRE(r.size() == 4);
  for (const auto& e : r) {
    CHECK(e.status == SMSDRV_E_OUTCOME_UNKNOWN);
    CHECK(e.text.find("before the shutdown's drain deadline") != std::string::npos);
  }
  CHECK(f.log.count(log_level::warn,
                    "shutdown: the drain deadline passed: 4 requests failed with "
                    "SMSDRV_E_OUTCOME_UNKNOWN (requests 2-5)") == 1);
  CHECK(f.log.count(log_level::warn, "request") == 1);  // that line only
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);

  // A late answer changes nothing and says nothing above debug.
  const std::size_t warnings = f.log.count(log_level::warn);
  f.answer(w[1]);
  CHECK(responses_in(f.take_events()).empty());
  CHECK(f.log.count(log_level::warn) == warnings);
  f.smsc_sends(smpp::unbind_resp{}, u[0].sequence_number);
  f.link_closes();
  CHECK(f.core->finished());
  f.check_exactly_one_response_each();
}

TEST_CASE("drain deadline with a long message part-way: outcome unknown naming the segments") {
  auto cfg = fixture::make_config();
  cfg.window = 2;
  fixture f(cfg);
  f.connect_and_bind();
  f.send(3, "part");
  auto w = f.written();
  REQUIRE(w.size() == 2);
  f.answer(w[0]);
  f.take_events();
  f.core->shutdown(f.now, f.now + 1s);
  f.advance(1s);
  auto r = responses_in(f.take_events());
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(r[0].text.find(fmt::format("segments 1 to 2 of 3 were sent (1 accepted: message id m{}); "
                                   "segment 3 was never sent",
                                   w[0].sequence_number)) != std::string::npos);
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.smsc_sends(smpp::unbind_resp{}, u[0].sequence_number);
  f.link_closes();  // segment 2's answer never came: reported lost, already answered
  CHECK(responses_in(f.take_events()).empty());
  f.check_exactly_one_response_each();
}

TEST_CASE("a link lost under load: one line names every request, none each") {
  auto cfg = fixture::make_config();
  cfg.window = 300;
  fixture f(cfg);
  f.connect_and_bind();
  for (int i = 0; i < 220; ++i)
    f.send();
  REQUIRE(f.written().size() == 220);
  f.take_events();
  f.log.clear();
  f.link_closes();
  auto r = responses_in(f.take_events());
  REQUIRE(r.size() == 220);
  CHECK(f.log.count(log_level::warn, "request") == 1);
  CHECK(f.log.count(log_level::warn,
                    "link to 127.0.0.1:2775 closed (the SMSC closed the connection) with 220 "
                    "submission(s) unanswered: 220 requests failed with SMSDRV_E_OUTCOME_UNKNOWN "
                    "(requests 1-220); the first: the link to the SMSC was lost before it "
                    "answered") == 1);
  f.check_exactly_one_response_each();
}
