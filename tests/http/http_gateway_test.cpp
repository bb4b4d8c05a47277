// HTTP gateway channels end to end: dms-stub + the real module + real peers on loopback --
// Kannel (bearerbox, smsbox's sendsms, fakesmsc), our test gateway, tinyproxy, HTTPS with the
// test CA. Every request gets exactly one response, counted against what reached the gateway;
// passwords never show in a log line or an event.
#include <set>

#include "e2e_fixture.hpp"
#include "http_peers.hpp"

using namespace smsdrv::test;

namespace {

std::string cert(const std::string& name) {
  return std::string(SMSDRV_TEST_CERTS) + "/" + name;
}

// An [channel-<name>] section of an HTTP gateway: the given options after the common ones.
std::string http_section(const std::string& name, const std::string& url,
                         const std::string& extra) {
  return "[" + name +
         "]\n"
         "x-gateway-type = http\n"
         "x-http-url = " +
         url +
         "\n"
         "x-http-destination-param = to\n"
         "x-http-message-param = text\n"
         "x-http-max-rate = 1000\n"
         "default-reply-address = 12345\n" +
         extra + "\n";
}

// dms-stub over a server root with the module and `cfg`.
struct http_stack {
  server_root root;
  std::unique_ptr<subprocess> dms;
  std::vector<json_line> out;

  explicit http_stack(const std::string& cfg, const std::string& log_level = "info") {
    const auto path = root.write_cfg(cfg);
    dms = std::make_unique<subprocess>(
        std::vector<std::string>{SMSDRV_DMS_STUB_PATH, "run", "--config", path.string(),
                                 "--log-level", log_level, "--drain", "10"});
  }
  void send(const std::string& id, const std::string& channel, const std::string& text,
            std::vector<std::pair<std::string, std::string>> more = {}) {
    more.insert(more.begin(), {{"_smsDestNumber", "+4917612345678"}, {"_smsText", text}});
    dms->write_line(send_sms(id, channel, more));
  }
  std::optional<json_line> response(const std::string& id, std::chrono::milliseconds t = 20s) {
    auto is_it = [&](const json_line& j) {
      return j.str("event") == "esp-response" && j.str("id") == id;
    };
    for (const auto& j : out)
      if (is_it(j)) return j;
    return read_until(*dms, out, is_it, t);
  }
  // Closes the input, waits for the end; every request id got exactly one response.
  std::string finish(const std::vector<std::string>& ids) {
    dms->close_stdin();
    auto rc = dms->wait(30s);
    REQUIRE(rc);
    CHECK(*rc == 0);
    while (auto line = dms->read_line(100ms))
      if (auto j = parse_json(*line)) out.push_back(*j);
    for (const auto& id : ids) {
      int n = 0;
      for (const auto& j : out)
        n += j.str("event") == "esp-response" && j.str("id") == id;
      CAPTURE(id);
      CHECK(n == 1);
    }
    return dms->stderr_text();
  }
};

std::string texts_of(const std::vector<std::string>& delivered) {
  std::string all;
  for (const auto& d : delivered)
    all += d + "\n";
  return all;
}

}  // namespace

TEST_CASE("Kannel: GET with '+' and with %20, its success string, one message per request") {
  kannel k;
  const std::string common =
      "x-http-method = GET\n"
      "x-http-sender-param = from\n"
      "x-http-param-1 = username=tester\n"
      "x-http-password-param-2 = password=foobar\n"
      "x-http-success-contains = Accepted for delivery\n";
  http_stack s(
      http_section("channel-plus", k.sendsms_url(), common) +
      http_section("channel-pct", k.sendsms_url(), common + "x-http-space-encoding = percent20\n"));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    for (const std::string ch : {"plus", "pct"}) {
      const std::string id = ch + std::to_string(i);
      s.send(id, "channel-" + ch, "Hello " + ch + " " + std::to_string(i) + " a+b & c");
      ids.push_back(id);
    }
  }
  for (const auto& id : ids) {
    auto r = s.response(id);
    REQUIRE(r);
    CAPTURE(r->text);
    CHECK(r->str("ok") == "true");
  }
  s.finish(ids);
  const auto& got = k.delivered(10);
  CHECK(got.size() == 10);
  const std::string all = texts_of(got);
  for (int i = 0; i < 5; ++i)
    for (const std::string ch : {"plus", "pct"}) {
      const std::string text = "Hello " + ch + " " + std::to_string(i) + " a+b & c";
      CAPTURE(all, text);
      // Exactly once, blanks as blanks whichever way they were encoded.
      const auto at = all.find(" " + text + "\n");
      CHECK(at != std::string::npos);
      CHECK(all.find(" " + text + "\n", at + 1) == std::string::npos);
    }
  CHECK(all.find("12345 4917612345678 text") != std::string::npos);
}

