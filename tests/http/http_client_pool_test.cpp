// io::http_client_pool (x-http-io-threads: an HTTP channel's exchanges on threads of its own)
// against our test gateway on loopback. The test's thread plays the driver's I/O thread: it runs
// the io_context the pool delivers to. Asserted: every request reaches the gateway once and has
// exactly one result, delivered on the I/O thread; every shard takes a share; abort_all() gives
// every exchange its result before it returns, written or not; a reset after the request was
// written is not sent again; a pool destroyed with exchanges in flight never calls back.
#include "io/http_client_pool.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <thread>

#include "http_peers.hpp"

using namespace smsdrv;
using namespace smsdrv::test;
using http::transport_failure;

namespace {

class harness {
 public:
  harness(std::size_t threads, io::http_client_settings s = {}) {
    pool_ = std::make_unique<io::http_client_pool>(
        io_, std::move(s), threads,
        [this](std::uint64_t tag, io::http_result&& r) {
          // On the I/O thread, once per request.
          if (std::this_thread::get_id() != self_) ++wrong_thread_;
          ++calls_[tag];
          results_[tag] = std::move(r);
        },
        [this] { ++batches_; });
  }

  // Starts every request (the pool keeps pointers to them until their results), then hands them
  // over, as the channel's shell does at the end of a pass.
  void start(const std::vector<std::string>& urls) {
    for (const auto& url : urls) {
      auto& r = requests_[++next_];
      r.verb = http::method::post;
      r.url = url;
      r.body = "to=1&text=" + std::to_string(next_);
      pool_->start_borrowed(next_, r);
    }
    pool_->flush();
  }

  bool run_until_done(std::size_t count, std::chrono::milliseconds within = 20s) {
    const auto until = std::chrono::steady_clock::now() + within;
    while (results_.size() < count && std::chrono::steady_clock::now() < until) {
      io_.restart();
      io_.run_for(20ms);
    }
    return results_.size() >= count;
  }
  void run_for(std::chrono::milliseconds d) {
    io_.restart();
    io_.run_for(d);
  }

  io::http_client_pool& pool() { return *pool_; }
  void destroy_pool() { pool_.reset(); }
  std::map<std::uint64_t, io::http_result>& results() { return results_; }
  // Every tag called back exactly once, none twice, none on another thread.
  void check_once_each(std::size_t count) const {
    CHECK(wrong_thread_ == 0);
    CHECK(calls_.size() == count);
    for (const auto& [tag, n] : calls_) {
      CAPTURE(tag);
      CHECK(n == 1);
    }
  }
  int batches() const { return batches_; }
  std::size_t calls() const { return calls_.size(); }

 private:
  boost::asio::io_context io_;
  const std::thread::id self_ = std::this_thread::get_id();
  std::map<std::uint64_t, http::built_request> requests_;  // node-based: never moves
  std::map<std::uint64_t, io::http_result> results_;
  std::map<std::uint64_t, int> calls_;
  int wrong_thread_ = 0;
  int batches_ = 0;
  std::uint64_t next_ = 0;
  std::unique_ptr<io::http_client_pool> pool_;
};

// The texts of the requests the gateway received, each with how often.
std::map<std::string, int> texts_at(test_gateway& gw, std::size_t at_least) {
  std::map<std::string, int> seen;
  for (const auto& r : gw.requests(at_least))
    ++seen[r.param("text")];
  return seen;
}

}  // namespace

TEST_CASE("exchanges spread over three threads: each request once at the gateway, one result") {
  test_gateway gw;
  io::http_client_settings s;
  s.max_connections = 12;
  harness h(3, s);
  REQUIRE(h.pool().threads() == 3);
  std::vector<std::string> urls;
  for (int i = 0; i < 60; ++i)
    urls.push_back(gw.url(i % 4 == 0 ? "/slow/50" : "/send"));
  h.start(urls);
  CHECK(h.pool().active() == 60);
  REQUIRE(h.run_until_done(60));
  h.check_once_each(60);
  CHECK(h.pool().active() == 0);
  CHECK(h.batches() >= 1);
  for (const auto& [tag, r] : h.results()) {
    CAPTURE(tag, r.detail);
    CHECK(r.failure == transport_failure::none);
    CHECK(r.status == 200);
    CHECK(r.request_written);
  }
  // Every shard took a share (the least busy first), and none more than its connections allow
  // at a time: 12 over 3 threads is 4 each.
  const auto per_thread = h.pool().started_per_thread();
  REQUIRE(per_thread.size() == 3);
  for (std::uint64_t n : per_thread)
    CHECK(n == 20);
  const auto seen = texts_at(gw, 60);
  CHECK(seen.size() == 60);
  for (const auto& [text, n] : seen) {
    CAPTURE(text);
    CHECK(n == 1);
  }
  // Each shard has connections of its own, kept alive for the next batch.
  std::set<int> connections;
  for (const auto& r : gw.requests())
    connections.insert(r.client_port);
  CHECK(connections.size() >= 3);
  CHECK(h.pool().open_connections() >= 3);
  CHECK(h.pool().open_connections() <= 12);

  // A second batch reuses them: no new connection per request.
  std::vector<std::string> again(30, gw.url("/send"));
  h.start(again);
  REQUIRE(h.run_until_done(90));
  h.check_once_each(90);
  CHECK(texts_at(gw, 90).size() == 90);
}

