// The lease manager with fake time and the shared GCRA (gcra_take) as the store: refill ahead of
// need, expiry, fallback to the local share and back, and the account's rate over several hosts
// in every sliding second.
#include "flow/lease_manager.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "flow/shared_gcra.hpp"

using namespace smsdrv::flow;
using namespace std::chrono_literals;
using tp = lease_manager::time_point;

namespace {

const tp t0{std::chrono::hours(1000)};

std::int64_t ns(tp t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// A host whose requests go to `store` and are answered at once while `up`.
struct host {
  lease_manager m;
  bool up = true;
  std::vector<tp> sent;

  host(const lease_settings& s, tp now) : m(s, now) {}

  void serve(gcra_state& store, tp now) {
    while (auto asked = m.request_due(now)) {
      if (!up) {
        m.on_failed(now);
        continue;
      }
      const gcra_grant g =
          gcra_take(store, ns(now), m.settings().account_rate, m.settings().lease_size, *asked);
      // Redis answers in microseconds, rounded up.
      m.on_granted(g.granted, std::chrono::microseconds((g.retry_after_ns + 999) / 1000), now);
    }
  }
  // Sends as much as it may at `now` (unbounded demand).
  void send(gcra_state& store, tp now) {
    for (int round = 0; round < 2; ++round) {
      while (m.try_take(now))
        sent.push_back(now);
      serve(store, now);
    }
  }
};

// The most sends in any sliding second [t - 1 s + 1 us, t] of the merged, sorted times.
std::size_t max_per_second(std::vector<tp> times, tp from, tp to) {
  std::sort(times.begin(), times.end());
  std::size_t best = 0;
  std::size_t lo = 0;
  for (std::size_t hi = 0; hi < times.size(); ++hi) {
    while (times[hi] - times[lo] >= 1s)
      ++lo;
    if (times[hi] >= from && times[lo] >= from - 1s && times[hi] < to)
      best = std::max(best, hi - lo + 1);
  }
  return best;
}

std::vector<tp> between(const std::vector<tp>& times, tp from, tp to) {
  std::vector<tp> out;
  for (tp t : times)
    if (t >= from && t < to) out.push_back(t);
  return out;
}

}  // namespace

TEST_CASE("lease: asked for on demand, refilled ahead of need, never while idle") {
  lease_settings s{.account_rate = 1000, .lease_size = 10};
  lease_manager m(s, t0);
  CHECK_FALSE(m.request_due(t0));  // no demand yet
  CHECK_FALSE(m.try_take(t0));     // the first message waits for a lease
  REQUIRE(m.request_due(t0) == 10u);
  CHECK_FALSE(m.request_due(t0));  // one request in flight at a time
  m.on_granted(10, 0us, t0);
  for (int i = 0; i < 5; ++i)
    CHECK(m.try_take(t0));
  CHECK_FALSE(m.request_due(t0));  // 5 held: half a lease
  CHECK(m.try_take(t0));
  CHECK(m.request_due(t0) == 6u);  // refilled while 4 are still held
  m.on_granted(6, 0us, t0);
  CHECK(m.held(t0) == 10);
  CHECK(m.stats().requests == 2);
  CHECK(m.stats().tokens_granted == 16);
  CHECK(m.stats().tokens_taken == 6);

  SECTION("unspent tokens expire with their lease; no request without demand") {
    CHECK(m.held(t0 + 999ms) == 10);
    CHECK(m.next_deadline(t0 + 999ms) == t0 + 1s);
    CHECK(m.held(t0 + 1s) == 0);
    CHECK(m.stats().tokens_expired == 10);
    CHECK_FALSE(m.request_due(t0 + 1s));  // the last demand is a lease's lifetime ago
    CHECK(m.next_deadline(t0 + 1s) == tp::max());
  }
  SECTION("a partial grant: the account is at its rate; ask again when half a lease accrued") {
    for (int i = 0; i < 10; ++i)
      CHECK(m.try_take(t0));
    REQUIRE(m.request_due(t0) == 10u);
    m.on_granted(2, 1000us, t0);
    CHECK(m.try_take(t0));
    CHECK(m.try_take(t0));
    CHECK_FALSE(m.request_due(t0 + 4ms));
    CHECK(m.next_deadline(t0 + 4ms) == t0 + 5ms);  // 5 tokens at 1000/s
    CHECK(m.request_due(t0 + 5ms) == 10u);
  }
}

TEST_CASE("lease: the store unreachable -> the local share; back -> shared") {
  lease_settings s{.account_rate = 100,
                   .lease_size = 10,
                   .local_share_percent = 30,
                   .lease_ttl = 1000ms,
                   .retry_after_failure = 2000ms};
  lease_manager m(s, t0);
  CHECK_FALSE(m.try_take(t0));
  REQUIRE(m.request_due(t0));
  m.on_granted(10, 0us, t0);
  CHECK(m.try_take(t0));
  CHECK(m.try_take(t0));
  for (int i = 0; i < 4; ++i)
    CHECK(m.try_take(t0));
  REQUIRE(m.request_due(t0));
  m.on_failed(t0 + 500ms);
  CHECK(m.mode() == lease_mode::fallback);
  CHECK(m.take_mode_change());
  CHECK_FALSE(m.take_mode_change());
  CHECK(m.stats().tokens_expired == 4);  // the held lease is dropped: only the share remains
  CHECK(m.held(t0 + 500ms) == 0);
  CHECK(m.local_rate() == 30);
  // 30 per sliding second, however fast it is asked.
  std::size_t local = 0;
  for (tp t = t0 + 500ms; t < t0 + 2500ms; t += 1ms)
    while (m.try_take(t))
      ++local;
  CHECK(local == 60);
  CHECK(m.stats().local_taken == 60);
  // The store is tried again 2 s after the failure: still down, then back.
  CHECK_FALSE(m.request_due(t0 + 2499ms));
  CHECK(m.next_deadline(t0 + 2400ms) == t0 + 2500ms);
  REQUIRE(m.request_due(t0 + 2500ms) == 10u);
  m.on_failed(t0 + 2500ms);
  CHECK_FALSE(m.take_mode_change());  // still fallback
  CHECK(m.try_take(t0 + 4500ms));     // the local share, and demand
  REQUIRE(m.request_due(t0 + 4500ms) == 10u);
  m.on_granted(10, 0us, t0 + 4500ms);
  CHECK(m.mode() == lease_mode::shared);
  CHECK(m.take_mode_change());
  CHECK(m.stats().fallbacks == 1);
  CHECK(m.stats().requests_failed == 2);

  SECTION("without demand the probe asks for nothing") {
    lease_manager idle(s, t0);
    CHECK_FALSE(idle.try_take(t0));
    REQUIRE(idle.request_due(t0));
    idle.on_failed(t0);
    REQUIRE(idle.request_due(t0 + 5s) == 0u);
    idle.on_granted(0, 0us, t0 + 5s);
    CHECK(idle.mode() == lease_mode::shared);
    CHECK(idle.held(t0 + 5s) == 0);
  }
}

TEST_CASE("lease: three hosts hold the account's rate; one cut off adds at most its share") {
  const lease_settings s{.account_rate = 300,
                         .lease_size = 10,
                         .local_share_percent = 20,
                         .lease_ttl = 1000ms,
                         .retry_after_failure = 1000ms};
  gcra_state store;
  std::vector<host> hosts;
  for (int i = 0; i < 3; ++i)
    hosts.emplace_back(s, t0);
  // Requests reach the store in a different order at each step, as from different machines.
  auto run = [&](tp from, tp to) {
    std::size_t first = 0;
    for (tp t = from; t < to; t += 250us, ++first)
      for (std::size_t i = 0; i < hosts.size(); ++i)
        hosts[(first + i) % hosts.size()].send(store, t);
  };
  auto all = [&] {
    std::vector<tp> out;
    for (const host& h : hosts)
      out.insert(out.end(), h.sent.begin(), h.sent.end());
    return out;
  };
  // 10 s shared: 300/s overall, within the burst of one lease in any sliding second.
  run(t0, t0 + 10s);
  const auto shared = between(all(), t0, t0 + 10s);
  CHECK(shared.size() >= 3000);
  CHECK(shared.size() <= 3000 + s.lease_size);
  CHECK(max_per_second(all(), t0, t0 + 10s) <= 300 + s.lease_size);
  for (const host& h : hosts)
    CHECK(h.sent.size() > 500);  // each host gets a part

  // Host 0 loses the store for 5 s: it sends its share (60/s) alone; the others keep 300/s.
  hosts[0].up = false;
  run(t0 + 10s, t0 + 15s);
  CHECK(hosts[0].m.mode() == lease_mode::fallback);
  CHECK(max_per_second(hosts[0].sent, t0 + 11s, t0 + 15s) <= 60);
  CHECK(max_per_second(all(), t0 + 10s, t0 + 15s) <= 300 + s.lease_size + 60);
  const auto cut = between(all(), t0 + 11s, t0 + 15s);
  CHECK(cut.size() >= 4 * 300);

  // Back: within the retry interval host 0 shares again, and the account is at 300/s.
  hosts[0].up = true;
  run(t0 + 15s, t0 + 20s);
  CHECK(hosts[0].m.mode() == lease_mode::shared);
  CHECK(max_per_second(all(), t0 + 15s, t0 + 20s) <= 300 + s.lease_size + 60);
  CHECK(max_per_second(all(), t0 + 17s, t0 + 20s) <= 300 + s.lease_size);
  CHECK(hosts[0].m.stats().fallbacks == 1);
}