TEST_CASE("Kannel: a wrong password is refused with HTTP 403 and Kannel's words") {
  kannel k;
  http_stack s(http_section("channel-k", k.sendsms_url(),
                            "x-http-method = GET\n"
                            "x-http-param-1 = username=tester\n"
                            "x-http-password-param-2 = password=Wr0ngPass\n"
                            "x-http-success-contains = Accepted for delivery\n"));
  s.send("r1", "channel-k", "never delivered");
  auto r = s.response("r1");
  REQUIRE(r);
  CHECK(r->str("ok") == "false");
  CHECK(r->str("error", "name") == "SMSDRV_E_SMSC_REJECTED");
  CHECK(r->str("error", "text") == "HTTP 403 Forbidden: Authorization failed for sendsms");
  const std::string log = s.finish({"r1"});
  CHECK(log.find("Wr0ngPass") == std::string::npos);
  for (const auto& j : s.out)
    CHECK(j.text.find("Wr0ngPass") == std::string::npos);
  CHECK(k.delivered(0, 500ms).empty());
}

TEST_CASE("Kannel: 503 while its SMSC is gone; sent again once it is back, delivered once") {
  kannel k;
  k.stop_smsc();
  http_stack s(http_section("channel-k", k.sendsms_url(),
                            "x-http-method = GET\n"
                            "x-http-param-1 = username=tester\n"
                            "x-http-password-param-2 = password=foobar\n"
                            // "0: Accepted for delivery" and "3: Queued for later delivery"
                            "x-http-success-contains = delivery\n"));
  // The first is queued by Kannel (its queue holds one); the second is refused with 503.
  s.send("queued", "channel-k", "first while the SMSC is away");
  REQUIRE(s.response("queued"));
  s.send("busy", "channel-k", "second while the SMSC is away");
  // The driver pauses and asks again; meanwhile the SMSC comes back.
  std::this_thread::sleep_for(1500ms);
  k.start_smsc();
  auto r = s.response("busy", 30s);
  REQUIRE(r);
  CAPTURE(r->text);
  CHECK(r->str("ok") == "true");
  CHECK(r->str("userData", "_smsRetries") >= "1");
  const std::string log = s.finish({"queued", "busy"});
  CHECK(log.find("HTTP 503") != std::string::npos);  // the pause was logged
  const auto& got = k.delivered(2);
  const std::string all = texts_of(got);
  CAPTURE(all);
  CHECK(got.size() == 2);
  CHECK(all.find("first while the SMSC is away") != std::string::npos);
  CHECK(all.find("second while the SMSC is away") != std::string::npos);
}

TEST_CASE("our POST gateway: its success string and message id; slow, late and cut answers") {
  test_gateway gw({.success = "STATUS=QUEUED", .tls_cert = {}, .tls_key = {}});
  const std::string common =
      "x-http-method = POST\n"
      "x-http-success-contains = STATUS=QUEUED\n"
      "x-http-message-id-regex = id=(\\d+)\n"
      "x-http-request-timeout = 2\n";
  http_stack s(http_section("channel-ok", gw.url("/send"), common) +
               http_section("channel-slow", gw.url("/slow/800"), common) +
               http_section("channel-late", gw.url("/slow/4000"), common) +
               http_section("channel-reset", gw.url("/reset"), common) +
               http_section("channel-refused", gw.url("/status/400"), common));
  s.send("ok", "channel-ok", "fine");
  s.send("slow", "channel-slow", "slow but in time");
  s.send("late", "channel-late", "answered after the timeout");
  s.send("reset", "channel-reset", "cut after it was written");
  s.send("refused", "channel-refused", "a bad request");
  auto ok = s.response("ok");
  REQUIRE(ok);
  CHECK(ok->str("ok") == "true");
  const std::string ok_id = ok->str("userData", "_smsMessageId");
  auto slow = s.response("slow");
  REQUIRE(slow);
  CHECK(slow->str("ok") == "true");
  for (const std::string id : {"late", "reset"}) {
    auto r = s.response(id);
    REQUIRE(r);
    CAPTURE(id, r->text);
    CHECK(r->str("error", "name") == "SMSDRV_E_OUTCOME_UNKNOWN");
    CHECK(r->str("error", "text").starts_with("outcome unknown"));
  }
  auto refused = s.response("refused");
  REQUIRE(refused);
  CHECK(refused->str("error", "name") == "SMSDRV_E_SMSC_REJECTED");
  CHECK(
      refused->str("error", "text").starts_with("HTTP 400 Bad Request: refused: to=4917612345678"));
  s.finish({"ok", "slow", "late", "reset", "refused"});
  // What reached the gateway: each request once, none sent again.
  std::this_thread::sleep_for(2500ms);
  const auto& seen = gw.requests(5);
  CHECK(seen.size() == 5);
  std::map<std::string, int> by_path;
  for (const auto& q : seen) {
    ++by_path[q.path];
    CHECK(q.method == "POST");
    CHECK(q.param("to") == "4917612345678");
  }
  CHECK(by_path ==
        std::map<std::string, int>{
            {"/send", 1}, {"/slow/800", 1}, {"/slow/4000", 1}, {"/reset", 1}, {"/status/400", 1}});
  // The message id is the one the gateway wrote into its body ("STATUS=QUEUED id=<n>").
  for (const auto& q : seen)
    if (q.path == "/send") CHECK(ok_id == std::to_string(q.n));
}

