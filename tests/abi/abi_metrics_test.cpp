// ABI 1.1: metrics() of the real module, dlopen()ed, against the loopback SMSC; and the
// struct_size rules for the new structs.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "mini_smsc.hpp"
#include "smsdrv/smsdrv.hpp"

using namespace std::chrono_literals;

namespace {

smsdrv_host quiet_host() {
  smsdrv_host h{};
  h.struct_size = sizeof h;
  h.application_name = "abi_metrics_test";
  return h;
}

// Polls until pred holds for an event, or 10 s.
template <class Pred>
bool wait_for(smsdrv::driver& d, Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    smsdrv::event ev;
    while (d.poll(ev))
      if (pred(ev)) return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

double value_of(const std::vector<smsdrv::metric_sample>& all, std::string_view name,
                std::string_view label_value = "") {
  for (const auto& s : all)
    if (s.name == name && s.label_value == label_value) return s.value;
  return -1;
}

}  // namespace

TEST_CASE("the table says ABI 1.1 or later and has metrics") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  CHECK(SMSDRV_ABI_VERSION_MINOR_OF(mod.api().abi_version) >= 1);
  CHECK(mod.api().struct_size >= SMSDRV_DRIVER_API_SIZE_1_0 + sizeof(void*));
  CHECK(SMSDRV_API_HAS(&mod.api(), metrics));
  // The 1.0 prefix is where a 1.0 host expects it.
  CHECK(offsetof(smsdrv_driver_api, metrics) == SMSDRV_DRIVER_API_SIZE_1_0);
}

TEST_CASE("metrics: exact counts of what crossed the socket, one family per metric") {
  smsdrv::test::mini_smsc smsc;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  smsdrv::driver drv(mod, quiet_host());
  drv.configure("channel-m", {{"x-smpp-host", "127.0.0.1"},
                              {"x-smpp-port", std::to_string(smsc.port())},
                              {"x-smpp-system-id", "abi"},
                              {"password", "secret"},
                              {"x-smpp-submit-max-rate", "10000"},
                              {"x-smpp-queue-size", "500"}});
  REQUIRE(wait_for(drv, [](const smsdrv::event& e) {
    return e.type() == SMSDRV_EVENT_CHANNEL_STATE && e.attribute("state") == "bound";
  }));
  constexpr int n = 25;
  std::set<std::uint64_t> open;
  for (int i = 0; i < n; ++i) {
    auto r = drv.send("channel-m", "SendSMS",
                      {{"_smsDestNumber", "49155500" + std::to_string(10 + i)}, {"_smsText", "x"}});
    REQUIRE(r);
    open.insert(r.request_id);
  }
  REQUIRE(wait_for(drv, [&](const smsdrv::event& e) {
    if (e.type() == SMSDRV_EVENT_RESPONSE) open.erase(e.raw.request_id);
    return open.empty();
  }));
  smsdrv::smpp::deliver_sm mo;
  mo.source_addr = "4915550002";
  mo.short_message = "inbound";
  smsc.send_deliver_sm(mo, 5);
  REQUIRE(wait_for(drv, [&](const smsdrv::event& e) {
    if (e.type() != SMSDRV_EVENT_INBOUND) return false;
    drv.ack(e.raw.event_id);
    return true;
  }));

  const auto samples = drv.metrics();
  REQUIRE(samples);
  const auto& all = *samples;
  CHECK(value_of(all, "smsdrv_requests_accepted_total") == n);
  CHECK(value_of(all, "smsdrv_requests_succeeded_total") == n);
  CHECK(value_of(all, "smsdrv_requests_moved_total") == 0);  // no x-failover-channel
  CHECK(value_of(all, "smsdrv_submit_sm_sent_total") == n);
  CHECK(value_of(all, "smsdrv_submit_sm_acknowledged_total") == n);
  CHECK(value_of(all, "smsdrv_submit_sm_in_flight") == 0);
  CHECK(value_of(all, "smsdrv_queue_depth") == 0);
  CHECK(value_of(all, "smsdrv_queue_capacity") == 500);
  CHECK(value_of(all, "smsdrv_inbound_total") == 1);
  CHECK(value_of(all, "smsdrv_inbound_deferred_total") == 0);
  CHECK(value_of(all, "smsdrv_binds_total") == 1);
  CHECK(value_of(all, "smsdrv_link_up") == 1);
  CHECK(value_of(all, "smsdrv_response_latency_seconds_count") == n);
  CHECK(value_of(all, "smsdrv_response_latency_seconds_bucket", "+Inf") == n);

  // Every sample is complete; each family's samples are adjacent; buckets are cumulative.
  std::set<std::string> closed_families;
  std::string current;
  double previous_bucket = 0;
  for (const auto& s : all) {
    CAPTURE(s.name);
    CHECK(s.channel == "channel-m");
    CHECK_FALSE(s.help.empty());
    CHECK(s.name.rfind(s.family, 0) == 0);
    if (s.family != current) {
      CHECK(closed_families.insert(current).second);
      current = s.family;
      previous_bucket = 0;
    }
    CHECK_FALSE(closed_families.count(s.family));
    if (s.kind == SMSDRV_METRIC_HISTOGRAM && s.label_name == "le") {
      CHECK(s.value >= previous_bucket);
      previous_bucket = s.value;
    }
  }
  // What metrics() hands out stays until the next call: the raw pointers too.
  smsdrv_metrics raw{};
  raw.struct_size = sizeof raw;
  REQUIRE(mod.api().metrics(drv.handle(), &raw) == SMSDRV_OK);
  CHECK(raw.count == all.size());
  CHECK(raw.samples[raw.count] == nullptr);
  CHECK(raw.samples[0]->struct_size == sizeof(smsdrv_metric));
}

