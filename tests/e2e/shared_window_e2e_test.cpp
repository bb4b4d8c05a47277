// One SMSC account's window shared by two hosts through a real redis-server started by the test
// (x-shared-limits-window, docs/scaling.md): two dms-stub processes, each a channel of two binds
// with a window of 50 per bind, against smsc-sim answering every submission 20-60 ms late. The
// simulator never holds more submissions of the account unanswered than the account's window
// (its stats' submissions_outstanding_peak), every request gets exactly one response, and
// without the option the same load is well above it (so that the check can fail).
#include "account_fixture.hpp"
#include "redis_server.hpp"

using namespace smsdrv::test;

namespace {

constexpr int account_window = 8;

struct two_hosts {
  redis_server redis;
  smsc_process smsc;
  dms_host a;
  dms_host b;

  explicit two_hosts(const std::string& window_option)
      : smsc({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw",
              "--account-limit", "e2e:binds=4", "--delay-ms", "20-60"}),
        a(section(window_option)),
        b(section(window_option)) {
    REQUIRE(read([&] { return bound(a) && bound(b); }, 20s));
  }
  std::string section(const std::string& window_option) const {
    return account_section(smsc.port,
                           "x-smpp-sessions = 2\n"
                           "x-shared-limits-redis-url = redis://127.0.0.1:" +
                               std::to_string(redis.port()) +
                               "\n"
                               "x-shared-limits-rate = 100000\n"
                               "x-shared-limits-lease-size = 1000\n" +
                               window_option);
  }
  static bool bound(const dms_host& h) {
    return h.has([](const json_line& j) {
      return j.str("event") == "channel-state" && j.str("attributes", "sessionsBound") == "2";
    });
  }
  bool read(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return read_all_until(
        {{smsc.proc.get(), &smsc.events}, {a.proc.get(), &a.out}, {b.proc.get(), &b.out}}, done,
        timeout);
  }
  void check_one_ok_response_each(const dms_host& h, std::size_t n) const {
    const auto r = h.responses();
    CHECK(r.size() == n);
    for (const auto& [id, count] : r)
      CHECK(count == 1);
    CHECK(h.ok_responses() == n);
  }
  // The simulator's submissions_outstanding_peak, from a stats event asked for now.
  std::uint64_t outstanding_peak() {
    const std::size_t before = smsc.count("stats");
    smsc.proc->write_line(R"({"cmd":"stats"})");
    REQUIRE(read([&] { return smsc.count("stats") > before; }, 10s));
    std::uint64_t peak = 0;
    for (const auto& e : smsc.events)
      if (e.str("event") == "stats")
        peak = static_cast<std::uint64_t>(e.num("submissions_outstanding_peak"));
    return peak;
  }
};

}  // namespace

TEST_CASE("two hosts × two binds keep the account's window over every bind") {
  two_hosts t("x-shared-limits-window = " + std::to_string(account_window) + "\n");
  constexpr std::size_t n = 150;  // per host
  t.a.send_many("a", n);
  t.b.send_many("b", n);
  REQUIRE(t.read([&] { return t.a.responses().size() >= n && t.b.responses().size() >= n; }, 60s));
  t.read([] { return false; }, 300ms);
  t.check_one_ok_response_each(t.a, n);
  t.check_one_ok_response_each(t.b, n);
  CHECK(submits_with_status(t.smsc.events, "ESME_ROK") == 2 * n);
  const auto peak = t.outstanding_peak();
  CAPTURE(peak);
  CHECK(peak <= static_cast<std::uint64_t>(account_window));
  // The window is used, not starved: at least half of it was out at once.
  CHECK(peak >= static_cast<std::uint64_t>(account_window / 2));
  for (dms_host* h : {&t.a, &t.b})
    CHECK_FALSE(h->has([](const json_line& j) { return is_state(j, "shared-window-fallback"); }));
  CHECK(t.a.finish() == 0);
  CHECK(t.b.finish() == 0);
}

TEST_CASE("without x-shared-limits-window the same load has far more out at once") {
  two_hosts t("");
  constexpr std::size_t n = 100;  // per host
  t.a.send_many("a", n);
  t.b.send_many("b", n);
  REQUIRE(t.read([&] { return t.a.responses().size() >= n && t.b.responses().size() >= n; }, 60s));
  t.check_one_ok_response_each(t.a, n);
  t.check_one_ok_response_each(t.b, n);
  CHECK(t.outstanding_peak() > static_cast<std::uint64_t>(2 * account_window));
  CHECK(t.a.finish() == 0);
  CHECK(t.b.finish() == 0);
}
