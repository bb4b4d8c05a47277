// dms-stub's web console over real sockets: authentication, sessions, the cross-site check, the
// channel status API and the metrics on the console's port (docs/console.md).
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "http_get.hpp"
#include "stub_fixture.hpp"

using namespace smsdrv::test;

namespace {

constexpr const char* token = "console-token-0123456789-abcdef";

std::string token_file(stub_setup& setup, const std::string& text = token, mode_t mode = 0600) {
  const std::string path = setup.dir().write("console.token", text + "\n");
  ::chmod(path.c_str(), mode);
  return path;
}

// The port of "console on http://127.0.0.1:<port>/" in the log.
uint16_t console_port(stub& s) {
  for (int i = 0; i < 100; ++i) {
    const auto line = s.process().read_stderr_line(std::chrono::milliseconds(100));
    if (!line) continue;
    const auto at = line->find("console on http://127.0.0.1:");
    if (at != std::string::npos) return static_cast<uint16_t>(std::stoi(line->substr(at + 28)));
  }
  FAIL("no console in the log: " << s.log());
  return 0;
}

std::string header(const http_answer& a, const std::string& name) {
  const auto at = a.head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return {};
  const auto start = at + 4 + name.size();
  return a.head.substr(start, a.head.find("\r\n", start) - start);
}

const std::string bearer = std::string("Authorization: Bearer ") + token + "\r\n";
const std::string from_console = "X-DMS-Console: 1\r\n";

}  // namespace

