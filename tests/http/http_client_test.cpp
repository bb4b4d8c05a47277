// io::http_client (libcurl's multi interface on an Asio io_context) against real peers on
// loopback: our test gateway (tests/support/http_gateway.py), tinyproxy, HTTPS with the test CA.
// What is asserted is what the channel relies on: the request arrives as built, exactly once;
// keep-alive reuses connections; and every failure says whether the request was written.
#include "io/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "http_peers.hpp"
#include "io/tls_client.hpp"

using namespace smsdrv;
using namespace smsdrv::test;
using http::transport_failure;

namespace {

class harness {
 public:
  explicit harness(io::http_client_settings s = {})
      : client_(io_, std::move(s),
                [this](std::uint64_t tag, io::http_result&& r) { results_[tag] = std::move(r); }) {}

  void start(std::uint64_t tag, http::method m, std::string url, std::string body = {}) {
    http::built_request r;
    r.verb = m;
    r.url = std::move(url);
    r.body = std::move(body);
    client_.start(tag, std::move(r));
  }

  // Runs the I/O loop until every tag has its result (or `within` passes).
  bool run_until_done(std::size_t count, std::chrono::milliseconds within = 20s) {
    const auto until = std::chrono::steady_clock::now() + within;
    while (results_.size() < count && std::chrono::steady_clock::now() < until) {
      io_.restart();
      io_.run_for(20ms);
    }
    return results_.size() >= count;
  }

  io::http_result one(http::method m, std::string url, std::string body = {}) {
    const std::uint64_t tag = ++next_;
    start(tag, m, std::move(url), std::move(body));
    REQUIRE(run_until_done(results_.size() + 1));
    REQUIRE(results_.count(tag) == 1);
    return results_.at(tag);
  }

  io::http_client& client() { return client_; }
  std::map<std::uint64_t, io::http_result>& results() { return results_; }
  void run_for(std::chrono::milliseconds d) {
    io_.restart();
    io_.run_for(d);
  }

 private:
  boost::asio::io_context io_;
  std::map<std::uint64_t, io::http_result> results_;
  io::http_client client_;
  std::uint64_t next_ = 0;
};

std::shared_ptr<const io::tls_client> trust(const std::string& file, const std::string& password) {
  io::tls_settings t;
  t.mode = config::tls_mode::single;
  t.path = std::string(SMSDRV_TEST_CERTS) + "/" + file;
  t.file_password = password;
  io::tls_problem problem;
  std::vector<std::string> notes;
  auto c = io::tls_client::load(t, problem, notes);
  CAPTURE(problem.option, problem.text);
  REQUIRE(c);
  return c;
}

std::string cert(const std::string& name) {
  return std::string(SMSDRV_TEST_CERTS) + "/" + name;
}

}  // namespace

TEST_CASE("GET and POST arrive as built, once each, and the response comes back whole") {
  test_gateway gw({.success = "0: Accepted for delivery", .tls_cert = {}, .tls_key = {}});
  harness h;
  io::http_result r = h.one(http::method::get, gw.url("/send?to=4917612345678&text=a+b%20c%2B"));
  CHECK(r.failure == transport_failure::none);
  CHECK(r.request_written);
  CHECK(r.status == 200);
  CHECK(r.body == "0: Accepted for delivery id=1");
  r = h.one(http::method::post, gw.url("/send?token=abc"),
            "to=4917612345678&text=Gr%C3%BC%C3%9Fe+%F0%9F%98%80&pw=s%26cret");
  CHECK(r.status == 200);
  CHECK(r.request_written);
  const auto& seen = gw.requests(2);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].param("text") == "a b c+");
  CHECK(seen[1].method == "POST");
  CHECK(seen[1].query == "token=abc");
  CHECK(seen[1].content_type == "application/x-www-form-urlencoded");
  CHECK(seen[1].param("text") == "Grüße 😀");
  CHECK(seen[1].param("pw") == "s&cret");
}

