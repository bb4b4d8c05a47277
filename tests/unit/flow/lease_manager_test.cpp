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
      const gcra_grant g = gcra_take(store, ns(now), m.settings().account_rate,
                                     m.settings().lease_size, *asked, m.request_debit());
      // Redis answers in microseconds, rounded up.
      m.on_granted(g.granted, std::chrono::microseconds((g.retry_after_ns + 999) / 1000), now,
                   std::chrono::microseconds((g.ahead_ns + 999) / 1000));
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
  // The share starts without a burst: the shared tokens spent just before already count.
  CHECK(m.next_local_token(t0 + 500ms) == t0 + 500ms);
  CHECK(m.try_take(t0 + 500ms));
  CHECK_FALSE(m.try_take(t0 + 500ms));
  CHECK(m.next_local_token(t0 + 500ms) == t0 + 500ms + 33'333'333ns);
  // 30 per sliding second, however fast it is asked.
  std::size_t local = 1;
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

TEST_CASE("lease: back from the share, the local tokens of the last second are debited") {
  lease_settings s{.account_rate = 100,
                   .lease_size = 10,
                   .local_share_percent = 50,
                   .lease_ttl = 1000ms,
                   .retry_after_failure = 1000ms};
  lease_manager m(s, t0);
  CHECK_FALSE(m.try_take(t0));
  REQUIRE(m.request_due(t0));
  CHECK(m.request_debit() == 0);
  m.on_failed(t0);
  // 50/s for 1.5 s: 75 local tokens, 50 of them within the last second.
  std::size_t local = 0;
  for (tp t = t0; t < t0 + 1500ms; t += 1ms)
    while (m.try_take(t))
      ++local;
  CHECK(local == 75);
  REQUIRE(m.request_due(t0 + 1500ms) == 10u);
  CHECK(m.request_debit() == 50);
  m.on_failed(t0 + 1500ms);  // still down: nothing was debited
  CHECK(m.stats().tokens_debited == 0);
  for (tp t = t0 + 1500ms; t < t0 + 2500ms; t += 1ms)
    while (m.try_take(t))
      ++local;
  REQUIRE(m.request_due(t0 + 2500ms) == 10u);
  // The window is a second and a 2 ms guard: the token of 1.5 s may still be in it.
  const std::uint32_t debit = m.request_debit();
  CHECK(debit >= 50);
  CHECK(debit <= 51);
  m.on_granted(0, 400ms, t0 + 2500ms);
  CHECK(m.mode() == lease_mode::shared);
  CHECK(m.stats().tokens_debited == debit);
  // Shared again: no debit; a second fallback counts from zero.
  CHECK_FALSE(m.try_take(t0 + 2900ms));
  REQUIRE(m.request_due(t0 + 2900ms));
  CHECK(m.request_debit() == 0);
  m.on_failed(t0 + 2900ms);
  CHECK(m.try_take(t0 + 2900ms));
  REQUIRE(m.request_due(t0 + 3900ms));
  CHECK(m.request_debit() == 1);
}

TEST_CASE("lease: the store lost and back empty, retries out of step: never above rate + lease") {
  // Three hosts at 300/s; the store goes away for all and comes back without its schedule (a
  // restarted Redis). The hosts retry at different times (300 ms, 700 ms, 1 s), so for a while
  // some are back on the shared limit while others still send at their share.
  gcra_state store;
  std::vector<host> hosts;
  for (auto retry : {1000ms, 700ms, 300ms})
    hosts.emplace_back(lease_settings{.account_rate = 300,
                                      .lease_size = 20,
                                      .local_share_percent = 33,
                                      .lease_ttl = 1000ms,
                                      .retry_after_failure = retry},
                       t0);
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
  run(t0, t0 + 5s);
  for (host& h : hosts)
    h.up = false;
  run(t0 + 5s, t0 + 8'100ms);
  for (const host& h : hosts)
    CHECK(h.m.mode() == lease_mode::fallback);
  // The three shares (99/s each), within a token per host at the edges.
  const auto shares = static_cast<int>(between(all(), t0 + 6s, t0 + 8s).size());
  CHECK(std::abs(shares - 2 * 3 * 99) <= 3);
  store = gcra_state{};
  for (host& h : hosts)
    h.up = true;
  run(t0 + 8'100ms, t0 + 14s);
  for (const host& h : hosts) {
    CHECK(h.m.mode() == lease_mode::shared);
    CHECK(h.m.stats().tokens_debited > 0);
  }
  CHECK(max_per_second(all(), t0, t0 + 14s) <= 300 + 20);
  // From a second after the last host came back: the account's rate.
  const auto again = between(all(), t0 + 10s, t0 + 14s);
  CHECK(again.size() >= 4 * 300 - 1);
  CHECK(again.size() <= 4 * 300 + 20);
}

TEST_CASE("lease: a token is spent near its place in the schedule or not at all") {
  lease_settings s{.account_rate = 100, .lease_size = 10, .late_grace = 10ms};
  lease_manager m(s, t0);
  CHECK_FALSE(m.try_take(t0));
  REQUIRE(m.request_due(t0) == 10u);
  // The store granted 10 whose places are t0 + 0, 10, ..., 90 ms (the schedule 100 ms ahead).
  m.on_granted(10, 0us, t0, 100ms);
  CHECK(m.held(t0) == 10);
  CHECK(m.next_deadline(t0) == t0 + 10ms);  // the first token's place and the grace
  CHECK(m.try_take(t0 + 5ms));              // the first, within its grace
  // A stall of 50 ms: the tokens placed at 10..40 ms are more than 10 ms late and gone.
  CHECK(m.held(t0 + 55ms) == 5);
  CHECK(m.stats().tokens_expired == 4);
  CHECK(m.try_take(t0 + 55ms));  // the one placed at 50 ms
  CHECK(m.held(t0 + 200ms) == 0);
  CHECK(m.stats().tokens_expired == 8);
  CHECK(m.stats().tokens_taken == 2);
}

TEST_CASE("lease: three hosts, one stalling now and then: never above rate + lease") {
  const lease_settings s{.account_rate = 300, .lease_size = 20, .late_grace = 10ms};
  gcra_state store;
  std::vector<host> hosts;
  for (int i = 0; i < 3; ++i)
    hosts.emplace_back(s, t0);
  // Host 0 stops for 150 ms every second (its process not scheduled), then sends what it may.
  for (tp t = t0; t < t0 + 10s; t += 250us)
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      const auto into_second = (t - t0) % 1s;
      if (i == 0 && into_second >= 300ms && into_second < 450ms) continue;
      hosts[i].send(store, t);
    }
  std::vector<tp> all;
  for (const host& h : hosts)
    all.insert(all.end(), h.sent.begin(), h.sent.end());
  CHECK(max_per_second(all, t0, t0 + 10s) <= 300 + 20);
  CHECK(between(all, t0, t0 + 10s).size() >= 3000 - 300);
}
