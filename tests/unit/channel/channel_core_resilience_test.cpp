// channel_core when the SMSC misbehaves (spec §7), as narratives with fake time: the error
// policy, submissions in flight at a lost link, failover and the return to the primary, the
// rate over a second, redelivered inbound messages. Every narrative ends with exactly one
// response per request.
#include <algorithm>

#include "channel_core_fixture.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace smsdrv::channel::test;

namespace {

std::size_t count_state(const std::vector<channel_event>& ev, std::string_view state) {
  return static_cast<std::size_t>(std::count_if(ev.begin(), ev.end(), [&](const channel_event& e) {
    return e.type == SMSDRV_EVENT_CHANNEL_STATE && attr_of(e, "state") == state;
  }));
}

const channel_event* find_state(const std::vector<channel_event>& ev, std::string_view state) {
  for (const auto& e : ev)
    if (e.type == SMSDRV_EVENT_CHANNEL_STATE && attr_of(e, "state") == state) return &e;
  return nullptr;
}

}  // namespace

// ---- error policy --------------------------------------------------------------------------

TEST_CASE("ESME_RTHROTTLED pauses the whole channel, then the message is submitted again") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.send(1, "a");
  f.send(1, "b");
  f.send(1, "c");
  auto w = f.written();
  REQUIRE(w.size() == 3);
  f.now += 1ms;
  f.answer(w[0], cs::esme_rthrottled);
  f.answer(w[1]);
  // Sent before the pause began: joins the resubmissions, does not lengthen the pause.
  f.answer(w[2], cs::esme_rthrottled);
  CHECK(f.log.contains("answered ESME_RTHROTTLED"));
  CHECK(f.log.contains("no submissions for 10 ms"));  // the default first pause
  f.send(1, "d");
  CHECK(f.written().empty());  // the pump stops for every message, not only the refused ones
  CHECK(f.core->next_deadline() == f.now + 10ms);
  f.advance(9ms);
  CHECK(f.written().empty());
  f.advance(1ms);
  auto again = f.written();
  REQUIRE(again.size() == 3);
  // The refused ones first, in their order, then the queue.
  CHECK(fixture::text_of(again[0]) == "a0");
  CHECK(fixture::text_of(again[1]) == "c0");
  CHECK(fixture::text_of(again[2]) == "d0");
  f.answer_all(again);
  f.take_events();
  CHECK(f.responses[1].at(0).status == SMSDRV_OK);
  CHECK(attr_of(f.responses[1].at(0), "_smsRetries") == "1");
  CHECK(attr_of(f.responses[1].at(0), "_smsMessageId") ==
        fmt::format("m{}", again[0].sequence_number));
  CHECK(attr_of(f.responses[2].at(0), "_smsRetries") == "<absent>");
  CHECK(attr_of(f.responses[3].at(0), "_smsRetries") == "1");
  CHECK(f.core->resubmissions() == 2);
  f.check_exactly_one_response_each();
}

TEST_CASE("pauses in a row double up to the ceiling; an accepted submission starts over") {
  auto cfg = fixture::make_config();
  cfg.error_policy = policy("ESME_RTHROTTLED: pause 1s-3s retry 20");
  fixture f(cfg);
  f.connect_and_bind();
  f.send();
  auto w = f.written();
  // The pause ends exactly `expected` after the refusal (other deadlines, such as a summary of
  // repeated log lines, may wake the channel earlier: nothing goes out then).
  auto paused_for = [&](std::chrono::milliseconds expected) {
    f.advance(expected - 1ms);
    CHECK(f.written().empty());
    f.advance(1ms);
    auto again = f.written();
    REQUIRE(again.size() == 1);
    return again;
  };
  for (auto expected : {1000ms, 2000ms, 3000ms, 3000ms}) {
    f.now += 10ms;
    f.answer(w.at(0), cs::esme_rthrottled);
    w = paused_for(expected);
  }
  f.now += 10ms;
  f.answer(w[0]);
  f.send();
  w = f.written();
  f.answer(w.at(0), cs::esme_rthrottled);
  f.answer_all(paused_for(1s));
  f.take_events();
  CHECK(attr_of(f.responses[1].at(0), "_smsRetries") == "4");
  f.check_exactly_one_response_each();
}

