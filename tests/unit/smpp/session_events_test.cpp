// The session as an event queue: calls only change state, write output and queue events; the
// owner takes them afterwards. Events own what they carry.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "smpp/session.hpp"
#include "smpp/session_rules.hpp"

using namespace smsdrv::smpp;
using namespace std::chrono_literals;

namespace {

template <class Body>
std::string wire(const Body& body, std::uint32_t seq, std::uint32_t status = 0) {
  std::string out;
  REQUIRE(encode(body, seq, out, status).ok());
  return out;
}

session_config config() {
  session_config c;
  c.system_id = "esme1";
  c.password = "secret";
  return c;
}

}  // namespace

TEST_CASE("the session queues events; nothing reaches the owner until it takes them") {
  session s(config());
  const time_point now{std::chrono::hours(1)};
  s.on_connected(now);
  CHECK_FALSE(s.has_events());
  bind_transceiver_resp r;
  r.system_id = "SMSC";
  {
    std::string bytes = wire(r, 1);
    deliver_sm d;
    d.source_addr = "4917600000001";
    d.short_message = "hello";
    bytes += wire(d, 7);
    s.on_bytes(bytes, now);
    bytes.assign(bytes.size(), 'x');  // the read buffer is reused by the owner
  }
  CHECK(s.bound());
  const session_event* e = s.next_event();
  REQUIRE(e != nullptr);
  CHECK(e->kind == session_event_kind::bound);
  CHECK(e->text == "SMSC");
  e = s.next_event();
  REQUIRE(e != nullptr);
  CHECK(e->kind == session_event_kind::inbound_deliver_sm);
  CHECK(e->sequence_number == 7);
  // The event views its own copy of the frame, not the owner's buffer.
  const auto& d = std::get<deliver_sm>(e->message.body);
  CHECK(d.source_addr == "4917600000001");
  CHECK(d.short_message == "hello");
  CHECK(s.next_event() == nullptr);
  CHECK_FALSE(s.has_events());
}

namespace {

// Records every event by name, and answers each deliver_sm from inside its reaction.
struct answering_owner final : session_handler {
  session* s = nullptr;
  std::vector<std::string> seen;
  void on_bound(std::string_view) override { seen.emplace_back("bound"); }
  void on_bind_failed(std::uint32_t) override { seen.emplace_back("bind_failed"); }
  void on_response(std::uint64_t, const pdu&) override { seen.emplace_back("response"); }
  void on_response_timeout(std::uint64_t) override { seen.emplace_back("timeout"); }
  void on_request_lost(std::uint64_t) override { seen.emplace_back("lost"); }
  void on_deliver_sm(std::uint32_t seq, const deliver_sm&) override {
    seen.push_back("deliver_sm " + std::to_string(seq));
    s->respond_deliver_sm(s->connection_id(), seq, 0);
    s->drain(*this);  // nested: returns at once, the outer drain goes on
    seen.push_back("answered " + std::to_string(seq));
  }
  void on_data_sm(std::uint32_t, const data_sm&) override {}
  void on_alert_notification(const alert_notification&) override {}
  void on_unbound(bool) override { seen.emplace_back("unbound"); }
  void on_link_failed(std::string_view) override { seen.emplace_back("link_failed"); }
  void on_log(smsdrv::log_level, std::string_view) override {}
  void on_trace(bool outgoing, const pdu& p) override {
    seen.push_back(std::string(outgoing ? "sent " : "received ") +
                   std::string(command_name(p.id())) + " " + std::to_string(p.sequence_number));
  }
};

}  // namespace

TEST_CASE("a reaction that calls the session finds that call's events behind the ones drained") {
  answering_owner owner;
  session s(config());
  owner.s = &s;
  s.set_tracing(true);
  const time_point now{std::chrono::hours(1)};
  s.on_connected(now);
  s.output().clear();
  bind_transceiver_resp r;
  deliver_sm d;
  d.short_message = "a";
  s.on_bytes(wire(r, 1) + wire(d, 5) + wire(d, 6), now);
  s.drain(owner);
  CHECK(owner.seen ==
        std::vector<std::string>{"sent bind_transceiver 1", "received bind_transceiver_resp 1",
                                 "bound", "received deliver_sm 5", "deliver_sm 5", "answered 5",
                                 "received deliver_sm 6", "deliver_sm 6", "answered 6",
                                 "sent deliver_sm_resp 5", "sent deliver_sm_resp 6"});
  CHECK_FALSE(s.has_events());
  CHECK(s.output() == wire(deliver_sm_resp{}, 5) + wire(deliver_sm_resp{}, 6));
}

TEST_CASE("request rules: one row per request an SMSC may send, by state") {
  STATIC_REQUIRE(action_for_request(session_state::bound, command_id::deliver_sm) ==
                 request_action::deliver);
  STATIC_REQUIRE(action_for_request(session_state::binding, command_id::deliver_sm) ==
                 request_action::refuse_bind_status);
  STATIC_REQUIRE(action_for_request(session_state::unbinding, command_id::data_sm) ==
                 request_action::refuse_bind_status);
  STATIC_REQUIRE(action_for_request(session_state::binding, command_id::enquire_link) ==
                 request_action::answer_enquire_link);
  STATIC_REQUIRE(action_for_request(session_state::bound, command_id::unbind) ==
                 request_action::unbind_by_peer);
  STATIC_REQUIRE(action_for_request(session_state::bound, command_id::submit_sm) ==
                 request_action::refuse_command);
  STATIC_REQUIRE(action_for_request(session_state::bound, command_id::bind_transceiver) ==
                 request_action::refuse_command);
  STATIC_REQUIRE(is_esme_request(command_id::submit_sm));
  STATIC_REQUIRE(is_esme_request(command_id::submit_multi));
  STATIC_REQUIRE_FALSE(is_esme_request(command_id::deliver_sm));
  STATIC_REQUIRE_FALSE(is_esme_request(command_id::bind_transmitter));
  for (const request_rule& rule : request_rules) {
    INFO(command_name(rule.id));
    CHECK_FALSE(is_response(rule.id));
  }
}
