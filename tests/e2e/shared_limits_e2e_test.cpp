// One SMSC account's rate shared by two hosts through a real redis-server (Debian's, started and
// stopped by the test; docs/scaling.md): two dms-stub processes, each a channel of two binds,
// against smsc-sim enforcing the account's rate over all four binds (--account-limit). Together
// they keep to the account's rate; with Redis killed mid-run each falls back to its local share,
// says so (a CHANNEL_STATE event, the metric), and returns to the shared limit when it is back.
#include "account_fixture.hpp"
#include "redis_server.hpp"

using namespace smsdrv::test;

namespace {

constexpr int account_rate = 100;
constexpr int lease = 10;

// The simulator enforces `sim_rate` over the account's four binds.
struct two_hosts {
  redis_server redis;
  smsc_process smsc;
  dms_host a;
  dms_host b;

  explicit two_hosts(int sim_rate)
      : smsc({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw",
              "--account-limit", "e2e:binds=4,rate=" + std::to_string(sim_rate)}),
        a(section()),
        b(section()) {
    REQUIRE(read([&] { return bound(a) && bound(b); }, 20s));
  }
  std::string section() const {
    return account_section(smsc.port,
                           "x-smpp-sessions = 2\n"
                           "x-shared-limits-redis-url = redis://127.0.0.1:" +
                               std::to_string(redis.port()) +
                               "\n"
                               "x-shared-limits-rate = " +
                               std::to_string(account_rate) +
                               "\n"
                               "x-shared-limits-lease-size = " +
                               std::to_string(lease) +
                               "\n"
                               "x-shared-limits-local-share = 50\n");
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
  bool all_answered(std::size_t n) const {
    return a.responses().size() >= n && b.responses().size() >= n;
  }
  void check_one_ok_response_each(const dms_host& h, std::size_t n) const {
    const auto r = h.responses();
    CHECK(r.size() == n);
    for (const auto& [id, count] : r)
      CHECK(count == 1);
    CHECK(h.ok_responses() == n);
  }
};

}  // namespace

TEST_CASE("two hosts share one account's rate through Redis: never above it, never throttled") {
  // The hosts may send up to the rate plus one lease in a sliding second (docs/scaling.md); the
  // simulator reads four sockets in its own order and time on a busy machine: it allows 30 %
  // more, the check below 10 %.
  two_hosts t(account_rate * 13 / 10);
  constexpr std::size_t n = 250;  // per host: 500 at 100/s, about 5 s
  t.a.send_many("a", n);
  t.b.send_many("b", n);
  REQUIRE(t.read([&] { return t.all_answered(n); }, 60s));
  t.read([] { return false; }, 300ms);
  t.check_one_ok_response_each(t.a, n);
  t.check_one_ok_response_each(t.b, n);
  CHECK(submits_with_status(t.smsc.events, "ESME_RTHROTTLED") == 0);
  CHECK(submits_with_status(t.smsc.events, "ESME_ROK") == 2 * n);
  // At most the rate plus one lease in any second (as the simulator read them; 10 % for its
  // reading order), and the two hosts together took as long as the account's rate makes them:
  // each alone at its own x-smpp-submit-max-rate (100000/s) would have been done at once.
  CHECK(busiest_second(t.smsc.events) <= (account_rate + lease) * 11 / 10);
  CHECK(submit_span_seconds(t.smsc.events) >= (2.0 * n - 2 * lease) / account_rate * 0.9);
  CHECK(t.a.metric("smsdrv_shared_limit_fallback") == 0);
  CHECK(t.a.metric("smsdrv_shared_limit_fallbacks_total") == 0);
  CHECK(t.a.finish() == 0);
  CHECK(t.b.finish() == 0);
}

TEST_CASE("Redis killed mid-run: each host falls back to its share, says so, and comes back") {
  // The seconds in which the hosts switch may see the shared traffic and the shares together
  // (docs/scaling.md: the rate, one lease and the shares of the hosts cut off): the account
  // allows that much here, so that the test sees what the hosts send rather than throttling.
  constexpr int transition = account_rate + lease + account_rate;  // two shares of 50 %
  two_hosts t(transition * 11 / 10);
  constexpr std::size_t n = 300;  // per host
  t.a.send_many("a", n);
  t.b.send_many("b", n);
  REQUIRE(t.read([&] { return t.smsc.count("submit_sm") >= 100; }, 30s));
  t.redis.stop();
  auto fell_back = [](const dms_host& h) {
    return h.has([](const json_line& j) { return is_state(j, "shared-limit-fallback"); });
  };
  REQUIRE(t.read([&] { return fell_back(t.a) && fell_back(t.b); }, 10s));
  const auto fallback =
      t.a.first([](const json_line& j) { return is_state(j, "shared-limit-fallback"); });
  CHECK(fallback->num("status") == 0);  // the channel still carries
  CHECK(fallback->str("text").find("local share of 50/s") != std::string::npos);
  CHECK(t.a.metric("smsdrv_shared_limit_fallback") == 1);
  // Meanwhile both carry on at their share: 50/s each, the account's rate together.
  const std::size_t fallback_from = t.smsc.count("submit_sm");
  REQUIRE(t.read([&] { return t.smsc.count("submit_sm") >= fallback_from + 150; }, 10s));
  const std::size_t fallback_to = t.smsc.count("submit_sm");
  t.redis.start();
  auto back = [](const dms_host& h) {
    return h.has([](const json_line& j) { return is_state(j, "shared-limit"); });
  };
  REQUIRE(t.read([&] { return back(t.a) && back(t.b); }, 10s));
  REQUIRE(t.read([&] { return t.all_answered(n); }, 60s));
  t.read([] { return false; }, 300ms);
  t.check_one_ok_response_each(t.a, n);
  t.check_one_ok_response_each(t.b, n);
  CHECK(submits_with_status(t.smsc.events, "ESME_RTHROTTLED") == 0);
  const auto times = submit_times(t.smsc.events);
  // In fallback: the sum of the shares (10 % for the simulator's reading order).
  CHECK(busiest_second(times, fallback_from, fallback_to) <= account_rate * 11 / 10);
  // Over the whole run, switches included.
  CHECK(busiest_second(times, 0, times.size()) <= transition);
  for (dms_host* h : {&t.a, &t.b}) {
    CHECK(h->metric("smsdrv_shared_limit_fallback") == 0);
    CHECK(h->metric("smsdrv_shared_limit_fallbacks_total") == 1);
  }
  CHECK(t.a.finish() == 0);
  CHECK(t.b.finish() == 0);
}