TEST_CASE("when its retries are used up the request fails naming the status and the count") {
  auto cfg = fixture::make_config();
  cfg.error_policy = policy("ESME_RTHROTTLED: pause 100ms retry 2");
  fixture f(cfg);
  f.connect_and_bind();
  f.send(3);
  for (int round = 0; round < 3; ++round) {
    auto w = f.written();
    REQUIRE(!w.empty());
    f.now += 1ms;
    f.answer_all(w, cs::esme_rthrottled);
    f.advance_to_deadline();
  }
  f.take_events();
  const channel_event& r = f.responses[1].at(0);
  CHECK(r.status == SMSDRV_E_SMSC_REJECTED);
  CHECK(attr_of(r, "_smsErrorName") == "ESME_RTHROTTLED");
  CHECK(r.text.find("ESME_RTHROTTLED") != std::string::npos);
  CHECK(r.text.find("after 2 resubmission(s) (x-smpp-error-policy)") != std::string::npos);
  CHECK(f.written().empty());
  f.check_exactly_one_response_each();
}

TEST_CASE("ESME_RSYSERR: limited retries of that message while the others keep flowing") {
  fixture f;
  f.connect_and_bind();
  f.send(1, "a");
  auto w = f.written();
  f.answer(w[0], cs::esme_rsyserr);
  f.send(1, "b");
  auto b = f.written();
  REQUIRE(b.size() == 1);  // no pause
  CHECK(fixture::text_of(b[0]) == "b0");
  f.answer(b[0]);
  f.advance(999ms);
  CHECK(f.written().empty());
  f.advance(1ms);  // "retry 3 after 1s"
  for (int i = 0; i < 3; ++i) {
    auto again = f.written();
    REQUIRE(again.size() == 1);
    CHECK(fixture::text_of(again[0]) == "a0");
    f.answer(again[0], cs::esme_rsyserr);
    f.advance(1s);
  }
  f.take_events();
  CHECK(f.responses[1].at(0).status == SMSDRV_E_SMSC_REJECTED);
  CHECK(attr_of(f.responses[1].at(0), "_smsRetries") == "3");
  CHECK(f.responses[2].at(0).status == SMSDRV_OK);
  f.check_exactly_one_response_each();
}

TEST_CASE("ESME_RMSGQFUL pauses longer; a generic_nack is judged by its status too") {
  fixture f;
  f.connect_and_bind();
  f.send();
  auto w = f.written();
  f.answer(w[0], cs::esme_rmsgqful);
  CHECK(f.core->next_deadline() == f.now + 10s);
  f.advance(10s);
  w = f.written();
  REQUIRE(w.size() == 1);
  f.smsc_sends(smpp::generic_nack{}, w[0].sequence_number, cs::esme_rthrottled);
  CHECK(f.core->next_deadline() == f.now + 10ms);
  f.advance(10ms);
  f.answer_all(f.written());
  f.take_events();
  CHECK(f.responses[1].at(0).status == SMSDRV_OK);
  CHECK(attr_of(f.responses[1].at(0), "_smsRetries") == "2");
  f.check_exactly_one_response_each();
}

TEST_CASE("permanent errors fail at once; a rule can make any status temporary or permanent") {
  auto cfg = fixture::make_config();
  cfg.error_policy = policy("ESME_RTHROTTLED: fail, ESME_RINVDSTADR: retry 1, 0x401: retry 1");
  fixture f(cfg);
  f.connect_and_bind();
  f.send();
  f.send();
  f.send();
  f.send();
  auto w = f.written();
  REQUIRE(w.size() == 4);
  f.now += 1ms;  // the rate limit's burst (5) was used by the four
  f.answer(w[0], cs::esme_rthrottled);
  f.answer(w[1], cs::esme_rinvdstadr);
  f.answer(w[2], 0x401);
  f.answer(w[3], cs::esme_rinvsrcadr);
  auto again = f.written();
  REQUIRE(again.size() == 2);
  f.answer_all(again);
  f.take_events();
  CHECK(f.responses[1].at(0).status == SMSDRV_E_SMSC_REJECTED);
  CHECK(f.responses[2].at(0).status == SMSDRV_OK);
  CHECK(f.responses[3].at(0).status == SMSDRV_OK);
  CHECK(attr_of(f.responses[4].at(0), "_smsErrorName") == "ESME_RINVSRCADR");
  f.check_exactly_one_response_each();
}

TEST_CASE("a refused segment of a long message is resubmitted; one response lists every id") {
  fixture f;
  f.connect_and_bind();
  f.send(3);
  auto w = f.written();
  REQUIRE(w.size() == 3);
  f.answer(w[0]);
  f.answer(w[1], cs::esme_rthrottled);
  f.answer(w[2]);
  f.take_events();
  CHECK(f.responses.empty());
  f.advance(1s);
  auto again = f.written();
  REQUIRE(again.size() == 1);
  CHECK(fixture::text_of(again[0]) == "hello1");
  f.answer(again[0]);
  f.take_events();
  CHECK(attr_of(f.responses[1].at(0), "_smsMessageIds") ==
        fmt::format("m{},m{},m{}", w[0].sequence_number, again[0].sequence_number,
                    w[2].sequence_number));
  f.check_exactly_one_response_each();
}

