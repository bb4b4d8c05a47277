// Long inbound messages whose parts reach different hosts, joined through a real redis-server
// (docs/scaling.md): three dms-stub processes, each a channel of two binds to one smsc-sim
// account, the simulator spreading the parts of each long MO over all six binds. Every message
// reaches the hosts' output exactly once and every part is acknowledged once; with one host
// killed mid-way, what it had not acknowledged is delivered again by the SMSC to the others and
// every message still completes, once over the hosts that live on. Redis killed while long MO
// arrive and started again: the host says so once each way, and every message is delivered
// once, whole.
#include <csignal>

#include "account_fixture.hpp"
#include "redis_server.hpp"

using namespace smsdrv::test;

namespace {

// `count` hosts of one account, each a channel of two binds, sharing one Redis.
struct account_hosts {
  redis_server redis;
  smsc_process smsc;
  std::vector<std::unique_ptr<dms_host>> hosts;

  explicit account_hosts(std::size_t count = 3)
      : smsc({SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account", "e2e:e2e-pw",
              "--redeliver-ms", "500", "--account-limit", "e2e:binds=6"}) {
    for (std::size_t i = 0; i < count; ++i)
      hosts.push_back(std::make_unique<dms_host>(section()));
    REQUIRE(read(
        [&] {
          for (std::size_t i = 0; i < count; ++i)
            if (!bound(i)) return false;
          return true;
        },
        30s));
  }
  std::string section() const {
    // A short reassembly timeout: a message whose host was killed before it decided completes
    // again elsewhere after it (x-smpp-reassembly-timeout is also that hold).
    return account_section(smsc.port,
                           "x-smpp-sessions = 2\n"
                           "x-smpp-reassembly-timeout = 3\n"
                           "x-shared-limits-redis-url = redis://127.0.0.1:" +
                               std::to_string(redis.port()) + "\n");
  }
  bool bound(std::size_t i) const {
    return hosts[i]->has([](const json_line& j) {
      return j.str("event") == "channel-state" && j.str("attributes", "sessionsBound") == "2";
    });
  }
  bool read(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    std::vector<reader> readers{{smsc.proc.get(), &smsc.events}};
    for (auto& h : hosts)
      if (h->proc) readers.push_back({h->proc.get(), &h->out});
    return read_all_until(readers, done, timeout);
  }
  // The texts of the messages host i delivered, with how often each.
  std::map<std::string, int> texts(std::size_t i) const {
    std::map<std::string, int> out;
    for (const auto& j : hosts[i]->out)
      if (j.str("event") == "interaction") ++out[j.str("attributes", "_smsText")];
    return out;
  }
  // Every long MO: 3 parts of 153 characters and one of 41 (500 characters, data_coding 0).
  static std::string text_of(int i) {
    std::string t = "m" + std::to_string(i) + ":";
    while (t.size() < 500)
      t += static_cast<char>('a' + (t.size() + i) % 26);
    return t;
  }
  // Messages first .. first + n - 1, their parts spread over the account's binds.
  void send_long_mo(int n, int first = 0) {
    for (int i = first; i < first + n; ++i)
      smsc.proc->write_line(R"({"cmd":"mo","from":"4915550002","to":"12345","text":")" +
                            text_of(i) + R"(","split":"udh","spread":true})");
  }
  // Deliveries the SMSC saw acknowledged, per delivery id; and those it sent.
  std::map<std::string, int> acknowledged() const {
    std::map<std::string, int> out;
    for (const auto& e : smsc.events)
      if (e.str("event") == "deliver_sm_resp" && e.str("outcome") == "acknowledged")
        ++out[e.str("delivery")];
    return out;
  }
  std::set<std::string> deliveries() const {
    std::set<std::string> out;
    for (const auto& e : smsc.events)
      if (e.str("event") == "deliver_sm") out.insert(e.str("delivery"));
    return out;
  }
};

}  // namespace

TEST_CASE("long MO split over the binds of three hosts: each joined once, each part acked once") {
  account_hosts t;
  constexpr int n = 30;
  t.send_long_mo(n);
  auto delivered = [&] {
    std::size_t total = 0;
    for (std::size_t i = 0; i < 3; ++i)
      for (const auto& [text, count] : t.texts(i))
        total += count;
    return total;
  };
  REQUIRE(t.read([&] { return delivered() >= n; }, 60s));
  // Everything the SMSC sent acknowledged (and nothing more arriving).
  REQUIRE(t.read([&] { return t.acknowledged().size() == t.deliveries().size(); }, 10s));
  t.read([] { return false; }, 1s);
  std::map<std::string, int> all;
  std::size_t hosts_delivering = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto texts = t.texts(i);
    hosts_delivering += !texts.empty();
    for (const auto& [text, count] : texts)
      all[text] += count;
  }
  CHECK(all.size() == n);
  for (int i = 0; i < n; ++i) {
    CAPTURE(i);
    CHECK(all[account_hosts::text_of(i)] == 1);
  }
  CHECK(delivered() == n);
  CHECK(hosts_delivering >= 2);
  // 4 parts a message, each acknowledged once, on all six binds.
  const auto acked = t.acknowledged();
  CHECK(acked.size() == 4 * n);
  for (const auto& [delivery, count] : acked)
    CHECK(count == 1);
  std::set<std::string> conns;
  for (const auto& e : t.smsc.events)
    if (e.str("event") == "deliver_sm") conns.insert(e.str("conn"));
  CHECK(conns.size() == 6);
  for (auto& h : t.hosts)
    CHECK(h->finish() == 0);
}

