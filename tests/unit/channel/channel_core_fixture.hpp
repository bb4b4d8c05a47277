// A channel_core with fake time, the test playing the SMSC (and the primary SMSC's side of a
// failover probe). Used by the narratives of channel_core_resilience_test.cpp.
#pragma once

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "channel/channel_core.hpp"
#include "smpp/codec.hpp"
#include "smpp/command_status.hpp"

namespace smsdrv::channel::test {

using namespace std::chrono_literals;
namespace cs = smpp::command_status;

struct collecting_log final : log_sink {
  std::vector<std::string> lines;
  std::vector<log_level> levels;      // of each line
  std::vector<std::string> warnings;  // the lines at level warn or error
  bool enabled(log_level) const noexcept override { return true; }
  void write(log_level level, std::string_view, std::string_view m) override {
    lines.emplace_back(m);
    levels.push_back(level);
    if (level == log_level::warn || level == log_level::error) warnings.emplace_back(m);
  }
  bool contains(std::string_view needle) const {
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
  // Lines at `level` containing `needle`.
  std::size_t count(log_level level, std::string_view needle = {}) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < lines.size(); ++i)
      n += levels[i] == level && lines[i].find(needle) != std::string::npos;
    return n;
  }
  void clear() {
    lines.clear();
    levels.clear();
    warnings.clear();
  }
};

inline std::string attr_of(const channel_event& e, std::string_view key) {
  for (const auto& [k, v] : e.attrs)
    if (k == key) return v;
  return "<absent>";
}

// Every PDU in a byte string (the channel's or the probe's output).
inline std::vector<smpp::pdu> decode_all(const std::string& bytes) {
  std::vector<smpp::pdu> out;
  for (std::size_t pos = 0; pos < bytes.size();) {
    auto fc = smpp::check_frame(std::string_view(bytes).substr(pos));
    REQUIRE(fc.state == smpp::frame_state::ready);
    smpp::pdu p;
    REQUIRE(smpp::decode(std::string_view(bytes).substr(pos, fc.length), p).ok());
    out.push_back(std::move(p));
    pos += fc.length;
  }
  return out;
}

inline flow::error_policy policy(std::string_view spec) {
  auto r = flow::error_policy::parse(spec);
  REQUIRE(std::holds_alternative<flow::error_policy>(r));
  return std::get<flow::error_policy>(r);
}

struct fixture {
  collecting_log log;
  time_point now{std::chrono::hours(500)};
  wall_time wall{std::chrono::seconds(1548643196) + 35ms};  // 2019-01-28T02:39:56.035Z
  std::unique_ptr<channel_core> core;
  std::vector<std::string> storage;  // keeps decoded views alive
  std::uint64_t next_id = 1;
  // Every RESPONSE event seen by take_events(), per request id: exactly one each.
  std::map<std::uint64_t, std::vector<channel_event>> responses;

  static channel_config make_config() {
    channel_config c;
    c.name = "channel-sms1";
    c.application_name = "DMS_900_smsmms";
    c.endpoints = {{"127.0.0.1", 2775}};
    c.session.system_id = "esme";
    c.session.password = "pw";
    c.session.enquire_link_interval = 0ms;  // the narratives here are about other things
    c.session.dead_peer_timeout = 0ms;
    c.window = 5;
    c.max_rate = 1000000;  // tests of the window must not wait for the rate limit
    c.seed = 7;
    return c;
  }

  explicit fixture(channel_config c = make_config()) {
    core = std::make_unique<channel_core>(std::move(c), log, now);
  }

  std::vector<smpp::pdu> written() {
    storage.push_back(std::exchange(core->output(), {}));
    return decode_all(storage.back());
  }

  std::vector<smpp::pdu> probe_written() {
    storage.push_back(std::exchange(core->probe().output(), {}));
    return decode_all(storage.back());
  }