TEST_CASE("a segment waiting to be resubmitted: kept across a lost link, failed at shutdown") {
  fixture f;
  f.connect_and_bind();
  f.send(1, "a");
  f.send(1, "b");
  auto w = f.written();
  f.answer(w[0], cs::esme_rthrottled);
  f.link_closes();
  f.take_events();
  CHECK(f.responses[2].at(0).status == SMSDRV_E_OUTCOME_UNKNOWN);  // "b" was in flight
  CHECK(f.responses[1].empty());                                   // "a" waits
  f.now = f.core->next_deadline();
  f.connect_and_bind();
  f.advance(1s);  // the pause the SMSC asked for may not be over yet
  auto again = f.written();
  REQUIRE(again.size() == 1);
  CHECK(fixture::text_of(again[0]) == "a0");
  f.answer(again[0], cs::esme_rthrottled);
  f.core->shutdown(f.now, f.now + 5s);
  f.take_events();
  CHECK(f.responses[1].at(0).status == SMSDRV_E_SHUT_DOWN);
  CHECK(f.responses[1].at(0).text.find("submitted again after ESME_RTHROTTLED") !=
        std::string::npos);
  f.check_exactly_one_response_each();
}

TEST_CASE("a segment waiting while the link stays down fails as channel down, once") {
  auto cfg = fixture::make_config();
  cfg.session.request_timeout = 5s;
  fixture f(cfg);
  f.connect_and_bind();
  f.send();
  f.answer(f.written().at(0), cs::esme_rthrottled);
  f.now += 2s;  // the link drops 2 s later: the waiting time counts from then
  f.link_closes();
  for (int i = 0; i < 20 && f.responses[1].empty(); ++i) {
    f.advance_to_deadline(1s);
    if (f.core->connect_due(f.now)) f.core->on_connect_failed("Connection refused", f.now);
    f.take_events();
  }
  REQUIRE(f.responses[1].size() == 1);
  CHECK(f.responses[1][0].status == SMSDRV_E_CHANNEL_DOWN);
  CHECK(f.responses[1][0].text.find("not submitted again after ESME_RTHROTTLED") !=
        std::string::npos);
  f.check_exactly_one_response_each();
}

// ---- submissions in flight at a lost link --------------------------------------------------

TEST_CASE("in flight at a lost link, resubmit: sent again after the reconnect, in order") {
  auto cfg = fixture::make_config();
  cfg.in_flight_on_disconnect = in_flight_policy::resubmit;
  fixture f(cfg);
  f.connect_and_bind();
  f.take_events();
  f.send(1, "a");
  f.send(2, "b");
  f.send(1, "c");
  auto w = f.written();
  REQUIRE(w.size() == 4);
  f.answer(w[1]);  // b0 answered, b1 in flight
  f.link_closes();
  auto ev = f.take_events();
  CHECK(f.responses.empty());
  CHECK(fixture::states(ev) == std::vector<std::string>{"down"});
  CHECK(f.log.contains("3 submission(s) in flight when the link closed are sent again"));
  CHECK(f.core->open_requests() == 3);
  f.now = f.core->next_deadline();
  f.connect_and_bind();
  auto again = f.written();
  REQUIRE(again.size() == 3);
  CHECK(fixture::text_of(again[0]) == "a0");
  CHECK(fixture::text_of(again[1]) == "b1");
  CHECK(fixture::text_of(again[2]) == "c0");
  f.answer_all(again);
  f.take_events();
  for (std::uint64_t id = 1; id <= 3; ++id) {
    CHECK(f.responses[id].at(0).status == SMSDRV_OK);
    CHECK(attr_of(f.responses[id].at(0), "_smsRetries") == "1");
  }
  CHECK(attr_of(f.responses[2].at(0), "_smsMessageIds") ==
        fmt::format("m{},m{}", w[1].sequence_number, again[1].sequence_number));
  f.check_exactly_one_response_each();
}