TEST_CASE("console: every API call needs the token; a login gives a session, never the token",
          "[stub][console]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config),
                       {"--console", "127.0.0.1:0", "--console-token-file", token_file(setup)});
  const uint16_t port = console_port(*s);
  std::string everything;  // every answer, to look for the token in
  auto call = [&](const std::string& method, const std::string& path, const std::string& head,
                  const std::string& body = {}) {
    http_answer a = http_request(port, method, path, head, body);
    everything += a.head + a.body;
    return a;
  };

  // The page itself carries no data and needs no login; what it shows comes from the API.
  const auto page = call("GET", "/", "");
  CHECK(page.status == 200);
  CHECK(header(page, "Content-Type") == "text/html; charset=utf-8");
  CHECK(header(page, "Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  CHECK(page.body.find("/console.js") != std::string::npos);
  CHECK(call("GET", "/console.js", "").status == 200);

  // Without the token: nothing.
  for (const char* path : {"/api/channels", "/metrics", "/api/session", "/api/nope"})
    CHECK(call("GET", path, "").status == 401);
  CHECK(call("GET", "/api/channels", "Authorization: Bearer not-the-token-at-all-000000\r\n")
            .status == 401);

  // With it: the channels, each with its driver and, once reported, its state.
  http_answer channels;
  for (int i = 0; i < 50; ++i) {
    channels = call("GET", "/api/channels", bearer);
    if (channels.body.find("\"reported\":false") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(channels.status == 200);
  CHECK(header(channels, "Content-Type") == "application/json");
  CHECK(
      channels.body.find("{\"name\":\"channel-pager\",\"driver\":\"fake\",\"state\":{\"reported\":"
                         "true,\"status\":0,\"name\":\"SMSDRV_OK\",\"text\":\"bound\","
                         "\"attributes\":{\"state\":\"bound\"}") != std::string::npos);
  CHECK(channels.body.find("\"name\":\"channel-sms1\"") != std::string::npos);
  const auto metrics = call("GET", "/metrics", bearer);
  CHECK(metrics.status == 200);
  CHECK(header(metrics, "Content-Type") == "text/plain; version=0.0.4; charset=utf-8");

  // Cross-site: a state-changing request needs the console's header and, when a browser names
  // one, the console's own origin.
  const std::string login = std::string("{\"token\":\"") + token + "\"}";
  CHECK(call("POST", "/api/login", "Content-Type: application/json\r\n", login).status == 403);
  CHECK(
      call("POST", "/api/login", from_console + "Origin: http://evil.example\r\n", login).status ==
      403);
  CHECK(call("POST", "/api/login", from_console, "{\"token\":\"wrong\"}").status == 401);
  CHECK(call("POST", "/api/login", from_console, "not json").status == 400);
  CHECK(call("GET", "/api/login", "").status == 405);

  const auto in = call("POST", "/api/login", from_console + "Origin: http://127.0.0.1\r\n", login);
  REQUIRE(in.status == 204);
  const std::string cookie = header(in, "Set-Cookie");
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  const std::string session = cookie.substr(0, cookie.find(';'));
  CHECK(session.rfind("dms-console-session=", 0) == 0);
  const std::string with_session = "Cookie: " + session + "\r\n";
  CHECK(call("GET", "/api/session", with_session).status == 204);
  CHECK(call("GET", "/api/channels", with_session).status == 200);
  // A session cookie does not stand in for the cross-site header.
  CHECK(call("POST", "/api/logout", with_session).status == 403);
  CHECK(call("POST", "/api/logout", with_session + from_console).status == 204);
  CHECK(call("GET", "/api/channels", with_session).status == 401);

  CHECK(s->finish() == 0);
  CHECK(everything.find(token) == std::string::npos);
  CHECK(s->log().find(token) == std::string::npos);
}

TEST_CASE("console: a token file that others can read or a short token stops the start, named",
          "[stub][console]") {
  stub_setup setup;
  const std::string config = setup.config(standard_config);
  {
    const std::string path = token_file(setup, token, 0644);
    auto s = setup.start(config, {"--console", "127.0.0.1:0", "--console-token-file", path});
    CHECK(s->finish() == 1);
    CHECK(s->log().find("--console-token-file " + path +
                        ": other users may read or change it; make it readable by its owner "
                        "only (chmod 600)") != std::string::npos);
  }
  {
    const std::string path = token_file(setup, "short-secret");
    auto s = setup.start(config, {"--console", "127.0.0.1:0", "--console-token-file", path});
    CHECK(s->finish() == 1);
    CHECK(s->log().find("must be at least 24 characters long") != std::string::npos);
    CHECK(s->log().find("short-secret") == std::string::npos);
  }
  {
    auto s = setup.start(config, {"--console", "127.0.0.1:0"});
    CHECK(s->finish() == 2);
    CHECK(s->log().find("--console needs --console-token-file FILE") != std::string::npos);
  }
}

TEST_CASE("console: a reload's channels appear on the status API, removed ones go",
          "[stub][console]") {
  stub_setup setup;
  setup.add_module("channel-fakeb", FAKE_DRIVER_B_PATH, "libfakeb.so");
  const std::string both = "[channel-keep]\ndriver = fakeb\n[channel-gone]\ndriver = fakeb\n";
  const std::string config = setup.config(both);
  auto s =
      setup.start(config, {"--console", "127.0.0.1:0", "--console-token-file", token_file(setup)});
  const uint16_t port = console_port(*s);
  CHECK(http_request(port, "GET", "/api/channels", bearer).body.find("channel-gone") !=
        std::string::npos);
  setup.config("[channel-keep]\ndriver = fakeb\n[channel-new]\ndriver = fakeb\n");
  s->process().kill(SIGHUP);
  std::string body;
  for (int i = 0; i < 100; ++i) {
    body = http_request(port, "GET", "/api/channels", bearer).body;
    if (body.find("channel-new") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(body.find("channel-gone") == std::string::npos);
  CHECK(body.find("\"name\":\"channel-new\",\"driver\":\"fakeb\"") != std::string::npos);
  CHECK(body.find("\"name\":\"channel-keep\",\"driver\":\"fakeb\"") != std::string::npos);
  CHECK(s->finish() == 0);
}

TEST_CASE("console: a test SMS goes out like a request, its outcome comes back to the console",
          "[stub][console]") {
  stub_setup setup;
  auto s = setup.start(setup.config(standard_config),
                       {"--console", "127.0.0.1:0", "--console-token-file", token_file(setup)});
  const uint16_t port = console_port(*s);
  const std::string sms = R"({"channel":"channel-sms1","to":"4917612345678","text":"hello"})";
  CHECK(http_request(port, "POST", "/api/test-sms", bearer, sms).status == 403);  // cross-site
  const auto sent = http_request(port, "POST", "/api/test-sms", bearer + from_console, sms);
  REQUIRE(sent.status == 202);
  CHECK(sent.body == R"({"id":"console-test-1"})");
  // On stdout like any other request's answer.
  const auto response = s->response("console-test-1");
  CHECK(response.ok());
  std::string tests;
  for (int i = 0; i < 50; ++i) {
    tests = http_request(port, "GET", "/api/test-sms", bearer).body;
    if (tests.find("\"answered\":true") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(tests.find(R"({"id":"console-test-1","channel":"channel-sms1","to":"*********5678",)") !=
        std::string::npos);
  CHECK(tests.find(
            R"("answered":true,"ok":true,"status":"SMSDRV_OK","text":"","messageId":"fake-)") !=
        std::string::npos);
  CHECK(tests.find("4917612345678") == std::string::npos);

  // Refusals name the problem and change nothing.
  const auto unknown = http_request(port, "POST", "/api/test-sms", bearer + from_console,
                                    R"({"channel":"channel-nope","to":"1","text":"x"})");
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("SMSDRV_E_UNKNOWN_CHANNEL: no channel 'channel-nope' is served") !=
        std::string::npos);
  const auto empty = http_request(port, "POST", "/api/test-sms", bearer + from_console,
                                  R"({"channel":"channel-sms1","to":"","text":"x"})");
  CHECK(empty.status == 400);
  CHECK(empty.body.find("the mobile number is missing") != std::string::npos);
  CHECK(http_request(port, "POST", "/api/test-sms", bearer + from_console, "{}").status == 400);
  CHECK(s->finish() == 0);
  CHECK(s->seen("esp-response").size() == 1);
}
