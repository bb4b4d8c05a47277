// The store of long inbound messages' parts against a real redis-server started by the test,
// with two stores playing two hosts of one account: parts stored by either complete the
// message for exactly one of them, with every part's bytes; a part of a message awaiting its
// host is "awaiting", of one taken a duplicate; reopen lets it complete again; a host that
// never answers loses the message to the next that asks after the hold; take() at a deadline
// gets what is held once; Redis killed -> failed (said once), back -> answering (said once).
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "io/redis_parts_store.hpp"
#include "redis_server.hpp"

using namespace smsdrv;
using namespace std::chrono_literals;
using channel::remote_outcome;

namespace {

io::redis_parts_settings settings(std::uint16_t port, std::chrono::milliseconds hold) {
  io::redis_parts_settings s;
  s.redis.host = "127.0.0.1";
  s.redis.port = port;
  s.account = "esme";
  s.hold = hold;
  return s;
}

struct host {
  std::vector<std::pair<bool, std::string>> modes;  // (unreachable, reason)
  std::size_t after_reply = 0;
  io::redis_parts_store store;
  host(boost::asio::io_context& io, std::uint16_t port, std::chrono::milliseconds hold = 60s)
      : store(
            io, settings(port, hold), [this] { ++after_reply; },
            [this](bool unreachable, const std::string& reason) {
              modes.emplace_back(unreachable, reason);
            }) {}
};

channel::remote_message_key message(std::uint16_t ref, std::uint8_t total) {
  return {"4915550002", "12345", text::concat_method::udh8, ref, total};
}

channel::remote_reply run(boost::asio::io_context& io,
                          const std::function<void(channel::remote_parts::handler)>& call) {
  std::optional<channel::remote_reply> out;
  call([&](channel::remote_reply& r, auto, auto) { out = std::move(r); });
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (!out && std::chrono::steady_clock::now() < end) {
    io.run_for(5ms);
    io.restart();
  }
  REQUIRE(out);
  return *out;
}

channel::remote_reply store(boost::asio::io_context& io, host& h,
                            const channel::remote_message_key& k, std::uint8_t seq,
                            std::string part) {
  return run(io, [&](auto done) { h.store.store(k, seq, std::move(part), std::move(done)); });
}

void settle(boost::asio::io_context& io) {
  for (int i = 0; i < 20; ++i) {
    io.run_for(5ms);
    io.restart();
  }
}

}  // namespace

TEST_CASE("parts stored by two hosts complete the message once, for the host that completes it") {
  test::redis_server redis;
  boost::asio::io_context io;
  host a(io, redis.port()), b(io, redis.port());
  const auto k = message(7, 3);
  CHECK(store(io, a, k, 2, std::string("\0\0\0two", 6)).outcome == remote_outcome::held);
  CHECK(store(io, b, k, 1, std::string("\0\0\0one", 6)).outcome == remote_outcome::held);
  CHECK(store(io, b, k, 1, std::string("\0\0\0one", 6)).outcome == remote_outcome::held);  // again
  auto done = store(io, a, k, 3, std::string("\0\0\0three", 8));
  REQUIRE(done.outcome == remote_outcome::completed);
  CHECK(done.parts == std::vector<std::string>{std::string("\0\0\0one", 6),
                                               std::string("\0\0\0two", 6),
                                               std::string("\0\0\0three", 8)});
  CHECK(a.after_reply == 2);
  // A part again while a's host decides: awaiting, on either host.
  CHECK(store(io, b, k, 3, std::string("\0\0\0three", 8)).outcome == remote_outcome::awaiting);
  CHECK(store(io, a, k, 1, std::string("\0\0\0one", 6)).outcome == remote_outcome::awaiting);
  // Taken by the host: every part again is a duplicate.
  a.store.confirm(k);
  settle(io);
  CHECK(store(io, b, k, 2, std::string("\0\0\0two", 6)).outcome == remote_outcome::duplicate);
  CHECK(store(io, b, k, 3, std::string("\0\0\0three", 8)).outcome == remote_outcome::duplicate);
  // The deadline's take finds nothing to take.
  CHECK(run(io, [&](auto d) { b.store.take(k, std::move(d)); }).outcome ==
        remote_outcome::duplicate);
  CHECK(a.modes.empty());
  CHECK(b.modes.empty());
}

