// One SMSC account at full scale (docs/scaling.md): three dms-stub processes, each a channel of
// two binds, share the account's 300 messages/s through a real redis-server (Debian's, started,
// killed and started again by the test) against smsc-sim enforcing that rate plus its tolerance
// (one lease and a late token's grace) over all six binds. One run, in phases:
//  1. all three hosts: the simulator counts the account's rate (within 1 %);
//  2. one host killed: from a second after its last submission the other two carry the whole
//     rate (within 1 %);
//  3. Redis killed: each host says so and sends at its local share (the sum of the shares);
//  4. Redis back: each host says so and the two carry the whole rate again.
// Over the whole run no sliding second of the simulator holds more than the rate plus the
// tolerance, nothing is throttled, and every request has exactly one RESPONSE. The second after
// a stall of every host (a heavily loaded machine; see stalls()) is reported, not judged; more
// than two stalls fail the run.
#include <csignal>

#include "account_fixture.hpp"
#include "redis_server.hpp"

using namespace smsdrv::test;

namespace {

constexpr int account_rate = 300;
constexpr int lease = 20;  // x-shared-limits-lease-size: also the account's burst
// What the account may see in a sliding second (docs/scaling.md): the rate, one lease, and what
// a host may send up to 10 ms after a token's place in the schedule (flow::lease_settings
// late_grace: 3 at 300/s).
constexpr int tolerance = lease + account_rate * 10 / 1000;
constexpr int share_percent = 33;  // three hosts cut off at once stay within the rate
constexpr int local_share = account_rate * share_percent / 100;
constexpr std::size_t hosts = 3;
// Requests each host keeps unanswered: more than a second of its traffic, so that it always has
// something to send.
constexpr std::size_t backlog = 400;

struct host_state {
  std::unique_ptr<dms_host> h;
  std::string text;  // its messages' text, to tell its submissions apart at the simulator
  bool alive = true;
  std::size_t sent = 0;
  std::size_t answered = 0;  // esp-response lines seen
  std::size_t scanned = 0;   // lines of h->out counted so far
};

struct account_run {
  redis_server redis;
  smsc_process smsc;
  std::vector<host_state> host;

  account_run()
      : smsc({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw",
              "--account-limit",
              "e2e:binds=" + std::to_string(2 * hosts) +
                  ",rate=" + std::to_string(account_rate + tolerance)},
             sim_output()) {
    for (std::size_t i = 0; i < hosts; ++i) {
      host_state s;
      s.h = std::make_unique<dms_host>(section());
      s.text = "from host " + std::to_string(i);
      host.push_back(std::move(s));
    }
    REQUIRE(run_until(
        [&] {
          return std::all_of(host.begin(), host.end(),
                             [](const host_state& s) { return bound(*s.h); });
        },
        30s, false));
  }

  // The simulator time-stamps a submission when it reads it: it must never wait for this
  // process to read its events (a full pipe would stop it and then stamp a backlog at once).
  static spawn_options sim_output() {
    spawn_options o;
    o.stdout_pipe_size = 1 << 20;
    return o;
  }
  std::string section() const {
    return account_section(smsc.port,
                           "x-smpp-sessions = 2\n"
                           "x-smpp-queue-size = 2000\n"
                           "x-shared-limits-redis-url = redis://127.0.0.1:" +
                               std::to_string(redis.port()) +
                               "\nx-shared-limits-rate = " + std::to_string(account_rate) +
                               "\nx-shared-limits-lease-size = " + std::to_string(lease) +
                               "\nx-shared-limits-local-share = " + std::to_string(share_percent) +
                               "\n");
  }
  static bool bound(const dms_host& h) {
    return h.has([](const json_line& j) {
      return j.str("event") == "channel-state" && j.str("attributes", "sessionsBound") == "2";
    });
  }

  // Keeps every live host `backlog` requests ahead of its responses and reads every process's
  // lines until done() holds (true) or the timeout (false).
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                 bool feed = true) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<reader> readers{{smsc.proc.get(), &smsc.events}};
    for (host_state& s : host)
      if (s.alive) readers.push_back({s.h->proc.get(), &s.h->out});
    for (;;) {
      for (host_state& s : host) {
        for (; s.scanned < s.h->out.size(); ++s.scanned)
          s.answered += s.h->out[s.scanned].str("event") == "esp-response";
        if (!s.alive || !feed) continue;
        for (; s.sent < s.answered + backlog; ++s.sent)
          s.h->proc->write_line(send_sms(s.text + "/" + std::to_string(s.sent), "channel-sms1",
                                         {{"_smsDestNumber", "4915550001"}, {"_smsText", s.text}}));
      }
      if (done()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      for (const reader& r : readers)
        for (int i = 0; i < 500; ++i) {
          auto line = r.proc->read_line(1ms);
          if (!line) break;
          if (auto j = parse_json(*line)) r.lines->push_back(std::move(*j));
        }
    }
  }
  // Waits while the simulator counts `n` more submissions.
  void submissions(std::size_t n) {
    const std::size_t target = smsc.count("submit_sm") + n;
    std::size_t seen = smsc.count("submit_sm");
    std::size_t scanned = smsc.events.size();
    REQUIRE(run_until(
        [&] {
          for (; scanned < smsc.events.size(); ++scanned)
            seen += smsc.events[scanned].str("event") == "submit_sm";
          return seen >= target;
        },
        60s));
  }
  void kill(std::size_t i) {
    host[i].h->proc->kill(SIGKILL);
    REQUIRE(host[i].h->proc->wait(10s));
    host[i].alive = false;
  }
};