TEST_CASE("abort_all on two threads: every exchange has its result at once, written or not") {
  test_gateway gw;
  io::http_client_settings s;
  s.max_connections = 2;  // one connection per thread: the second request on each waits in curl
  harness h(2, s);
  h.start({gw.url("/slow/5000"), gw.url("/slow/5000"), gw.url("/slow/5000"), gw.url("/slow/5000")});
  // Until both connections' requests are at the gateway.
  REQUIRE(gw.requests(2).size() == 2);
  h.run_for(100ms);
  CHECK(h.results().empty());
  h.pool().abort_all("the driver shut down");
  REQUIRE(h.results().size() == 4);
  h.check_once_each(4);
  CHECK(h.pool().active() == 0);
  int written = 0;
  for (const auto& [tag, r] : h.results()) {
    CAPTURE(tag);
    CHECK(r.failure == transport_failure::local);
    CHECK(r.detail == "the driver shut down");
    written += r.request_written;
  }
  // One written and one never sent on each thread.
  CHECK(written == 2);
  CHECK(h.pool().started_per_thread() == std::vector<std::uint64_t>{2, 2});
  // Nothing more is delivered, and the requests that waited never reached the gateway.
  h.run_for(300ms);
  h.check_once_each(4);
  CHECK(gw.requests().size() == 2);
}

TEST_CASE("a connection reset after the request was written, on two threads: never resent") {
  test_gateway gw;
  io::http_client_settings s;
  s.max_connections = 4;
  harness h(2, s);
  // Warm connections first: curl would send a request whose reused connection died again.
  h.start({gw.url("/send"), gw.url("/send"), gw.url("/send"), gw.url("/send")});
  REQUIRE(h.run_until_done(4));
  h.start({gw.url("/reset"), gw.url("/reset"), gw.url("/reset"), gw.url("/reset")});
  REQUIRE(h.run_until_done(8));
  h.check_once_each(8);
  for (std::uint64_t tag = 5; tag <= 8; ++tag) {
    CAPTURE(tag);
    const auto& r = h.results().at(tag);
    CHECK(r.failure == transport_failure::connection_lost);
    CHECK(r.request_written);
  }
  CHECK(h.pool().started_per_thread() == std::vector<std::uint64_t>{4, 4});
  std::this_thread::sleep_for(500ms);
  const auto seen = texts_at(gw, 8);
  CHECK(seen.size() == 8);
  for (const auto& [text, n] : seen) {
    CAPTURE(text);
    CHECK(n == 1);
  }
}

TEST_CASE("a pool destroyed with exchanges in flight and results queued never calls back") {
  test_gateway gw;
  io::http_client_settings s;
  s.max_connections = 4;
  harness h(2, s);
  h.start({gw.url("/send"), gw.url("/send")});
  // Their results are posted to the I/O thread, which does not run meanwhile.
  REQUIRE(gw.requests(2).size() == 2);
  std::this_thread::sleep_for(300ms);
  h.start({gw.url("/slow/3000"), gw.url("/slow/3000")});
  REQUIRE(gw.requests(4).size() == 4);
  h.destroy_pool();
  h.run_for(300ms);
  CHECK(h.calls() == 0);
}

TEST_CASE("more threads than connections: only as many threads as connections") {
  test_gateway gw;
  io::http_client_settings s;
  s.max_connections = 2;
  harness h(16, s);
  CHECK(h.pool().threads() == 2);
  h.start({gw.url("/send"), gw.url("/send"), gw.url("/send")});
  REQUIRE(h.run_until_done(3));
  h.check_once_each(3);
}