TEST_CASE("flash and overwrite: the gateway's parameters where it has them, refused where not") {
  test_gateway gw;
  http_stack s(http_section("channel-fo", gw.url("/send"),
                            "x-http-success-contains = ACK\n"
                            "x-http-flash-param = mclass=0\n"
                            "x-http-overwrite-param = replace=1\n") +
               http_section("channel-plain", gw.url("/send"), "x-http-success-contains = ACK\n"));
  s.send("plain", "channel-fo", "neither");
  s.send("flash", "channel-fo", "flash only", {{"x-smpp-flash", "true"}});
  s.send("both", "channel-fo", "flash and overwrite",
         {{"x-smpp-flash", "yes"}, {"x-smpp-overwrite", "true"}});
  s.send("no-flash", "channel-plain", "no flash here", {{"x-smpp-flash", "true"}});
  s.send("no-overwrite", "channel-plain", "no overwrite here", {{"x-smpp-overwrite", "1"}});
  for (const std::string id : {"plain", "flash", "both"}) {
    auto r = s.response(id);
    REQUIRE(r);
    CAPTURE(id, r->text);
    CHECK(r->str("ok") == "true");
  }
  auto f = s.response("no-flash");
  REQUIRE(f);
  CHECK(f->str("error", "name") == "SMSDRV_E_BAD_REQUEST");
  CHECK(f->str("error", "text") ==
        "channel-plain: x-smpp-flash asks for flash SMS, which this HTTP gateway cannot send "
        "(x-http-flash-param is not set)");
  auto o = s.response("no-overwrite");
  REQUIRE(o);
  CHECK(o->str("error", "name") == "SMSDRV_E_BAD_REQUEST");
  CHECK(o->str("error", "text") ==
        "channel-plain: x-smpp-overwrite asks to overwrite a pending message, which this HTTP "
        "gateway cannot do "
        "(x-http-overwrite-param is not set)");
  s.finish({"plain", "flash", "both", "no-flash", "no-overwrite"});
  // Only the three the gateway can carry reached it, each with the parameters asked for.
  std::this_thread::sleep_for(300ms);
  const auto& seen = gw.requests(3);
  REQUIRE(seen.size() == 3);
  std::map<std::string, std::pair<std::string, std::string>> by_text;
  for (const auto& q : seen)
    by_text[q.param("text")] = {q.param("mclass"), q.param("replace")};
  CHECK(by_text ==
        std::map<std::string, std::pair<std::string, std::string>>{
            {"neither", {"", ""}}, {"flash only", {"0", ""}}, {"flash and overwrite", {"0", "1"}}});
}

TEST_CASE("tinyproxy with Basic authentication: http forwarded, https through CONNECT") {
  test_gateway gw;
  test_gateway tls_gw(
      {.success = "ACK", .tls_cert = cert("server.chain.pem"), .tls_key = cert("server.key")});
  tinyproxy proxy("proxyuser", "Pr0xyPass", tls_gw.port());
  const std::string via = "x-http-proxy-url = " + proxy.url() +
                          "\nx-http-proxy-user = proxyuser\n"
                          "x-http-success-contains = ACK\n"
                          "x-http-request-timeout = 2\n";
  const std::string tls = "x-http-tls-path-to-certificate = " + cert("trust.p12") +
                          "\nx-http-tls-certificate-file-password = file-pw-1\n";
  http_stack s(
      http_section("channel-http", gw.url("/send"), via + "x-http-proxy-password = Pr0xyPass\n") +
      http_section("channel-https", tls_gw.url("/send", true),
                   via + tls + "x-http-proxy-password = Pr0xyPass\n") +
      http_section("channel-wrong", tls_gw.url("/send", true),
                   via + tls + "x-http-proxy-password = NotThePass\n"));
  s.send("h", "channel-http", "through the proxy");
  s.send("s", "channel-https", "through the tunnel");
  s.send("w", "channel-wrong", "never through");
  auto h = s.response("h");
  REQUIRE(h);
  CHECK(h->str("ok") == "true");
  auto t = s.response("s");
  REQUIRE(t);
  CAPTURE(t->text);
  CHECK(t->str("ok") == "true");
  auto w = s.response("w");
  REQUIRE(w);
  CAPTURE(w->text);
  CHECK(w->str("error", "name") == "SMSDRV_E_CHANNEL_DOWN");
  const std::string text = w->str("error", "text");
  CHECK(text.find("the proxy refused our credentials") != std::string::npos);
  CHECK(text.find("x-http-proxy-password") != std::string::npos);
  const std::string log = s.finish({"h", "s", "w"});
  for (const std::string secret : {"Pr0xyPass", "NotThePass", "file-pw-1"}) {
    CAPTURE(secret);
    CHECK(log.find(secret) == std::string::npos);
    for (const auto& j : s.out)
      CHECK(j.text.find(secret) == std::string::npos);
  }
  CHECK(gw.requests(1).size() == 1);
  CHECK(tls_gw.requests(1).size() == 1);
}