// Submissions per second in times[] (simulator's clock, µs) from the first at or after `from`
// to the first at or after `to`. A host sends the tokens of a lease together (a few every tens
// of milliseconds): measured from one such group to another, the count is exact.
double rate_between(const std::vector<std::int64_t>& times, std::int64_t from, std::int64_t to) {
  const auto a = std::lower_bound(times.begin(), times.end(), from);
  const auto b = std::lower_bound(times.begin(), times.end(), to);
  REQUIRE(b != times.end());
  REQUIRE(*b > *a);
  return static_cast<double>(b - a) * 1e6 / static_cast<double>(*b - *a);
}

// A stall: no submission from any host for more than 90 ms while each had work queued (a lease
// arrives every ~33 ms at this rate). Seen only on a heavily loaded machine (docs/scaling.md,
// "The end-to-end figures"): the account's schedule gives back one lease of the time lost, and
// the simulator reads the hosts' catch-up together. The ends [from, to) of each, µs.
std::vector<std::pair<std::int64_t, std::int64_t>> stalls(const std::vector<std::int64_t>& all,
                                                          std::int64_t skip_from,
                                                          std::int64_t skip_to) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i] - all[i - 1] > 90'000 && (all[i] <= skip_from || all[i - 1] >= skip_to))
      out.emplace_back(all[i - 1], all[i]);
  return out;
}

// Whether [from, to) holds the end of a stall or the second after it.
bool near_stall(const std::vector<std::pair<std::int64_t, std::int64_t>>& s, std::int64_t from,
                std::int64_t to) {
  return std::any_of(s.begin(), s.end(),
                     [&](const auto& g) { return g.second < to && g.second + 1'000'000 > from; });
}

// Where the busiest sliding second of `all` begins (µs after the first submission) and, from
// 200 ms before it, each host's submissions per 100 ms: what a failure needs to be understood.
std::string busiest_detail(const std::vector<std::int64_t>& all,
                           const std::vector<std::vector<std::int64_t>>& of) {
  std::size_t best = 0, at = 0;
  for (std::size_t i = 0, j = 0; j < all.size(); ++j) {
    while (all[j] - all[i] >= 1'000'000)
      ++i;
    if (j - i + 1 > best) {
      best = j - i + 1;
      at = i;
    }
  }
  std::string out = "from " + std::to_string((all[at] - all.front()) / 1000) + " ms:";
  for (std::int64_t from = all[at] - 200'000; from < all[at] + 1'000'000; from += 100'000) {
    out += " [";
    for (const auto& h : of) {
      const auto n = std::lower_bound(h.begin(), h.end(), from + 100'000) -
                     std::lower_bound(h.begin(), h.end(), from);
      out += std::to_string(n) + (&h == &of.back() ? "]" : " ");
    }
  }
  return out;
}

}  // namespace