TEST_CASE("a host killed mid-way: its parts come again to the others and every message completes") {
  account_hosts t;
  constexpr int n = 40;
  t.send_long_mo(n);
  // Kill host 3 as soon as the SMSC saw a few parts acknowledged: parts in Redis, parts on
  // their way, messages with the hosts.
  REQUIRE(t.read([&] { return t.acknowledged().size() >= 4; }, 30s));
  t.hosts[2]->proc->kill(SIGKILL);
  t.hosts[2]->proc->wait(5s);
  const auto killed = t.texts(2);
  t.hosts[2]->proc.reset();
  auto survivors = [&] {
    std::map<std::string, int> all = t.texts(0);
    for (const auto& [text, count] : t.texts(1))
      all[text] += count;
    return all;
  };
  // Every message reaches a live host or had reached the killed one, and the SMSC's deliveries
  // are all acknowledged in the end (the killed host's again, by the others).
  auto complete = [&] {
    const auto live = survivors();
    for (int i = 0; i < n; ++i) {
      const std::string text = account_hosts::text_of(i);
      if (!live.contains(text) && !killed.contains(text)) return false;
    }
    return true;
  };
  REQUIRE(t.read([&] { return complete(); }, 60s));
  REQUIRE(t.read([&] { return t.acknowledged().size() == t.deliveries().size(); }, 30s));
  t.read([] { return false; }, 1s);
  const auto live = survivors();
  for (const auto& [text, count] : live) {
    CAPTURE(text);
    CHECK(count == 1);  // once over the hosts that live on
  }
  std::size_t again = 0;  // delivered by the killed host and, its decision lost, again
  for (const auto& [text, count] : killed)
    again += live.contains(text);
  for (const auto& [delivery, count] : t.acknowledged())
    CHECK(count == 1);
  CHECK(t.hosts[0]->finish() == 0);
  CHECK(t.hosts[1]->finish() == 0);
  WARN("host killed after it delivered " << killed.size() << " of " << n << " messages; " << again
                                         << " of those delivered again by the others");
}

TEST_CASE("Redis gone while long MO arrive: joined on the host, said once; back: in Redis again") {
  account_hosts t(1);
  dms_host& host = *t.hosts[0];
  auto delivered = [&](int from, int to) {
    const auto texts = t.texts(0);
    for (int i = from; i < to; ++i)
      if (!texts.contains(account_hosts::text_of(i))) return false;
    return true;
  };
  auto states = [&] {
    std::vector<std::string> out;
    for (const auto& j : host.out)
      if (is_state(j, "shared-reassembly-fallback") || is_state(j, "shared-reassembly"))
        out.push_back(j.str("attributes", "state"));
    return out;
  };
  // Message 0 through Redis.
  t.send_long_mo(1, 0);
  REQUIRE(t.read([&] { return delivered(0, 1); }, 20s));
  CHECK(states().empty());
  // Redis killed: messages 1 and 2 arrive meanwhile, are joined on the host and delivered.
  t.redis.stop();
  t.send_long_mo(2, 1);
  REQUIRE(t.read([&] { return delivered(1, 3) && !states().empty(); }, 20s));
  CHECK(states() == std::vector<std::string>{"shared-reassembly-fallback"});
  const auto fallback =
      host.first([](const json_line& j) { return is_state(j, "shared-reassembly-fallback"); });
  REQUIRE(fallback);
  CHECK(fallback->num("status") == 0);  // the channel still carries
  CHECK(fallback->str("text").find("joined on this host") != std::string::npos);
  CHECK_FALSE(fallback->str("attributes", "reason").empty());  // Redis's error
  // Redis back on the same port: message 3 goes through it again, and the host says so.
  t.redis.start();
  t.send_long_mo(1, 3);
  REQUIRE(t.read([&] { return delivered(3, 4) && states().size() == 2; }, 20s));
  CHECK(states() == std::vector<std::string>{"shared-reassembly-fallback", "shared-reassembly"});
  // Every part the SMSC sent acknowledged once, and nothing more arriving.
  REQUIRE(t.read([&] { return t.acknowledged().size() == t.deliveries().size(); }, 10s));
  t.read([] { return false; }, 500ms);
  const auto texts = t.texts(0);
  CHECK(texts.size() == 4);
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(texts.at(account_hosts::text_of(i)) == 1);  // once, whole (the text as sent)
  }
  const auto acked = t.acknowledged();
  CHECK(acked.size() == 4 * 4);
  for (const auto& [delivery, count] : acked)
    CHECK(count == 1);
  CHECK(states().size() == 2);  // said once each way, not once per part
  std::set<std::string> conns;  // the parts came over both binds, joined in one place
  for (const auto& e : t.smsc.events)
    if (e.str("event") == "deliver_sm") conns.insert(e.str("conn"));
  CHECK(conns.size() == 2);
  CHECK(host.finish() == 0);
}