TEST_CASE("keep-alive: sequential requests share one connection; without it, one each") {
  test_gateway gw;
  {
    harness h;
    for (int i = 0; i < 10; ++i)
      CHECK(h.one(http::method::post, gw.url("/send"), "to=1&text=x").status == 200);
    CHECK(h.client().open_connections() == 1);
  }
  auto seen = gw.requests(10);
  REQUIRE(seen.size() == 10);
  for (const auto& r : seen)
    CHECK(r.connection == seen.front().connection);

  io::http_client_settings s;
  s.keep_alive = false;
  {
    harness h(s);
    for (int i = 0; i < 3; ++i)
      CHECK(h.one(http::method::post, gw.url("/send"), "to=1&text=x").status == 200);
  }
  seen = gw.requests(13);
  REQUIRE(seen.size() == 13);
  CHECK(seen[10].connection != seen[11].connection);
  CHECK(seen[11].connection != seen[12].connection);
}

TEST_CASE("connections the gateway closes while idle, and failed names, leave nothing stale") {
  // A kept-alive connection stays watched between requests until curl closes it; its
  // descriptor number is then reused by the next connection (and by the resolver's sockets).
  test_gateway gw;
  harness h;
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(h.one(http::method::get, gw.url("/send-then-close?i=" + std::to_string(i))).status ==
          200);
    // The gateway's close reaches us while the connection is idle.
    h.run_for(100ms);
    if (i % 3 == 0)
      CHECK(h.one(http::method::get, "http://gateway.invalid/send").failure ==
            transport_failure::resolve);
    const io::http_result r = h.one(http::method::post, gw.url("/send"), "to=1&text=x");
    CHECK(r.status == 200);
    CHECK(r.failure == transport_failure::none);
  }
  CHECK(h.client().open_connections() == 1);
  const auto seen = gw.requests(16);
  REQUIRE(seen.size() == 16);
  // Each request after a close went on a new connection, which the next one reused.
  std::set<int> connections;
  for (const auto& r : seen)
    connections.insert(r.connection);
  CHECK(connections.size() == 9);
  for (std::size_t i = 2; i < seen.size(); i += 2) {
    CAPTURE(i);
    CHECK(seen[i].connection == seen[i - 1].connection);
    CHECK(seen[i].connection != seen[i + 1].connection);
  }
}

TEST_CASE("concurrent requests run at once on the one I/O thread") {
  test_gateway gw;
  io::http_client_settings s;
  s.max_connections = 8;
  harness h(s);
  const auto begin = std::chrono::steady_clock::now();
  for (std::uint64_t tag = 1; tag <= 8; ++tag)
    h.start(tag, http::method::get, gw.url("/slow/600"));
  REQUIRE(h.run_until_done(8));
  const auto took = std::chrono::steady_clock::now() - begin;
  for (auto& [tag, r] : h.results())
    CHECK(r.status == 200);
  // Eight 600 ms requests one after the other would take 4.8 s.
  CHECK(took < 4s);
  CHECK(gw.requests(8).size() == 8);
}

TEST_CASE("statuses and Retry-After come back as the gateway sent them") {
  test_gateway gw;
  harness h;
  io::http_result r = h.one(http::method::post, gw.url("/status/403"), "user=u&pw=secret");
  CHECK(r.failure == transport_failure::none);
  CHECK(r.status == 403);
  CHECK(r.body == "refused: user=u&pw=secret");
  r = h.one(http::method::get, gw.url("/retry-after/7"));
  CHECK(r.status == 503);
  REQUIRE(r.retry_after);
  CHECK(*r.retry_after == std::chrono::seconds(7));
}

TEST_CASE("a response after the timeout: outcome unknown, and the request was not sent again") {
  test_gateway gw;
  io::http_client_settings s;
  s.request_timeout = 700ms;
  harness h(s);
  io::http_result r = h.one(http::method::post, gw.url("/slow/2000"), "to=1&text=x");
  CHECK(r.failure == transport_failure::timeout);
  CHECK(r.request_written);
  // The next request on the same client works (a fresh connection).
  CHECK(h.one(http::method::post, gw.url("/send"), "to=1&text=y").status == 200);
  std::this_thread::sleep_for(1500ms);
  CHECK(gw.requests(2).size() == 2);
}

