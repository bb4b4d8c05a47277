// The session on the driver's hot path: a submit_sm sent and its submit_sm_resp read back, with
// the responses of a window of 100 arriving in one read and their events drained, as
// channel_core does. Buffers are reused across iterations, as the driver reuses them.
#include <benchmark/benchmark.h>

#include <string>

#include "bench_pdus.hpp"
#include "smpp/session.hpp"

namespace {

using namespace smsdrv;

struct counting_owner final : smpp::session_handler {
  std::size_t id_octets = 0;
  void on_bound(std::string_view) override {}
  void on_bind_failed(std::uint32_t) override {}
  void on_response(std::uint64_t, const smpp::pdu& p) override {
    id_octets += std::get<smpp::submit_sm_resp>(p.body).message_id.size();
  }
  void on_response_timeout(std::uint64_t) override {}
  void on_request_lost(std::uint64_t) override {}
  void on_deliver_sm(std::uint32_t, const smpp::deliver_sm&) override {}
  void on_data_sm(std::uint32_t, const smpp::data_sm&) override {}
  void on_alert_notification(const smpp::alert_notification&) override {}
  void on_unbound(bool) override {}
  void on_link_failed(std::string_view) override {}
  void on_log(log_level, std::string_view) override {}
  void on_trace(bool, const smpp::pdu&) override {}
};

void bm_session_submit_and_response(benchmark::State& state) {
  constexpr int window = 100;
  counting_owner owner;
  smpp::session_config config;
  config.system_id = "bench";
  smpp::session s(config);
  const smpp::time_point now{};
  s.on_connected(now);
  std::string in;
  smpp::encode(smpp::bind_transceiver_resp{}, 1, in);
  s.on_bytes(in, now);
  s.drain(owner);
  const smpp::submit_sm m = bench::typical_submit_sm();
  smpp::submit_sm_resp r;
  r.message_id = "5f2a81c4-0001-4a2b";
  for (auto _ : state) {
    in.clear();
    for (int i = 0; i < window; ++i) {
      std::uint32_t seq = 0;
      benchmark::DoNotOptimize(s.send_request(m, static_cast<std::uint64_t>(i), now, &seq));
      s.drain(owner);
      smpp::encode(r, seq, in);
    }
    s.output().clear();
    s.on_bytes(in, now);
    s.drain(owner);
  }
  benchmark::DoNotOptimize(owner.id_octets);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * window);
}
BENCHMARK(bm_session_submit_and_response);

}  // namespace