TEST_CASE("in flight at a lost link, resubmit: a message lost with the link 4 times fails") {
  auto cfg = fixture::make_config();
  cfg.in_flight_on_disconnect = in_flight_policy::resubmit;
  fixture f(cfg);
  f.connect_and_bind();
  f.send();
  for (int loss = 0; loss < 4; ++loss) {
    REQUIRE(f.written().size() == 1);
    f.link_closes();
    f.take_events();
    if (loss < 3) CHECK(f.responses.empty());
    f.now = f.core->next_deadline();
    f.connect_and_bind();
  }
  CHECK(f.written().empty());
  REQUIRE(f.responses[1].size() == 1);
  CHECK(f.responses[1][0].status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(f.responses[1][0].text.find("for the 4th time") != std::string::npos);
  f.check_exactly_one_response_each();
}

TEST_CASE("in flight at a lost link, fail (default): outcome unknown, never sent twice") {
  fixture f;
  f.connect_and_bind();
  f.send();
  f.send();
  REQUIRE(f.written().size() == 2);
  f.link_closes();
  f.now = f.core->next_deadline();
  f.connect_and_bind();
  CHECK(f.written().empty());
  f.take_events();
  CHECK(f.responses[1].at(0).status == SMSDRV_E_OUTCOME_UNKNOWN);
  CHECK(f.responses[2].at(0).status == SMSDRV_E_OUTCOME_UNKNOWN);
  f.check_exactly_one_response_each();
}

// ---- failover ------------------------------------------------------------------------------

namespace {

channel_config failover_config() {
  auto c = fixture::make_config();
  c.endpoints = {{"10.0.0.1", 2775}, {"10.0.0.2", 2776, "esme-b", "pw-b"}};
  c.failover_probe_interval = 30s;
  return c;
}

// The primary refuses connections: the channel fails over and binds to the secondary.
void fail_over(fixture& f) {
  auto primary = f.core->connect_due(f.now);
  REQUIRE(primary);
  CHECK(primary->host == "10.0.0.1");
  f.core->on_connect_failed("Connection refused", f.now);
  auto secondary = f.core->connect_due(f.now);  // at once
  REQUIRE(secondary);
  CHECK(secondary->host == "10.0.0.2");
  CHECK(secondary->port == 2776);
  f.core->on_connected(f.now);
  auto bind = f.bind("SMSC-B");
  const auto& b = std::get<smpp::bind_transceiver>(bind.body);
  CHECK(b.system_id == "esme-b");
  CHECK(b.password == "pw-b");
}

// The primary accepts the probe's bind_transmitter and unbind.
void probe_binds(fixture& f) {
  auto target = f.core->probe_due(f.now);
  REQUIRE(target);
  CHECK(target->host == "10.0.0.1");
  f.core->probe().on_connected(f.now);
  auto w = f.probe_written();
  REQUIRE(w.size() == 1);
  const auto& b = std::get<smpp::bind_transmitter>(w[0].body);  // never sent deliver_sm
  CHECK(b.system_id == "esme");
  CHECK(b.password == "pw");
  f.primary_answers_probe(smpp::bind_transmitter_resp{}, w[0].sequence_number);
  auto u = f.probe_written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.primary_answers_probe(smpp::unbind_resp{}, u[0].sequence_number);
  REQUIRE(f.core->probe().close_requested());
  f.core->probe().on_closed("probe done");
  REQUIRE(f.core->probe().finished());
  f.core->on_probe_finished(f.now);
}

}  // namespace

TEST_CASE("failover: the secondary at once when the primary is down, back when a probe binds") {
  fixture f(failover_config());
  fail_over(f);
  auto ev = f.take_events();
  const channel_event* over = find_state(ev, "failover");
  REQUIRE(over);
  CHECK(over->status == SMSDRV_E_CHANNEL_DOWN);
  CHECK(over->text ==
        "primary SMSC 10.0.0.1:2775 unavailable: cannot connect to 10.0.0.1:2775: Connection "
        "refused; switching to the secondary SMSC 10.0.0.2:2776");
  const channel_event* bound = find_state(ev, "bound");
  REQUIRE(bound);
  CHECK(attr_of(*bound, "smsc") == "10.0.0.2:2776");
  CHECK(attr_of(*bound, "smscRole") == "secondary");
  CHECK(f.core->smsc_index() == 1);

  // Traffic flows on the secondary; the primary is probed after the interval.
  f.send(1, "a");
  f.answer_all(f.written());
  CHECK_FALSE(f.core->probe_due(f.now));
  CHECK(f.core->next_deadline() == f.now + 30s);
  f.advance(30s);
  f.send(1, "b");
  auto in_flight = f.written();  // "b" is in flight on the secondary when the probe binds
  REQUIRE(in_flight.size() == 1);
  probe_binds(f);
  ev = f.take_events();
  const channel_event* returning = find_state(ev, "returning");
  REQUIRE(returning);
  CHECK(returning->status == SMSDRV_OK);
  CHECK(returning->text.find("primary SMSC 10.0.0.1:2775 accepts binds again") == 0);
  f.send(1, "c");
  CHECK(f.written().empty());  // no new submission on the secondary while leaving it
  f.answer(in_flight[0]);
  CHECK(f.core->next_deadline() <= f.now);  // the shell ticks at once
  f.advance(0ms);
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.smsc_sends(smpp::unbind_resp{}, u[0].sequence_number);
  f.link_closes();
  auto primary = f.core->connect_due(f.now);  // at once, no back-off
  REQUIRE(primary);
  CHECK(primary->host == "10.0.0.1");
  f.core->on_connected(f.now);
  auto bind = f.bind();
  CHECK(std::get<smpp::bind_transceiver>(bind.body).system_id == "esme");
  ev = f.take_events();
  CHECK(fixture::states(ev) == std::vector<std::string>{"bound"});
  CHECK(attr_of(*find_state(ev, "bound"), "smscRole") == "primary");
  auto c = f.written();
  REQUIRE(c.size() == 1);
  CHECK(fixture::text_of(c[0]) == "c0");
  f.answer(c[0]);
  CHECK_FALSE(f.core->probe_due(f.now + 1h));  // no probing while on the primary
  f.check_exactly_one_response_each();
}

TEST_CASE("failover: leaving the secondary waits for the host to take what it delivered") {
  fixture f(failover_config());
  fail_over(f);
  f.advance(30s);
  smpp::deliver_sm d;
  d.source_addr = "4915550002";
  d.short_message = "from the secondary";
  f.smsc_sends(d, 5);
  std::uint64_t ack = 0;
  for (const auto& e : f.take_events())
    if (e.type == SMSDRV_EVENT_INBOUND) ack = e.ack_id;
  REQUIRE(ack != 0);
  probe_binds(f);
  f.advance(0ms);
  CHECK(f.written().empty());  // no unbind while the host holds the message
  REQUIRE(f.core->ack(ack, SMSDRV_OK));
  CHECK(f.core->next_deadline() <= f.now);
  f.advance(0ms);
  auto w = f.written();
  REQUIRE(w.size() == 2);
  CHECK(w[0].id() == smpp::command_id::deliver_sm_resp);
  CHECK(w[1].id() == smpp::command_id::unbind);
}

TEST_CASE("shutdown: the last response of the drain unbinds at once") {
  fixture f;
  f.connect_and_bind();
  f.send();
  auto w = f.written();
  f.core->shutdown(f.now, f.now + 30s);
  f.answer(w.at(0));
  CHECK(f.core->next_deadline() <= f.now);
  f.advance(0ms);
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.check_exactly_one_response_each();
}

TEST_CASE("failover: a refused probe keeps the channel on the secondary; next probe later") {
  fixture f(failover_config());
  fail_over(f);
  f.advance(30s);
  REQUIRE(f.core->probe_due(f.now));
  f.core->probe().on_connected(f.now);
  auto w = f.probe_written();
  f.primary_answers_probe(smpp::bind_transmitter_resp{}, w.at(0).sequence_number,
                          cs::esme_rbindfail);
  REQUIRE(f.core->probe().close_requested());
  f.core->probe().on_closed("closed");
  f.core->on_probe_finished(f.now);
  CHECK(f.log.contains("primary SMSC 10.0.0.1:2775 still unavailable (ESME_RBINDFAIL"));
  CHECK(count_state(f.take_events(), "returning") == 0);
  CHECK(f.core->next_deadline() == f.now + 30s);
  // A probe that cannot even connect.
  f.advance(30s);
  REQUIRE(f.core->probe_due(f.now));
  f.core->probe().on_connect_failed("Connection refused");
  f.core->on_probe_finished(f.now);
  CHECK(f.core->smsc_index() == 1);
  CHECK(f.core->bound());
}

TEST_CASE("failover: a lost secondary link reconnects to the primary first") {
  fixture f(failover_config());
  fail_over(f);
  f.take_events();
  f.link_closes();
  auto ev = f.take_events();
  const channel_event* down = find_state(ev, "down");
  REQUIRE(down);
  CHECK(down->text.find("link to 10.0.0.2:2776 down: the SMSC closed the connection; "
                        "reconnecting to the primary SMSC 10.0.0.1:2775 in") == 0);
  // Both SMSCs have failed: nothing of the channel's own is left (x-failover-channel may carry).
  CHECK(attr_of(*down, "secondaryPending") == "<absent>");
  CHECK_FALSE(f.core->connect_due(f.now));  // back-off
  f.now = f.core->next_deadline();
  auto primary = f.core->connect_due(f.now);
  REQUIRE(primary);
  CHECK(primary->host == "10.0.0.1");
  // Still down: to the secondary at once again.
  f.core->on_connect_failed("Connection refused", f.now);
  CHECK(count_state(f.take_events(), "failover") == 1);
  auto secondary = f.core->connect_due(f.now);
  REQUIRE(secondary);
  CHECK(secondary->host == "10.0.0.2");
}

TEST_CASE("failover: a bound primary that drops is tried again before the secondary") {
  fixture f(failover_config());
  f.connect_and_bind();
  f.take_events();
  f.link_closes();
  auto ev = f.take_events();
  CHECK(count_state(ev, "failover") == 0);
  // Down, with the channel's own secondary still to come: x-failover-channel waits for it.
  const channel_event* down = find_state(ev, "down");
  REQUIRE(down);
  CHECK(attr_of(*down, "secondaryPending") == "true");
  f.now = f.core->next_deadline();
  auto again = f.core->connect_due(f.now);
  REQUIRE(again);
  CHECK(again->host == "10.0.0.1");
}

TEST_CASE("failover: in flight when the primary is lost follow x-smpp-in-flight-on-disconnect") {
  auto cfg = failover_config();
  SECTION("resubmit: sent again to the secondary") {
    cfg.in_flight_on_disconnect = in_flight_policy::resubmit;
    fixture f(cfg);
    f.connect_and_bind();
    f.send(1, "x");
    f.send(1, "y");
    REQUIRE(f.written().size() == 2);
    f.link_closes();
    f.now = f.core->next_deadline();
    REQUIRE(f.core->connect_due(f.now));
    f.core->on_connect_failed("Connection refused", f.now);  // the primary stays down
    REQUIRE(f.core->connect_due(f.now));
    f.core->on_connected(f.now);
    f.bind("SMSC-B");
    auto again = f.written();
    REQUIRE(again.size() == 2);
    CHECK(fixture::text_of(again[0]) == "x0");
    CHECK(fixture::text_of(again[1]) == "y0");
    f.answer_all(again);
    f.check_exactly_one_response_each();
    CHECK(f.responses[1].at(0).status == SMSDRV_OK);
    CHECK(f.responses[2].at(0).status == SMSDRV_OK);
  }
  SECTION("fail: outcome unknown at the loss") {
    fixture f(cfg);
    f.connect_and_bind();
    f.send(1, "x");
    REQUIRE(f.written().size() == 1);
    f.link_closes();
    f.check_exactly_one_response_each();
    CHECK(f.responses[1].at(0).status == SMSDRV_E_OUTCOME_UNKNOWN);
  }
}

TEST_CASE("failover: leaving the secondary waits for every response in flight or its timeout") {
  auto cfg = failover_config();
  cfg.session.request_timeout = 5s;
  fixture f(cfg);
  fail_over(f);
  f.advance(30s);
  f.send(1, "x");
  f.send(1, "y");
  auto w = f.written();
  REQUIRE(w.size() == 2);
  probe_binds(f);
  f.answer(w[0]);
  f.advance(4999ms);
  CHECK(f.written().empty());  // "y" still has time
  f.advance(1ms);              // its response timeout, then the unbind
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  f.check_exactly_one_response_each();
  CHECK(f.responses[1].at(0).status == SMSDRV_OK);
  CHECK(f.responses[2].at(0).status == SMSDRV_E_TIMEOUT);
}

TEST_CASE("failover: the secondary refuses our credentials too: the primary after the cap") {
  auto cfg = failover_config();
  cfg.reconnect_cap = 120s;
  fixture f(cfg);
  REQUIRE(f.core->connect_due(f.now));
  f.core->on_connect_failed("Connection refused", f.now);
  REQUIRE(f.core->connect_due(f.now));  // the secondary, at once
  f.core->on_connected(f.now);
  auto w = f.written();
  REQUIRE(w.size() == 1);
  f.smsc_sends(smpp::bind_transceiver_resp{}, w[0].sequence_number,
               smpp::command_status::esme_rinvpaswd);
  f.link_closes();
  auto ev = f.take_events();
  const channel_event* down = find_state(ev, "down");
  REQUIRE(down);
  CHECK(down->text.find("reconnecting to the primary SMSC 10.0.0.1:2775 in") != std::string::npos);
  CHECK(std::stoll(attr_of(*down, "retryInMs")) >= 90000);  // the cap, less the jitter
  CHECK_FALSE(f.core->connect_due(f.now + 89s));
  f.now = f.core->next_deadline();
  auto primary = f.core->connect_due(f.now);
  REQUIRE(primary);
  CHECK(primary->host == "10.0.0.1");
}

TEST_CASE("failover: the secondary's link drops while leaving it: the primary at once") {
  fixture f(failover_config());
  fail_over(f);
  f.advance(30s);
  f.send(1, "x");
  auto w = f.written();
  REQUIRE(w.size() == 1);
  probe_binds(f);
  REQUIRE(count_state(f.take_events(), "returning") == 1);
  f.link_closes();  // before "x" is answered
  auto ev = f.take_events();
  CHECK(count_state(ev, "down") == 0);
  CHECK(count_state(ev, "failover") == 0);
  auto primary = f.core->connect_due(f.now);  // no back-off
  REQUIRE(primary);
  CHECK(primary->host == "10.0.0.1");
  f.core->on_connected(f.now);
  f.bind();
  CHECK(attr_of(*find_state(f.take_events(), "bound"), "smscRole") == "primary");
  f.check_exactly_one_response_each();
}

TEST_CASE("failover: a host that never takes what the secondary delivered: left at the limit") {
  auto cfg = failover_config();
  cfg.session.request_timeout = 5s;
  fixture f(cfg);
  fail_over(f);
  f.advance(30s);
  smpp::deliver_sm d;
  d.source_addr = "4915550002";
  d.short_message = "from the secondary";
  f.smsc_sends(d, 5);
  f.take_events();  // the host keeps the INBOUND event and never answers it
  probe_binds(f);
  f.advance(4999ms);
  CHECK(f.written().empty());
  f.advance(1ms);  // the drain limit (x-smpp-response-max-waiting-time)
  auto u = f.written();
  REQUIRE(u.size() == 1);
  CHECK(u[0].id() == smpp::command_id::unbind);
  CHECK(
      f.log.contains("leaving the secondary SMSC with 0 submission(s) unanswered or inbound "
                     "message(s) unacknowledged after 5.0 s"));
  f.smsc_sends(smpp::unbind_resp{}, u[0].sequence_number);
  f.link_closes();
  auto primary = f.core->connect_due(f.now);
  REQUIRE(primary);
  CHECK(primary->host == "10.0.0.1");
}

TEST_CASE("without a failover SMSC there is no probe and no role attribute") {
  fixture f;
  f.connect_and_bind();
  auto ev = f.take_events();
  CHECK(attr_of(ev.at(0), "smscRole") == "<absent>");
  CHECK_FALSE(f.core->probe_due(f.now + 24h));
  f.take_events();
  f.link_closes();
  const auto lost = f.take_events();
  const channel_event* down = find_state(lost, "down");
  REQUIRE(down);
  CHECK(attr_of(*down, "secondaryPending") == "<absent>");
}

// ---- rate ----------------------------------------------------------------------------------

TEST_CASE("rate: the burst after idle is clamp(rate/20, 1, window), no second above the rate") {
  struct params {
    std::uint32_t rate;
    std::uint32_t window;
    std::size_t burst;
  };
  for (const params p : {params{10, 10, 1}, params{100, 10, 5}, params{1000, 10, 10},
                         params{1000, 100, 50}, params{100000, 7, 7}}) {
    CAPTURE(p.rate, p.window);
    auto cfg = fixture::make_config();
    cfg.max_rate = p.rate;
    cfg.window = p.window;
    fixture f(cfg);
    f.connect_and_bind();
    const int requests = std::min(2 * static_cast<int>(p.rate) + 20, 100);
    for (int i = 0; i < requests; ++i)
      f.send();
    const time_point t0 = f.now;
    std::vector<time_point> sent;
    auto first = f.written();
    CHECK(first.size() == p.burst);
    if (p.rate > 1000) continue;  // the burst is the point; two seconds would be 200,000 PDUs
    for (int i = requests; i < 2 * static_cast<int>(p.rate) + 20; ++i)
      f.send();
    sent.insert(sent.end(), first.size(), f.now);
    f.answer_all(first);
    // The SMSC answers at once; the clock jumps to each deadline the core asks for.
    while (f.now < t0 + 2s) {
      REQUIRE(f.core->next_deadline() > f.now);
      f.advance_to_deadline();
      auto w = f.written();
      CHECK(w.size() <= p.window);
      sent.insert(sent.end(), w.size(), f.now);
      f.answer_all(w);
    }
    std::size_t busiest = 0;
    for (std::size_t i = 0, first_in = 0; i < sent.size(); ++i) {
      while (sent[first_in] <= sent[i] - 1s)
        ++first_in;
      busiest = std::max(busiest, i - first_in + 1);
    }
    CHECK(busiest <= p.rate);
    const auto in_two_seconds =
        std::count_if(sent.begin(), sent.end(), [&](time_point t) { return t < t0 + 2s; });
    CHECK(static_cast<double>(in_two_seconds) >= 2.0 * p.rate * 0.995 - 1);
  }
}

// ---- inbound messages delivered again ------------------------------------------------------

namespace {

smpp::deliver_sm mo(std::string_view text) {
  smpp::deliver_sm d;
  d.source_addr = "4915550002";
  d.destination_addr = "12345";
  d.short_message = text;
  return d;
}

channel_event one_inbound(fixture& f) {
  auto ev = f.take_events();
  std::vector<channel_event> in;
  for (auto& e : ev)
    if (e.type == SMSDRV_EVENT_INBOUND) in.push_back(e);
  REQUIRE(in.size() == 1);
  return in[0];
}

}  // namespace

TEST_CASE("redelivery while the first copy waits for the host: marked duplicate") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.smsc_sends(mo("hello"), 10);
  auto first = one_inbound(f);
  CHECK(first.text.empty());
  f.now += 10s;
  f.smsc_sends(mo("hello"), 11);  // the SMSC's redelivery timer, same connection
  auto second = one_inbound(f);
  CHECK(second.text ==
        "duplicate: the SMSC delivered this message again while the copy received at "
        "2019-01-28T02:39:56.035Z still waited for the host's acknowledgement");
  CHECK(second.ack_id != first.ack_id);
  CHECK(f.core->ack(first.ack_id, SMSDRV_OK));
  CHECK(f.core->ack(second.ack_id, SMSDRV_OK));
}