TEST_CASE("a refused message opens again without its completing part, which completes it again") {
  test::redis_server redis;
  boost::asio::io_context io;
  host a(io, redis.port()), b(io, redis.port());
  const auto k = message(8, 2);
  CHECK(store(io, a, k, 1, std::string("\0\0\0x", 4)).outcome == remote_outcome::held);
  CHECK(store(io, a, k, 2, std::string("\0\0\0y", 4)).outcome == remote_outcome::completed);
  a.store.reopen(k, 2);
  settle(io);
  auto again = store(io, b, k, 2, std::string("\0\0\0y", 4));
  REQUIRE(again.outcome == remote_outcome::completed);
  CHECK(again.parts.size() == 2);
}

TEST_CASE("a host that never decides: after the hold the next part completes the message again") {
  test::redis_server redis;
  boost::asio::io_context io;
  host a(io, redis.port(), 300ms), b(io, redis.port(), 300ms);
  const auto k = message(9, 2);
  CHECK(store(io, a, k, 1, std::string("\0\0\0p", 4)).outcome == remote_outcome::held);
  CHECK(store(io, a, k, 2, std::string("\0\0\0q", 4)).outcome == remote_outcome::completed);
  CHECK(store(io, b, k, 2, std::string("\0\0\0q", 4)).outcome == remote_outcome::awaiting);
  std::this_thread::sleep_for(400ms);
  auto again = store(io, b, k, 2, std::string("\0\0\0q", 4));
  REQUIRE(again.outcome == remote_outcome::completed);
  CHECK(again.parts[0] == std::string("\0\0\0p", 4));
  // And once only: a's late part is awaiting b's host now.
  CHECK(store(io, a, k, 1, std::string("\0\0\0p", 4)).outcome == remote_outcome::awaiting);
}

TEST_CASE("at a deadline take() gets what is held once, missing parts empty") {
  test::redis_server redis;
  boost::asio::io_context io;
  host a(io, redis.port()), b(io, redis.port());
  const auto k = message(10, 3);
  CHECK(store(io, a, k, 2, std::string("\0\0\0mid", 6)).outcome == remote_outcome::held);
  auto taken = run(io, [&](auto d) { b.store.take(k, std::move(d)); });
  REQUIRE(taken.outcome == remote_outcome::completed);
  CHECK(taken.parts == std::vector<std::string>{"", std::string("\0\0\0mid", 6), ""});
  CHECK(run(io, [&](auto d) { a.store.take(k, std::move(d)); }).outcome ==
        remote_outcome::duplicate);
}

TEST_CASE("Redis away: the store fails and says so once; back: it answers and says so once") {
  test::redis_server redis;
  boost::asio::io_context io;
  host a(io, redis.port());
  const auto k = message(11, 2);
  CHECK(store(io, a, k, 1, std::string("\0\0\0a", 4)).outcome == remote_outcome::held);
  redis.stop();
  auto failed = store(io, a, k, 2, std::string("\0\0\0b", 4));
  CHECK(failed.outcome == remote_outcome::failed);
  CHECK(failed.error.find("Redis at 127.0.0.1:") != std::string::npos);
  CHECK(store(io, a, k, 2, std::string("\0\0\0b", 4)).outcome == remote_outcome::failed);
  REQUIRE(a.modes.size() == 1);
  CHECK(a.modes[0].first);
  redis.start();
  // A fresh server: part 1 is gone with the old one; part 2 is held on its own.
  CHECK(store(io, a, k, 2, std::string("\0\0\0b", 4)).outcome == remote_outcome::held);
  REQUIRE(a.modes.size() == 2);
  CHECK_FALSE(a.modes[1].first);
}
