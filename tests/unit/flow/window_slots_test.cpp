// The account-wide window's slot accounting with fake time and a store that follows
// window_claim_script's rule (the Redis test runs the script itself): claims in batches, slots
// given back, refreshes, expiry of a dead host's slots, fallback to the local share and back,
// and the window over several hosts whose SMSC answers late.
#include "flow/window_slots.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace smsdrv::flow;
using namespace std::chrono_literals;
using tp = window_slots::time_point;

namespace {

const tp t0{std::chrono::hours(1000)};

// window_claim_script's rule in C++.
struct store {
  struct holding {
    std::uint32_t slots = 0;
    tp expires;
  };
  std::map<std::string, holding> hosts;

  std::uint32_t claim(const std::string& me, window_claim c, std::uint32_t window,
                      std::chrono::milliseconds ttl, tp now) {
    std::uint32_t others = 0;
    for (auto it = hosts.begin(); it != hosts.end();) {
      if (it->first != me && it->second.expires <= now) {
        it = hosts.erase(it);
        continue;
      }
      if (it->first != me) others += it->second.slots;
      ++it;
    }
    std::uint32_t mine = std::min(c.target, window > others ? window - others : 0);
    mine = std::max(mine, c.floor);
    if (mine > 0)
      hosts[me] = {mine, now + ttl};
    else
      hosts.erase(me);
    return mine;
  }
  std::uint32_t total() const {
    std::uint32_t n = 0;
    for (const auto& [k, h] : hosts)
      n += h.slots;
    return n;
  }
};

// A host whose submissions are answered `delay` after they are written.
struct host {
  std::string id;
  window_slots w;
  bool up = true;
  std::vector<tp> answers_due;  // one per outstanding submission

  host(std::string name, const window_settings& s) : id(std::move(name)), w(s) {}
  std::uint32_t in_use() const { return static_cast<std::uint32_t>(answers_due.size()); }

  void serve(store& st, tp now) {
    while (auto c = w.claim_due(in_use(), now)) {
      if (!up) {
        w.on_failed(now);
        continue;
      }
      w.on_granted(st.claim(id, *c, w.settings().window, w.settings().slot_ttl, now), now);
    }
  }
  // Answers what is due; writers that waited are told to try again (io::shared_window does).
  void answer(tp now) {
    std::erase_if(answers_due, [&](tp t) { return t <= now; });
    if (w.waiting() && in_use() < w.limit()) w.not_waiting();
  }
  // Writes while the window allows, each answered `delay` later.
  std::uint32_t write(store& st, tp now, std::uint32_t wanted, std::chrono::milliseconds delay) {
    std::uint32_t n = 0;
    for (; n < wanted; ++n) {
      if (!w.try_take(in_use(), now)) break;
      answers_due.push_back(now + delay);
    }
    serve(st, now);
    return n;
  }
};

window_settings settings_of(std::uint32_t window, std::uint32_t batch = 2) {
  window_settings s;
  s.window = window;
  s.batch = batch;
  s.local_share_percent = 50;
  s.slot_ttl = 3000ms;
  s.poll = 20ms;
  s.idle = 1000ms;
  s.retry_after_failure = 1000ms;
  return s;
}

}  // namespace

TEST_CASE("a refused write claims a batch; the next writes use it") {
  store st;
  host h("a", settings_of(8, 2));
  REQUIRE_FALSE(h.w.try_take(0, t0));  // nothing held yet
  h.serve(st, t0);
  CHECK(h.w.held() == 2);
  CHECK(st.total() == 2);
  CHECK(h.write(st, t0, 10, 100ms) == 2);
  // Refused at 2: claims 2 more at once (in_use 2 + batch 2).
  CHECK(h.w.held() == 4);
  CHECK(h.write(st, t0, 10, 100ms) == 2);
  CHECK(h.w.stats().claims == 3);
}

TEST_CASE("no claim brings the account above its window; the others get what is left") {
  store st;
  host a("a", settings_of(8, 4));
  host b("b", settings_of(8, 4));
  for (int i = 0; i < 4; ++i) {
    a.write(st, t0, 100, 1s);
    b.write(st, t0, 100, 1s);
  }
  CHECK(a.in_use() + b.in_use() == 8);
  CHECK(st.total() == 8);
  // b waits: polls every 20 ms, and is granted nothing more while a holds its slots.
  const auto claims = b.w.stats().claims;
  b.write(st, t0 + 10ms, 100, 1s);
  b.serve(st, t0 + 10ms);
  CHECK(b.w.stats().claims == claims);  // not before the poll
  CHECK(b.w.next_deadline(b.in_use(), t0 + 10ms) <= t0 + 30ms);
  b.write(st, t0 + 30ms, 100, 1s);
  CHECK(b.w.stats().claims == claims + 1);
  CHECK(a.in_use() + b.in_use() == 8);
}

TEST_CASE("answered submissions free their slots here first, then go back beyond a batch") {
  store st;
  host h("a", settings_of(16, 2));
  for (int i = 0; i < 9; ++i)
    h.write(st, t0, 100, 100ms);
  REQUIRE(h.in_use() == 16);
  h.answer(t0 + 100ms);
  REQUIRE(h.in_use() == 0);
  h.serve(st, t0 + 100ms);
  CHECK(h.w.held() == 2);  // in use 0 + one batch
  CHECK(st.total() == 2);
  // Idle for `idle`: the rest goes back too.
  h.serve(st, t0 + 1100ms);
  CHECK(h.w.held() == 0);
  CHECK(st.hosts.empty());
  CHECK(h.w.next_deadline(0, t0 + 1100ms) == tp::max());
}