TEST_CASE("redelivery after the link closed before the host's ack could be sent: duplicate") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.smsc_sends(mo("hello"), 10);
  auto first = one_inbound(f);
  f.link_closes();
  CHECK(f.core->pending_acks() == 1);           // the host still holds it
  CHECK(f.core->ack(first.ack_id, SMSDRV_OK));  // the host took it; no answer possible
  CHECK(f.core->pending_acks() == 0);
  f.now = f.core->next_deadline();
  f.connect_and_bind();
  f.take_events();
  f.smsc_sends(mo("hello"), 1);
  auto second = one_inbound(f);
  CHECK(second.text.find("duplicate: redelivery of the message received at "
                         "2019-01-28T02:39:56.035Z; the host had it, but the connection closed "
                         "before its deliver_sm_resp could be sent") == 0);
}

TEST_CASE("an ack written shortly before the link broke may be lost: possible duplicate") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  f.smsc_sends(mo("hello"), 10);
  auto first = one_inbound(f);
  CHECK(f.core->ack(first.ack_id, SMSDRV_OK));
  REQUIRE(f.written().size() == 1);
  f.now += 2s;
  f.link_closes("the SMSC closed the connection");
  f.now = f.core->next_deadline();
  f.connect_and_bind();
  f.take_events();
  f.smsc_sends(mo("hello"), 1);
  auto second = one_inbound(f);
  CHECK(second.text.find("possible duplicate: same message as the one received at "
                         "2019-01-28T02:39:56.035Z; its deliver_sm_resp was written 2.0 s "
                         "before the connection broke") == 0);
}

