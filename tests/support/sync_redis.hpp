// sync_redis.hpp - for tests beside a real redis-server (redis_server.hpp): a blocking hiredis
// connection that runs one command at a time and hands back hiredis's reply (the caller frees it
// with freeReplyObject), and run_until(), which turns an io_context until a condition holds.
#ifndef SMSDRV_TEST_SYNC_REDIS_HPP
#define SMSDRV_TEST_SYNC_REDIS_HPP

extern "C" {
#include <hiredis/hiredis.h>
}

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace smsdrv::test {

struct sync_redis {
  redisContext* c;
  explicit sync_redis(std::uint16_t port) : c(redisConnect("127.0.0.1", port)) {
    REQUIRE(c != nullptr);
    REQUIRE(c->err == 0);
  }
  sync_redis(const sync_redis&) = delete;
  sync_redis& operator=(const sync_redis&) = delete;
  ~sync_redis() { redisFree(c); }

  redisReply* command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> len;
    for (const auto& a : args) {
      argv.push_back(a.c_str());
      len.push_back(a.size());
    }
    return static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), len.data()));
  }
};

// Runs `io` until `done()` holds or `limit` has passed (the caller checks which).
template <class Pred>
void run_until(boost::asio::io_context& io, Pred done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.run_for(std::chrono::milliseconds(5));
    io.restart();
  }
}

}  // namespace smsdrv::test

#endif