TEST_CASE("a host refreshes what it holds; a dead host's slots come back after the TTL") {
  store st;
  host a("a", settings_of(4, 4));
  host b("b", settings_of(4, 4));
  a.write(st, t0, 100, 1h);
  a.write(st, t0, 100, 1h);  // never answered: a dies holding 4
  REQUIRE(a.in_use() == 4);
  REQUIRE(st.total() == 4);
  // Alive, it refreshes at a third of the TTL.
  const auto claims = a.w.stats().claims;
  a.serve(st, t0 + 500ms);
  CHECK(a.w.stats().claims == claims);
  a.serve(st, t0 + 1000ms);
  CHECK(a.w.stats().claims == claims + 1);
  CHECK(st.hosts["a"].expires == t0 + 4000ms);
  // Then it stops answering anything: b gets nothing until a's expiry.
  CHECK(b.write(st, t0 + 3900ms, 1, 1s) == 0);
  b.serve(st, t0 + 3900ms);
  CHECK(b.w.held() == 0);
  b.write(st, t0 + 4000ms, 1, 1s);
  b.serve(st, t0 + 4000ms);
  CHECK(b.w.held() == 4);
  CHECK(b.write(st, t0 + 4000ms, 100, 1s) == 4);
}

TEST_CASE("store unreachable: the local share of the window, reported once; back with a floor") {
  store st;
  host h("a", settings_of(8, 2));
  h.up = false;
  CHECK(h.write(st, t0, 100, 10s) == 0);  // the claim fails
  CHECK(h.w.mode() == window_mode::fallback);
  CHECK(h.w.take_mode_change());
  CHECK_FALSE(h.w.take_mode_change());
  CHECK(h.w.local_share() == 4);
  CHECK(h.write(st, t0, 100, 10s) == 4);
  CHECK(h.w.stats().fallbacks == 1);
  // Retried every second, failing: no second report.
  h.serve(st, t0 + 1s);
  CHECK(h.w.stats().claims_failed == 2);
  CHECK_FALSE(h.w.take_mode_change());
  // Meanwhile another host holds 6 of the 8.
  host other("b", settings_of(8, 6));
  other.write(st, t0 + 1s, 1, 10s);
  REQUIRE(st.total() == 6);
  // Back: the 4 out are recorded (above the window), and nothing more until they are answered.
  h.up = true;
  h.serve(st, t0 + 2s);
  CHECK(h.w.mode() == window_mode::shared);
  CHECK(h.w.take_mode_change());
  CHECK(h.w.held() == 4);
  CHECK(st.total() == 10);
  CHECK(h.write(st, t0 + 2s, 100, 10s) == 0);
  // b uses what it held before, and is granted nothing more: 10 out, within the window plus
  // a's share of 4.
  CHECK(other.write(st, t0 + 2s, 100, 10s) == 6);
  CHECK(st.total() == 10);
}

TEST_CASE("local share: at least one, at most the window") {
  auto s = settings_of(3, 1);
  s.local_share_percent = 10;
  CHECK(window_slots(s).local_share() == 1);
  s.local_share_percent = 100;
  CHECK(window_slots(s).local_share() == 3);
  s.batch = 0;
  s.window = 100;
  CHECK(window_slots(s).settings().batch == 25);
}

TEST_CASE("three hosts, answers late and at random: the sum in use never exceeds the window") {
  store st;
  std::vector<host> hosts;
  for (const char* id : {"a", "b", "c"})
    hosts.emplace_back(id, settings_of(8, 2));
  std::mt19937 rng(7);
  std::uint32_t peak = 0;
  std::uint64_t written = 0;
  for (int ms = 0; ms < 5000; ++ms) {
    const tp now = t0 + std::chrono::milliseconds(ms);
    for (auto& h : hosts) {
      h.answer(now);
      written += h.write(st, now, rng() % 3, std::chrono::milliseconds(20 + rng() % 200));
      h.serve(st, now);
    }
    std::uint32_t sum = 0;
    for (const auto& h : hosts)
      sum += h.in_use();
    peak = std::max(peak, sum);
    REQUIRE(sum <= 8);
    REQUIRE(st.total() <= 8);
  }
  CHECK(peak == 8);
  CHECK(written > 100);
}

TEST_CASE("slots being given back are not used while the claim is on its way") {
  window_slots w(settings_of(8, 2));
  auto c = w.claim_due(0, t0);  // nothing held and nothing wanted: no claim
  CHECK_FALSE(c);
  REQUIRE_FALSE(w.try_take(0, t0));
  c = w.claim_due(0, t0);
  REQUIRE(c);
  w.on_granted(c->target, t0);
  REQUIRE(w.held() == 2);
  REQUIRE(w.try_take(0, t0));
  REQUIRE(w.try_take(1, t0));
  REQUIRE_FALSE(w.try_take(2, t0));
  c = w.claim_due(2, t0);
  REQUIRE(c);
  w.on_granted(4, t0);
  // All four answered: two go back (one batch kept) ...
  w.not_waiting();
  c = w.claim_due(0, t0 + 2s);
  REQUIRE(c);
  CHECK(c->target == 2);
  // ... and while that claim travels, only the two kept are written on.
  CHECK(w.try_take(0, t0 + 2s));
  CHECK(w.try_take(1, t0 + 2s));
  CHECK_FALSE(w.try_take(2, t0 + 2s));
  w.on_granted(2, t0 + 2s);
  CHECK(w.held() == 2);
}