  std::vector<channel_event> take_events() {
    auto ev = std::exchange(core->events(), {});
    for (const auto& e : ev)
      if (e.type == SMSDRV_EVENT_RESPONSE) responses[e.request_id].push_back(e);
    return ev;
  }

  // The CHANNEL_STATE events among `ev`, as their `state` attribute.
  static std::vector<std::string> states(const std::vector<channel_event>& ev) {
    std::vector<std::string> out;
    for (const auto& e : ev)
      if (e.type == SMSDRV_EVENT_CHANNEL_STATE) out.push_back(attr_of(e, "state"));
    return out;
  }

  template <class Body>
  void smsc_sends(const Body& b, std::uint32_t seq, std::uint32_t status = 0) {
    std::string wire;
    REQUIRE(smpp::encode(b, seq, wire, status).ok());
    core->on_bytes(wire, now, wall);
  }

  template <class Body>
  void primary_answers_probe(const Body& b, std::uint32_t seq, std::uint32_t status = 0) {
    std::string wire;
    REQUIRE(smpp::encode(b, seq, wire, status).ok());
    core->probe().on_bytes(wire, now);
  }

  void advance(std::chrono::milliseconds d) {
    now += d;
    core->on_tick(now, wall);
  }

  // Moves the clock to the core's next deadline (at most `limit` ahead) and ticks.
  void advance_to_deadline(std::chrono::milliseconds limit = 3600s) {
    now = std::min(core->next_deadline(), now + limit);
    core->on_tick(now, wall);
  }

  smpp::pdu bind(std::string_view system_id = "SMSC") {
    auto w = written();
    REQUIRE(w.size() == 1);
    smpp::bind_transceiver_resp r;
    r.system_id = system_id;
    smsc_sends(r, w[0].sequence_number);
    REQUIRE(core->bound());
    return w[0];
  }

  smpp::pdu connect_and_bind() {
    REQUIRE(core->connect_due(now));
    core->on_connected(now);
    return bind();
  }

  // The link closes the way the shell reports it after a close request or an EOF.
  void link_closes(std::string_view reason = "the SMSC closed the connection") {
    // The reason the core asked to close with, if any, outlives the call (a view of it is taken).
    const std::optional<std::string> requested = core->take_close_request();
    core->on_closed(requested ? std::string_view(*requested) : reason, now);
  }

  prepared_request request(int segments = 1, std::string text = "hello") {
    prepared_request r;
    r.request_id = next_id++;
    r.accepted = now;
    for (int i = 0; i < segments; ++i) {
      smpp::submit_sm sm;
      sm.destination_addr = "4915550001";
      const std::string body = text + std::to_string(i);
      sm.short_message = body;
      std::string frame;
      REQUIRE(smpp::encode(sm, 0, frame).ok());
      r.frames.push_back(frame);
    }
    return r;
  }

  std::uint64_t send(int segments = 1, std::string text = "hello") {
    auto r = request(segments, std::move(text));
    const std::uint64_t id = r.request_id;
    core->enqueue(std::move(r), now);
    return id;
  }

  static std::string text_of(const smpp::pdu& p) {
    return std::string(std::get<smpp::submit_sm>(p.body).short_message);
  }

  void answer(const smpp::pdu& submit, std::uint32_t status = 0) {
    smpp::submit_sm_resp r;
    const std::string id = status == 0 ? fmt::format("m{}", submit.sequence_number) : "";
    r.message_id = id;
    smsc_sends(r, submit.sequence_number, status);
  }

  void answer_all(const std::vector<smpp::pdu>& submits, std::uint32_t status = 0) {
    for (const auto& p : submits)
      answer(p, status);
  }

  // Every request id from 1 to next_id - 1 got exactly one RESPONSE.
  void check_exactly_one_response_each() {
    take_events();
    for (std::uint64_t id = 1; id < next_id; ++id) {
      CAPTURE(id);
      CHECK(responses[id].size() == 1);
    }
    CHECK(core->open_requests() == 0);
  }
};

}  // namespace smsdrv::channel::test