TEST_CASE("the same text again after a clean acknowledgement is a new message: no note") {
  fixture f;
  f.connect_and_bind();
  f.take_events();
  SECTION("same connection") {
    f.smsc_sends(mo("ok"), 10);
    auto first = one_inbound(f);
    CHECK(f.core->ack(first.ack_id, SMSDRV_OK));
    f.now += 1min;
    f.smsc_sends(mo("ok"), 11);
    CHECK(one_inbound(f).text.empty());
  }
  SECTION("after an orderly unbind") {
    f.smsc_sends(mo("ok"), 10);
    auto first = one_inbound(f);
    CHECK(f.core->ack(first.ack_id, SMSDRV_OK));
    f.smsc_sends(smpp::unbind{}, 77);
    f.link_closes();
    f.now = f.core->next_deadline();
    f.connect_and_bind();
    f.take_events();
    f.smsc_sends(mo("ok"), 1);
    CHECK(one_inbound(f).text.empty());
  }
  SECTION("the host refused the first copy") {
    f.smsc_sends(mo("ok"), 10);
    auto first = one_inbound(f);
    CHECK(f.core->ack(first.ack_id, SMSDRV_E_INTERNAL));
    f.smsc_sends(mo("ok"), 11);
    CHECK(one_inbound(f).text.empty());
  }
  SECTION("a different message") {
    f.smsc_sends(mo("ok"), 10);
    one_inbound(f);
    f.smsc_sends(mo("ok!"), 11);
    CHECK(one_inbound(f).text.empty());
  }
}
