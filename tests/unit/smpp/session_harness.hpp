// The SMSC side of a session narrative: a recorder of everything the session reports and a
// harness that feeds encoded PDUs in with fake time and decodes what the session writes out.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "smpp/session.hpp"

namespace smsdrv::test {

using namespace smsdrv::smpp;
using namespace std::chrono_literals;

struct recorder final : session_handler {
  std::vector<std::string> events;
  std::vector<std::string> logs;
  std::vector<std::uint32_t> delivered_seqs;
  std::string last_message_id;
  std::uint32_t last_response_status = 0;

  void on_bound(std::string_view smsc) override { events.push_back("bound " + std::string(smsc)); }
  void on_bind_failed(std::uint32_t st) override {
    events.push_back("bind_failed " + std::to_string(st));
  }
  void on_response(std::uint64_t tag, const pdu& r) override {
    last_response_status = r.command_status;
    if (auto* s = std::get_if<submit_sm_resp>(&r.body))
      last_message_id = std::string(s->message_id);
    events.push_back("response " + std::to_string(tag) + " " + std::string(command_name(r.id())) +
                     " " + std::to_string(r.command_status));
  }
  void on_response_timeout(std::uint64_t tag) override {
    events.push_back("timeout " + std::to_string(tag));
  }
  void on_request_lost(std::uint64_t tag) override {
    events.push_back("lost " + std::to_string(tag));
  }
  void on_deliver_sm(std::uint32_t seq, const deliver_sm& m) override {
    delivered_seqs.push_back(seq);
    events.push_back("deliver_sm " + std::string(m.source_addr) + " " +
                     std::string(m.short_message));
  }
  void on_data_sm(std::uint32_t seq, const data_sm& m) override {
    delivered_seqs.push_back(seq);
    events.push_back("data_sm " + std::string(m.source_addr));
  }
  void on_alert_notification(const alert_notification& a) override {
    events.push_back("alert " + std::string(a.source_addr));
  }
  void on_unbound(bool by_peer) override {
    events.push_back(by_peer ? "unbound by peer" : "unbound");
  }
  void on_link_failed(std::string_view reason) override {
    events.push_back("link_failed " + std::string(reason));
  }
  void on_log(smsdrv::log_level, std::string_view m) override { logs.emplace_back(m); }
  void on_trace(bool, const pdu&) override {}
};

// The session under test, driven as an owner drives it: every call that may queue events is
// followed by draining them into the recorder.
class drained_session {
  template <class F>
  decltype(auto) drained(F&& call) {
    if constexpr (std::is_void_v<decltype(call())>) {
      call();
      s_.drain(rec_);
    } else {
      auto result = call();
      s_.drain(rec_);
      return result;
    }
  }

 public:
  drained_session(session_config cfg, recorder& rec) : s_(std::move(cfg)), rec_(rec) {}

  void on_connected(time_point now) {
    drained([&] { s_.on_connected(now); });
  }
  void on_bytes(std::string_view data, time_point now) {
    drained([&] { s_.on_bytes(data, now); });
  }
  void on_tick(time_point now) {
    drained([&] { s_.on_tick(now); });
  }
  void on_closed(time_point now) {
    drained([&] { s_.on_closed(now); });
  }
  void unbind(time_point now) {
    drained([&] { s_.unbind(now); });
  }
  template <class Body>
  codec_status send_request(const Body& body, std::uint64_t tag, time_point now,
                            std::uint32_t* sequence_number = nullptr) {
    return drained([&] { return s_.send_request(body, tag, now, sequence_number); });
  }
  codec_status send_encoded_request(std::string_view frame, std::uint64_t tag, time_point now,
                                    std::uint32_t* sequence_number = nullptr) {
    return drained([&] { return s_.send_encoded_request(frame, tag, now, sequence_number); });
  }
  bool respond_deliver_sm(std::uint64_t connection, std::uint32_t seq, std::uint32_t status) {
    return drained([&] { return s_.respond_deliver_sm(connection, seq, status); });
  }
  bool respond_data_sm(std::uint64_t connection, std::uint32_t seq, std::uint32_t status,
                       std::string_view message_id = {}) {
    return drained([&] { return s_.respond_data_sm(connection, seq, status, message_id); });
  }

  session_state state() const noexcept { return s_.state(); }
  bool bound() const noexcept { return s_.bound(); }
  bool can_submit() const noexcept { return s_.can_submit(); }
  std::uint64_t connection_id() const noexcept { return s_.connection_id(); }
  std::size_t outstanding() const noexcept { return s_.outstanding(); }
  time_point next_deadline() const noexcept { return s_.next_deadline(); }
  std::string& output() noexcept { return s_.output(); }
  void set_tracing(bool on) noexcept { s_.set_tracing(on); }
  session& inner() noexcept { return s_; }

 private:
  session s_;
  recorder& rec_;
};

// The SMSC side of the conversation.
struct harness {
  recorder rec;
  drained_session s;
  time_point now{std::chrono::hours(1000)};
  std::vector<std::string> frames_storage;

  explicit harness(session_config cfg = make_config()) : s(std::move(cfg), rec) {}

  static session_config make_config() {
    session_config c;
    c.system_id = "esme1";
    c.password = "secret";
    c.mode = bind_mode::transceiver;
    return c;
  }

  // PDUs the session wrote since the last call, decoded (their views stay valid).
  std::vector<pdu> written() {
    frames_storage.push_back(std::exchange(s.output(), {}));
    const std::string& bytes = frames_storage.back();
    std::vector<pdu> out;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      frame_check fc = check_frame(std::string_view(bytes).substr(pos));
      REQUIRE(fc.state == frame_state::ready);
      pdu p;
      REQUIRE(decode(std::string_view(bytes).substr(pos, fc.length), p).ok());
      out.push_back(std::move(p));
      pos += fc.length;
    }
    return out;
  }

  template <class Body>
  void smsc_sends(const Body& body, std::uint32_t seq, std::uint32_t status = 0) {
    std::string wire;
    REQUIRE(encode(body, seq, wire, status).ok());
    s.on_bytes(wire, now);
  }

  void advance(std::chrono::milliseconds d) {
    now += d;
    s.on_tick(now);
  }

  // connect + bind_resp OK; returns after discarding the bind PDU.
  void bind() {
    s.on_connected(now);
    auto w = written();
    REQUIRE(w.size() == 1);
    bind_transceiver_resp r;
    r.system_id = "SMSC";
    smsc_sends(r, w[0].sequence_number);
    REQUIRE(s.bound());
  }

  std::uint32_t submit(std::uint64_t tag, std::string_view text = "hi") {
    submit_sm sm;
    sm.destination_addr = "4915550001";
    sm.short_message = text;
    std::uint32_t seq = 0;
    REQUIRE(s.send_request(sm, tag, now, &seq).ok());
    return seq;
  }
};

}  // namespace smsdrv::test
