// Inbound traffic against a host that stops taking events, over loopback: dms-stub with the
// module, smsc-sim pushing a burst of MO messages with a window far beyond the driver's share.
#include <fstream>
#include <set>
#include <thread>

#include "fault_fixture.hpp"
#include "http_get.hpp"

using namespace smsdrv::test;

namespace {

// Resident memory of a process, in KiB (0 when unknown).
long rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace

TEST_CASE(
    "a host that takes no events: the driver holds its share, the link stays up, "
    "nothing is lost",
    "[fault]") {
  constexpr int burst = 20000;
  constexpr int cap = 100;
  fault_world w;
  // The SMSC would push everything at once: its own window does not protect the driver.
  // --quiet: no line per PDU (tens of thousands here), the counters come from `stats`.
  auto& s = w.add_smsc({"--account", "e2e:e2e-pw", "--deliver-window", "100000", "--redeliver-ms",
                        "5000", "--quiet"});
  w.start(channel_cfg(s.port, {{"x-smpp-inbound-max-unacked", std::to_string(cap)},
                               {"x-smpp-enquire-link-timeout", "1"},
                               {"x-smpp-receive-timeout", "3"}}),
          {"--metrics-port", "0"});
  REQUIRE(w.wait_state("bound"));
  const std::uint16_t port = metrics_port(*w.dms);
  REQUIRE(port != 0);
  const long rss_before = rss_kb(w.dms->pid());

  w.host_stalled = true;
  s.command(R"({"cmd":"mo-burst","count":)" + std::to_string(burst) +
            R"(,"from":"4915550009","to":"12345","text":"m{n}"})");
  // Longer than the receive timeout: only an answered enquire_link keeps the link up.
  w.pump([] { return false; }, 4s);
  const double held = metric_sample(port, "smsdrv_inbound_unacked");
  const double deferred = metric_sample(port, "smsdrv_inbound_deferred_total");
  const long rss_stalled = rss_kb(w.dms->pid());
  CHECK(held == cap);   // the host's share, full, and no more
  CHECK(deferred > 0);  // more than the backlog holds came before an enquire_link_resp

  w.host_stalled = false;
  std::set<std::string> texts;
  std::size_t interactions = 0;
  std::size_t index = 0;
  const bool all = w.pump(
      [&] {
        for (; index < w.out.size(); ++index) {
          if (w.out[index].line.str("event") != "interaction") continue;
          ++interactions;
          texts.insert(w.out[index].line.str("attributes", "_smsText"));
        }
        return texts.size() == static_cast<std::size_t>(burst);
      },
      60s);
  CHECK(all);  // every message reached the host
  CHECK(texts.size() == static_cast<std::size_t>(burst));
  const auto down = w.wait_state("down", 0ms);
  CHECK_FALSE(down);
  if (down) FAIL_CHECK("link down: " << down->line.str("attributes", "reason"));
  // The host's acknowledgements of the last events may still be on their way to the SMSC when
  // their texts are in: ask again until they are counted (or 10 s passed).
  json_line stats;
  for (std::size_t asked = 1; asked <= 100; ++asked) {
    s.command(R"({"cmd":"stats"})");
    REQUIRE(w.pump([&] { return s.count("stats") >= asked; }));
    stats = s.all("stats").back().line;
    if (stats.num("deliver_sm_acked") >= burst) break;
    w.pump([] { return false; }, 100ms);
  }
  CHECK(stats.num("connections_total") == 1);  // the link stayed up throughout
  CHECK(stats.num("deliver_sm_acked") >= burst);
  REQUIRE(w.finish() == 0);
  figure(
      "host stalled 4 s under a burst of {} MO (SMSC window 100000), x-smpp-inbound-max-unacked "
      "{}: {} held, {} deliver_sm answered ESME_RX_T_APPN meanwhile, dms-stub RSS {} -> {} KiB; "
      "one connection throughout; then all {} delivered ({} interactions: {} repeats of "
      "messages the SMSC sent again; {} deliver_sm sent by the SMSC)",
      burst, cap, held, deferred, rss_before, rss_stalled, burst, interactions,
      interactions - texts.size(), stats.num("deliver_sm_sent"));
}
