// channel_core narratives at the edges of a link, with fake time: the SMSC unbinding with
// responses behind its unbind, a shutdown that meets a connection attempt or a bind still in
// progress (nothing to warn about: the operator asked for it).
#include <algorithm>

#include "channel_core_fixture.hpp"

using namespace smsdrv;
using namespace smsdrv::channel;
using namespace smsdrv::channel::test;

namespace {

std::string wire_of_unbind_and_answers(const std::vector<smpp::pdu>& submits) {
  std::string wire;
  REQUIRE(smpp::encode(smpp::unbind{}, 7000, wire).ok());
  for (const smpp::pdu& p : submits) {
    smpp::submit_sm_resp r;
    const std::string id = fmt::format("m{}", p.sequence_number);
    r.message_id = id;
    REQUIRE(smpp::encode(r, p.sequence_number, wire).ok());
  }
  return wire;
}

}  // namespace

TEST_CASE("the SMSC unbinds with the responses behind it: every one counts, then close") {
  auto config = fixture::make_config();
  SECTION("x-smpp-in-flight-on-disconnect = fail") {}
  SECTION("x-smpp-in-flight-on-disconnect = resubmit") {
    config.in_flight_on_disconnect = in_flight_policy::resubmit;
  }
  fixture f(config);
  f.connect_and_bind();
  for (int i = 0; i < 5; ++i)
    f.send();
  const auto submits = f.written();
  REQUIRE(submits.size() == 5);
  f.take_events();
  f.core->on_bytes(wire_of_unbind_and_answers(submits), f.now, f.wall);
  auto ev = f.take_events();
  f.check_exactly_one_response_each();
  for (const auto& [id, r] : f.responses)
    CHECK(r.at(0).status == SMSDRV_OK);
  // The unbind_resp is in the output, and the shell is asked to close (after writing it).
  const auto w = f.written();
  REQUIRE(w.size() == 1);
  CHECK(w[0].id() == smpp::command_id::unbind_resp);
  CHECK(w[0].sequence_number == 7000);
  CHECK(f.core->take_close_request() == "the SMSC unbound");
  f.core->on_closed("the SMSC unbound", f.now);
  CHECK(f.core->resubmissions() == 0);
  CHECK(f.core->open_requests() == 0);
}

TEST_CASE("shutdown while connecting: the attempt is given up without a warning") {
  fixture f;
  REQUIRE(f.core->connect_due(f.now));
  f.core->shutdown(f.now, f.now + 5s);
  f.core->on_connect_failed("attempt abandoned: the driver is shutting down", f.now);
  CHECK(f.core->finished());
  CHECK(f.log.warnings.empty());
}

TEST_CASE("shutdown while binding: the unbind follows the bind_resp; nothing to warn about") {
  fixture f;
  REQUIRE(f.core->connect_due(f.now));
  f.core->on_connected(f.now);
  const auto bind = f.written();
  REQUIRE(bind.size() == 1);
  f.core->shutdown(f.now, f.now + 5s);
  f.advance(0ms);
  CHECK(f.written().empty());              // no unbind before the bind is answered
  CHECK(f.core->next_deadline() > f.now);  // and no busy loop waiting for it
  f.smsc_sends(smpp::bind_transceiver_resp{}, bind[0].sequence_number);
  const auto unbind = f.written();
  REQUIRE(unbind.size() == 1);
  CHECK(unbind[0].id() == smpp::command_id::unbind);
  f.smsc_sends(smpp::unbind_resp{}, unbind[0].sequence_number);
  f.link_closes();
  CHECK(f.core->finished());
  CHECK(f.log.warnings.empty());
}

TEST_CASE("ESME_ROK without a usable message id: a success, marked, said once per connection") {
  fixture f;
  f.connect_and_bind();
  f.send();
  f.send(3);
  auto w = f.written();
  REQUIRE(w.size() == 4);
  f.smsc_sends(smpp::submit_sm_resp{}, w[0].sequence_number);  // empty message_id
  f.answer(w[1]);
  f.smsc_sends(smpp::submit_sm_resp{}, w[2].sequence_number);
  f.answer(w[3]);
  f.take_events();
  f.check_exactly_one_response_each();
  const channel_event& single = f.responses.at(1).at(0);
  CHECK(single.status == SMSDRV_OK);
  CHECK(attr_of(single, "_smsMessageId").empty());
  CHECK(attr_of(single, "_smsMessageIdMissing") == "1");
  const channel_event& parts = f.responses.at(2).at(0);
  CHECK(parts.status == SMSDRV_OK);
  CHECK(attr_of(parts, "_smsMessageIdMissing") == "2");
  CHECK(attr_of(parts, "_smsMessageIds") ==
        fmt::format("m{},,m{}", w[1].sequence_number, w[3].sequence_number));
  REQUIRE(f.log.warnings.size() == 1);
  CHECK(f.log.warnings[0].find("without a usable message_id") != std::string::npos);
  // A message id: no mark.
  f.send();
  f.answer(f.written().at(0));
  f.take_events();
  CHECK(attr_of(f.responses.at(3).at(0), "_smsMessageIdMissing") == "<absent>");
  // The next connection says it again, once.
  f.link_closes();
  f.advance_to_deadline();
  f.take_events();
  REQUIRE(f.core->connect_due(f.now));
  f.core->on_connected(f.now);
  f.bind();
  f.send();
  f.send();
  for (const smpp::pdu& p : f.written())
    f.smsc_sends(smpp::submit_sm_resp{}, p.sequence_number);
  CHECK(std::count_if(f.log.warnings.begin(), f.log.warnings.end(), [](const std::string& l) {
          return l.find("without a usable message_id") != std::string::npos;
        }) == 2);
}