TEST_CASE("a connection reset after the request was written: lost after write, never resent") {
  test_gateway gw;
  harness h;
  // A fresh connection.
  io::http_result r = h.one(http::method::post, gw.url("/reset"), "to=1&text=x");
  CHECK(r.failure == transport_failure::connection_lost);
  CHECK(r.request_written);
  // A reused connection: curl would send the request again on a new one; it must not.
  CHECK(h.one(http::method::post, gw.url("/send"), "to=1&text=warm").status == 200);
  r = h.one(http::method::post, gw.url("/reset"), "to=1&text=reused");
  CHECK(r.failure == transport_failure::connection_lost);
  CHECK(r.request_written);
  r = h.one(http::method::get, gw.url("/close"));
  CHECK(r.failure == transport_failure::connection_lost);
  CHECK(r.request_written);
  std::this_thread::sleep_for(500ms);
  const auto& seen = gw.requests(4);
  REQUIRE(seen.size() == 4);
  int reused = 0;
  for (const auto& q : seen)
    reused += q.param("text") == "reused";
  CHECK(reused == 1);
}

TEST_CASE("a reset after the request was written, other connections kept alive: never resent") {
  // curl sends a request whose reused connection died again on another connection of its
  // cache, when it has one, without opening a socket: that must not happen either.
  test_gateway gw;
  io::http_client_settings s;
  s.max_connections = 3;
  harness h(s);
  for (std::uint64_t round = 0; round < 3; ++round) {
    CAPTURE(round);
    const std::uint64_t base = 10 * round;
    // Three connections at once, kept alive.
    for (std::uint64_t tag = base + 1; tag <= base + 3; ++tag)
      h.start(tag, http::method::post, gw.url("/slow/100"), "to=1&text=warm");
    REQUIRE(h.run_until_done(base / 10 * 5 + 3));
    h.start(base + 4, http::method::post, gw.url("/reset"),
            "to=1&text=reset" + std::to_string(round));
    h.start(base + 5, http::method::post, gw.url("/reset"),
            "to=1&text=other" + std::to_string(round));
    REQUIRE(h.run_until_done(base / 10 * 5 + 5));
    for (std::uint64_t tag : {base + 4, base + 5}) {
      CAPTURE(tag);
      CHECK(h.results().at(tag).failure == transport_failure::connection_lost);
      CHECK(h.results().at(tag).request_written);
    }
  }
  std::this_thread::sleep_for(500ms);
  std::map<std::string, int> texts;
  for (const auto& q : gw.requests(15))
    ++texts[q.param("text")];
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    CHECK(texts["reset" + std::to_string(round)] == 1);
    CHECK(texts["other" + std::to_string(round)] == 1);
  }
  CHECK(texts["warm"] == 9);
}

TEST_CASE("never reached the gateway: refused connection, unknown host") {
  harness h;
  const std::uint16_t closed = free_port();
  io::http_result r =
      h.one(http::method::post, "http://127.0.0.1:" + std::to_string(closed) + "/send", "a=1");
  CHECK(r.failure == transport_failure::connect);
  CHECK_FALSE(r.request_written);
  CHECK(r.octets_written == 0);
  r = h.one(http::method::get, "http://gateway.invalid/send");
  CHECK(r.failure == transport_failure::resolve);
  CHECK_FALSE(r.request_written);
  CHECK(r.detail.find("x-http-url") != std::string::npos);
}