TEST_CASE("metrics: a host struct smaller than ABI 1.1's is refused, a larger one is fine") {
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  smsdrv::driver drv(mod, quiet_host());
  smsdrv_metrics small{};
  small.struct_size = offsetof(smsdrv_metrics, samples);
  CHECK(mod.api().metrics(drv.handle(), &small) == SMSDRV_E_ABI_MISMATCH);
  CHECK(std::string(mod.api().last_error(drv.handle())).find("struct_size") != std::string::npos);
  CHECK(mod.api().metrics(drv.handle(), nullptr) == SMSDRV_E_INVALID_ARGUMENT);

  // A newer host's struct with a field appended: the driver fills the prefix it knows and
  // zeros what it does not know, within the host's struct_size.
  struct newer_metrics {
    smsdrv_metrics known;
    std::uint64_t appended_later;
  } big{};
  big.known.struct_size = sizeof big;
  big.appended_later = 42;
  CHECK(mod.api().metrics(drv.handle(), &big.known) == SMSDRV_OK);
  CHECK(big.known.count == 0);  // no channel configured
  REQUIRE(big.known.samples != nullptr);
  CHECK(big.known.samples[0] == nullptr);
  CHECK(big.appended_later == 0);
  CHECK(big.known.struct_size == sizeof big);
}

TEST_CASE("metrics: may be taken while another thread sends and polls") {
  smsdrv::test::mini_smsc smsc;
  smsdrv::module mod(SMSDRV_MODULE_PATH);
  smsdrv::driver drv(mod, quiet_host());
  drv.configure("channel-c", {{"x-smpp-host", "127.0.0.1"},
                              {"x-smpp-port", std::to_string(smsc.port())},
                              {"x-smpp-system-id", "abi"},
                              {"x-smpp-submit-max-rate", "100000"}});
  std::atomic<bool> done{false};
  std::atomic<int> snapshots{0}, missing{0};
  // Catch's assertions are for the test's own thread: this one only counts.
  std::thread reader([&] {
    while (!done) {
      (drv.metrics() ? snapshots : missing).fetch_add(1);
    }
  });
  int answered = 0;
  for (int i = 0; i < 200; ++i) {
    auto r = drv.send("channel-c", "SendSMS", {{"_smsDestNumber", "4915550001"}});
    if (r) ++answered;
  }
  CHECK(wait_for(drv, [&](const smsdrv::event& e) {
    return e.type() == SMSDRV_EVENT_RESPONSE && --answered == 0;
  }));
  done = true;
  reader.join();
  CHECK(snapshots.load() > 0);
  CHECK(missing.load() == 0);
  CHECK(value_of(*drv.metrics(), "smsdrv_requests_accepted_total") == 200);
}
