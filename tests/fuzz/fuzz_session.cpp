// The session driven by arbitrary bytes from the "SMSC": whatever arrives, the session answers
// or drops the link, never crashes, and every request gets exactly one outcome.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "smpp/session.hpp"

namespace {
struct counting_handler final : smsdrv::smpp::session_handler {
  int outcomes = 0;
  smsdrv::smpp::session* s = nullptr;
  void on_bound(std::string_view) override {}
  void on_bind_failed(std::uint32_t) override {}
  void on_response(std::uint64_t, const smsdrv::smpp::pdu&) override { ++outcomes; }
  void on_response_timeout(std::uint64_t) override { ++outcomes; }
  void on_request_lost(std::uint64_t) override { ++outcomes; }
  void on_deliver_sm(std::uint32_t seq, const smsdrv::smpp::deliver_sm&) override {
    s->respond_deliver_sm(s->connection_id(), seq, 0);
  }
  void on_data_sm(std::uint32_t, const smsdrv::smpp::data_sm&) override {}
  void on_alert_notification(const smsdrv::smpp::alert_notification&) override {}
  void on_unbound(bool) override {}
  void on_link_failed(std::string_view) override {}
  void on_log(smsdrv::log_level, std::string_view) override {}
  void on_trace(bool, const smsdrv::smpp::pdu& p) override {
    static_cast<void>(smsdrv::smpp::describe(p));
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smsdrv::smpp;
  counting_handler h;
  session_config cfg;
  cfg.system_id = "fuzz";
  session s(cfg);
  h.s = &s;
  s.set_tracing(true);
  time_point now{};
  s.on_connected(now);
  s.drain(h);
  // A bind_transceiver_resp for seq 1 so later bytes reach the bound state.
  static const char bind_ok[] = "\x00\x00\x00\x11\x80\x00\x00\x09\x00\x00\x00\x00\x00\x00\x00\x01";
  s.on_bytes(std::string_view(bind_ok, 17), now);
  s.drain(h);
  int sent = 0;
  if (s.can_submit()) {
    submit_sm sm;
    sm.destination_addr = "1";
    for (int i = 0; i < 3; ++i)
      if (s.send_request(sm, static_cast<std::uint64_t>(i), now).ok()) ++sent;
    s.drain(h);
  }
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (!in.empty()) {
    const std::size_t n =
        std::min<std::size_t>(in.size(), 1 + static_cast<unsigned char>(in[0]) % 64);
    s.on_bytes(in.substr(0, n), now);
    s.drain(h);
    in.remove_prefix(n);
    now += std::chrono::seconds(7);
    s.on_tick(now);
    s.drain(h);
    s.output().clear();
  }
  s.on_closed(now);
  s.drain(h);
  if (h.outcomes != sent) std::abort();
  return 0;
}