TEST_CASE("HTTPS with our test CA; an untrusted certificate is a clear error, nothing sent") {
  test_gateway gw(
      {.success = "ACK", .tls_cert = cert("server.chain.pem"), .tls_key = cert("server.key")});
  http_stack s(
      http_section("channel-trusted", gw.url("/send", true),
                   "x-http-tls-path-to-certificate = " + cert("trust.p12") +
                       "\nx-http-tls-certificate-file-password = file-pw-1\n") +
      http_section("channel-untrusted", gw.url("/send", true), "x-http-request-timeout = 2\n"));
  s.send("t", "channel-trusted", "over TLS");
  s.send("u", "channel-untrusted", "never sent");
  auto t = s.response("t");
  REQUIRE(t);
  CHECK(t->str("ok") == "true");
  auto u = s.response("u");
  REQUIRE(u);
  CHECK(u->str("error", "name") == "SMSDRV_E_CHANNEL_DOWN");
  CHECK(u->str("error", "text").find("not trusted") != std::string::npos);
  CHECK(u->str("error", "text").find("x-http-tls-path-to-certificate") != std::string::npos);
  s.finish({"t", "u"});
  bool down = false;
  for (const auto& j : s.out)
    down |= j.str("event") == "channel-state" && j.str("channel") == "channel-untrusted" &&
            j.str("attributes", "state") == "down";
  CHECK(down);
  CHECK(gw.requests(1).size() == 1);
}

TEST_CASE("password parameters never appear in a log line or an event, at debug level") {
  const std::vector<std::string> secrets = {"Pa55-Param-9", "T0k3n-77", "Pr0xy-Pw-5"};
  test_gateway gw;
  tinyproxy proxy("proxyuser", "Pr0xy-Pw-5", gw.port());
  // The gateway echoes the request in its refusals (/status/400), the id regex may find a
  // secret, and x-debug-mode traces every request and response.
  const std::string common =
      "x-http-param-1 = user=me\n"
      "x-http-password-param-2 = password=Pa55-Param-9\n"
      "x-http-message-id-regex = password=(\\S+)\n"
      "x-http-proxy-url = " +
      proxy.url() +
      "\nx-http-proxy-user = proxyuser\n"
      "x-http-proxy-password = Pr0xy-Pw-5\n"
      "x-debug-mode = true\n"
      "x-http-request-timeout = 2\n";
  http_stack s(http_section("channel-get", gw.url("/status/400?token=T0k3n-77"),
                            common + "x-http-method = GET\n") +
                   http_section("channel-post", gw.url("/status/400?token=T0k3n-77"), common) +
                   http_section("channel-ok", gw.url("/send?token=T0k3n-77"), common) +
                   http_section("channel-reset", gw.url("/reset?token=T0k3n-77"), common),
               "debug");
  const std::vector<std::string> ids = {"g", "p", "o", "r"};
  s.send("g", "channel-get", "get");
  s.send("p", "channel-post", "post");
  s.send("o", "channel-ok", "ok");
  s.send("r", "channel-reset", "reset");
  for (const auto& id : ids)
    REQUIRE(s.response(id));
  const std::string log = s.finish(ids);
  CHECK(gw.requests(4).size() == 4);
  // The secrets did reach the gateway...
  for (const auto& q : gw.requests())
    CHECK(q.param("password") == "Pa55-Param-9");
  // ...and nothing else: not a log line, not an event, in no encoding.
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = log.find('\n', at)) != std::string::npos; ++at)
    ++lines;
  CHECK(lines > 20);  // the debug log was written
  for (const auto& secret : secrets) {
    for (const std::string& form :
         {secret, std::string(secret).replace(secret.find('-'), 1, "%2D")}) {
      CAPTURE(form);
      CHECK(log.find(form) == std::string::npos);
      for (const auto& j : s.out)
        CHECK(j.text.find(form) == std::string::npos);
    }
  }
}