TEST_CASE("three hosts of two binds share one account's 300/s through Redis") {
  account_run t;
  // 1. All three, about 10 s.
  t.submissions(account_rate * 10);
  t.kill(2);
  // 2. Two hosts, about 5 s.
  t.submissions(account_rate * 5);
  const std::size_t before_redis_killed = t.smsc.count("submit_sm");
  t.redis.stop();
  auto fell_back = [](const dms_host& h) {
    return h.has([](const json_line& j) { return is_state(j, "shared-limit-fallback"); });
  };
  REQUIRE(t.run_until([&] { return fell_back(*t.host[0].h) && fell_back(*t.host[1].h); }, 10s));
  // 3. Fallback, about 3 s at the two shares.
  const std::size_t fallback_from = t.smsc.count("submit_sm");
  t.submissions(local_share * 2 * 3);
  const std::size_t fallback_to = t.smsc.count("submit_sm");
  t.redis.start();
  auto back = [](const dms_host& h) {
    return h.has([](const json_line& j) { return is_state(j, "shared-limit"); });
  };
  REQUIRE(t.run_until([&] { return back(*t.host[0].h) && back(*t.host[1].h); }, 10s));
  // 4. Shared again, about 4 s.
  const std::size_t back_from = t.smsc.count("submit_sm");
  t.submissions(account_rate * 4);
  const std::size_t back_to = t.smsc.count("submit_sm");
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(t.host[i].h->metric("smsdrv_shared_limit_fallbacks_total") == 1);
    CHECK(t.host[i].h->metric("smsdrv_shared_limit_fallback") == 0);
  }
  // Every request answered exactly once: the rest as the hosts end.
  for (std::size_t i = 0; i < 2; ++i)
    t.host[i].h->proc->close_stdin();
  REQUIRE(t.run_until(
      [&] { return t.host[0].answered == t.host[0].sent && t.host[1].answered == t.host[1].sent; },
      30s, false));
  for (std::size_t i = 0; i < 2; ++i)
    CHECK(t.host[i].h->proc->wait(30s) == 0);

  const auto all = submit_times(t.smsc.events);
  std::vector<std::vector<std::int64_t>> of(hosts);
  for (std::size_t i = 0; i < hosts; ++i)
    of[i] = submit_times_of(t.smsc.events, t.host[i].text);
  REQUIRE(all.size() == of[0].size() + of[1].size() + of[2].size());
  const std::int64_t first = all.front();
  const std::int64_t killed = of[2].back();
  // Phase 1, from a second after the start (the first lease is a burst) to the kill.
  const double together = rate_between(all, first + 1'000'000, killed);
  // Phase 2: from a second after the kill, the two others.
  const std::int64_t takeover_from = killed + 1'000'000;
  const std::int64_t takeover_to = all[before_redis_killed - 1];
  const double two = rate_between(all, takeover_from, takeover_to);
  // Phase 3: after both said so, before Redis came back.
  const double fallback = rate_between(all, all[fallback_from], all[fallback_to - 1]);
  // Phase 4: a second after both came back (the debits of their shares paid), to its end.
  const double again = rate_between(all, all[back_from] + 1'000'000, all[back_to - 1]);
  const std::size_t busiest = busiest_second(all, 0, all.size());
  std::vector<std::size_t> per_host;
  for (const auto& v : of)
    per_host.push_back(v.size());
  const std::string detail = busiest_detail(all, of);
  CAPTURE(together, two, fallback, again, busiest, per_host, detail);
  // The pause after Redis came back is the debits' (docs/scaling.md), not a stall.
  const auto stalled = stalls(all, all[fallback_to - 1], all[back_from] + 1'000'000);
  std::vector<std::int64_t> throttled;
  for (const auto& e : t.smsc.events)
    if (e.str("event") == "submit_sm" && e.str("status") == "ESME_RTHROTTLED")
      throttled.push_back(e.num("t_us"));
  const std::size_t throttled_after_stall = static_cast<std::size_t>(
      std::count_if(throttled.begin(), throttled.end(),
                    [&](std::int64_t at) { return near_stall(stalled, at, at + 1); }));
  CAPTURE(stalled.size(), throttled.size(), throttled_after_stall);
  if (!stalled.empty())
    WARN("the hosts stalled " << stalled.size() << " time(s) (the first "
                              << (stalled[0].second - stalled[0].first) / 1000 << " ms at "
                              << (stalled[0].first - first) / 1000
                              << " ms): the figures of the seconds after are not judged");
  // A driver that stalls on its own would do so more often than a busy machine.
  CHECK(stalled.size() <= 2);
  auto judge_rate = [&](double rate, double want, std::int64_t from, std::int64_t to) {
    if (!near_stall(stalled, from, to)) CHECK(std::abs(rate - want) <= want * 0.01);
  };
  judge_rate(together, account_rate, first + 1'000'000, killed);
  judge_rate(two, account_rate, takeover_from, takeover_to);
  judge_rate(fallback, 2 * local_share, all[fallback_from], all[fallback_to - 1]);
  judge_rate(again, account_rate, all[back_from] + 1'000'000, all[back_to - 1]);
  // Every sliding second that does not begin within a second after a stall.
  std::size_t judged = 0;
  for (std::size_t i = 0, j = 0; j < all.size(); ++j) {
    while (all[j] - all[i] >= 1'000'000)
      ++i;
    if (!near_stall(stalled, all[i], all[i] + 1)) judged = std::max(judged, j - i + 1);
  }
  CAPTURE(judged);
  CHECK(judged <= static_cast<std::size_t>(account_rate + tolerance));
  CHECK(throttled.size() == throttled_after_stall);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto r = t.host[i].h->responses();
    CHECK(r.size() == t.host[i].sent);
    CHECK(std::all_of(r.begin(), r.end(), [](const auto& p) { return p.second == 1; }));
  }
}