TEST_CASE("HTTPS: our CA trusted; an untrusted certificate or a wrong name is a clear error") {
  test_gateway gw(
      {.success = "ACK", .tls_cert = cert("server.chain.pem"), .tls_key = cert("server.key")});
  io::http_client_settings s;
  s.trust = trust("trust.p12", "file-pw-1");
  {
    harness h(s);
    io::http_result r = h.one(http::method::post, gw.url("/send", true), "to=1&text=x");
    CAPTURE(r.detail);
    CHECK(r.status == 200);
  }
  {
    harness h;  // the system trust store does not know the test CA
    io::http_result r = h.one(http::method::post, gw.url("/send", true), "to=1&text=x");
    CHECK(r.failure == transport_failure::tls);
    CHECK_FALSE(r.request_written);
    CHECK(r.detail.find("not trusted") != std::string::npos);
    CHECK(r.detail.find("x-http-tls-path-to-certificate") != std::string::npos);
  }
  test_gateway other({.success = "ACK",
                      .tls_cert = cert("server-other-ca.chain.pem"),
                      .tls_key = cert("server-other-ca.key")});
  {
    harness h(s);
    io::http_result r = h.one(http::method::post, other.url("/send", true), "to=1&text=x");
    CHECK(r.failure == transport_failure::tls);
    CHECK_FALSE(r.request_written);
  }
  test_gateway wrong({.success = "ACK",
                      .tls_cert = cert("server-wrong-name.chain.pem"),
                      .tls_key = cert("server-wrong-name.key")});
  {
    harness h(s);
    io::http_result r = h.one(http::method::post, wrong.url("/send", true), "to=1&text=x");
    CHECK(r.failure == transport_failure::tls);
    CHECK_FALSE(r.request_written);
    s.tls_verification = config::tls_verification::insecure_no_host_name;
    harness relaxed(s);
    CHECK(relaxed.one(http::method::post, wrong.url("/send", true), "to=1&text=x").status == 200);
  }
  // Requests that never reached the gateway were not logged by it.
  CHECK(gw.requests(1).size() == 1);
  CHECK(other.requests().empty());
  CHECK(wrong.requests(1).size() == 1);
}

TEST_CASE("through tinyproxy with Basic authentication: forwarding for http, CONNECT for https") {
  test_gateway gw;
  test_gateway tls_gw(
      {.success = "ACK", .tls_cert = cert("server.chain.pem"), .tls_key = cert("server.key")});
  tinyproxy proxy("proxyuser", "proxy-pw", tls_gw.port());
  io::http_client_settings s;
  s.proxy_url = proxy.url();
  s.proxy_user = "proxyuser";
  s.proxy_password = "proxy-pw";
  s.trust = trust("trust.p12", "file-pw-1");
  {
    harness h(s);
    CHECK(h.one(http::method::post, gw.url("/send"), "to=1&text=plain").status == 200);
    io::http_result r = h.one(http::method::post, tls_gw.url("/send", true), "to=1&text=tunnel");
    CAPTURE(r.detail);
    CHECK(r.status == 200);
  }
  CHECK(gw.requests(1).size() == 1);
  CHECK(tls_gw.requests(1).size() == 1);

  s.proxy_password = "wrong";
  harness h(s);
  // Forwarding: the proxy answers itself (tinyproxy 1.11 with 401 instead of 407, then resets).
  io::http_result r = h.one(http::method::post, gw.url("/send"), "to=1&text=x");
  CHECK(r.failure == transport_failure::none);
  CHECK((r.status == 401 || r.status == 407));
  CHECK(r.detail.find("x-http-proxy-password") != std::string::npos);
  // CONNECT: the tunnel is refused.
  r = h.one(http::method::post, tls_gw.url("/send", true), "to=1&text=x");
  CHECK(r.failure == transport_failure::proxy);
  CHECK_FALSE(r.request_written);
  CHECK(r.detail.find("x-http-proxy-password") != std::string::npos);
  CHECK(r.detail.find("wrong") == std::string::npos);
  // Nothing more reached the gateways.
  std::this_thread::sleep_for(300ms);
  CHECK(gw.requests().size() == 1);
  CHECK(tls_gw.requests().size() == 1);
}

TEST_CASE("abort_all ends every transfer at once, saying whether it was written") {
  test_gateway gw;
  harness h;
  h.start(1, http::method::post, gw.url("/slow/5000"), "to=1&text=x");
  h.start(2, http::method::post, "http://127.0.0.1:" + std::to_string(free_port()) + "/send",
          "to=1&text=y");
  // Until the first request is at the gateway.
  gw.requests(1);
  h.run_for(100ms);
  h.client().abort_all("the driver shut down");
  REQUIRE(h.results().size() == 2);
  CHECK(h.client().active() == 0);
  CHECK(h.results().at(1).failure == transport_failure::local);
  CHECK(h.results().at(1).request_written);
  CHECK(h.results().at(1).detail == "the driver shut down");
}
