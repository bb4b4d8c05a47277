#include "http/response_classifier.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::http;
using namespace std::chrono_literals;

namespace {

exchange answered(int status, std::string_view body) {
  exchange e;
  e.request_written = true;
  e.status = status;
  e.body = body;
  return e;
}

exchange failed(transport_failure f, bool written, std::string_view detail = {}) {
  exchange e;
  e.failure = f;
  e.request_written = written;
  e.detail = detail;
  return e;
}

template <class T>
T as(const outcome& o) {
  REQUIRE(std::holds_alternative<T>(o));
  return std::get<T>(o);
}

const secret_masker no_secrets;

}  // namespace

TEST_CASE("2xx with the success string is accepted, with the id the regex finds") {
  response_rules rules;
  rules.success_contains = "0: Accepted";
  rules.message_id = std::get<message_id_pattern>(message_id_pattern::compile("id=([0-9a-f]+)"));
  accepted a =
      as<accepted>(classify(answered(202, "0: Accepted for delivery id=4f2a"), rules, no_secrets));
  CHECK(a.message_id == "4f2a");
  CHECK(a.note.empty());

  // No group: the whole match.
  rules.message_id = std::get<message_id_pattern>(message_id_pattern::compile("[0-9]{6}"));
  CHECK(as<accepted>(classify(answered(200, "0: Accepted 123456"), rules, no_secrets)).message_id ==
        "123456");

  // Success without an id: accepted, and the log is told.
  a = as<accepted>(classify(answered(200, "0: Accepted"), rules, no_secrets));
  CHECK(a.message_id.empty());
  CHECK(a.note == "x-http-message-id-regex found no message id in the body: 0: Accepted");

  // No success string configured: any 2xx.
  CHECK(std::holds_alternative<accepted>(classify(answered(204, ""), {}, no_secrets)));
}

TEST_CASE("2xx without the success string is refused for good, quoting the body") {
  response_rules rules;
  rules.success_contains = "OK";
  refused r = as<refused>(classify(answered(200, "ERR: no credit\r\n"), rules, no_secrets));
  CHECK(r.http_status == 200);
  CHECK(r.kind == refusal::permanent);
  CHECK(r.text ==
        "HTTP 200 OK without the success string (x-http-success-contains) in the body: ERR: no "
        "credit");
}

TEST_CASE("the gateway's refusals: permanent, retry, pause") {
  response_rules rules;
  refused r =
      as<refused>(classify(answered(403, "Authorization failed for sendsms"), rules, no_secrets));
  CHECK(r.kind == refusal::permanent);
  CHECK(r.text == "HTTP 403 Forbidden: Authorization failed for sendsms");

  r = as<refused>(classify(answered(408, ""), rules, no_secrets));
  CHECK(r.kind == refusal::retry);
  CHECK(r.delay == 1s);

  exchange busy = answered(503, "busy");
  r = as<refused>(classify(busy, rules, no_secrets));
  CHECK(r.kind == refusal::pause);
  CHECK(r.delay == 1s);
  busy.retry_after = 7s;
  CHECK(as<refused>(classify(busy, rules, no_secrets)).delay == 7s);
  busy.retry_after = std::chrono::hours(3);
  CHECK(as<refused>(classify(busy, rules, no_secrets)).delay == 5min);
  CHECK(as<refused>(classify(answered(429, ""), rules, no_secrets)).kind == refusal::pause);

  r = as<refused>(classify(answered(302, ""), rules, no_secrets));
  CHECK(r.kind == refusal::permanent);
  CHECK(r.text.starts_with("HTTP 302 Found (redirects are not followed"));
  CHECK(as<refused>(classify(answered(500, "x"), rules, no_secrets)).text ==
        "HTTP 500 Internal Server Error: x");
  CHECK(as<refused>(classify(answered(599, "x"), rules, no_secrets)).text == "HTTP 599: x");
}

TEST_CASE("never reached the gateway: before write") {
  for (auto f : {transport_failure::resolve, transport_failure::connect, transport_failure::proxy,
                 transport_failure::tls}) {
    CAPTURE(failure_name(f));
    lost l = as<lost>(classify(failed(f, false, "Connection refused"), {}, no_secrets));
    CHECK(l.when == lost_when::before_write);
    CHECK(l.text.starts_with("not sent, the gateway never got it: "));
    CHECK(l.text.ends_with(": Connection refused"));
  }
  // A timeout or a cut before the whole request was written: the gateway cannot act on it.
  CHECK(as<lost>(classify(failed(transport_failure::timeout, false), {}, no_secrets)).when ==
        lost_when::before_write);
  CHECK(
      as<lost>(classify(failed(transport_failure::connection_lost, false), {}, no_secrets)).when ==
      lost_when::before_write);
  // A forwarding proxy refusing our credentials.
  lost l = as<lost>(classify(answered(407, "denied"), {}, no_secrets));
  CHECK(l.when == lost_when::before_write);
  CHECK(l.text.find("x-http-proxy-password") != std::string::npos);
}

TEST_CASE("sent and no usable answer: after write, outcome unknown") {
  lost l = as<lost>(
      classify(failed(transport_failure::timeout, true, "Operation timed out"), {}, no_secrets));
  CHECK(l.when == lost_when::after_write);
  CHECK(l.text ==
        "outcome unknown, the request was sent and the gateway may have taken it: no response "
        "within x-http-request-timeout: Operation timed out");
  CHECK(as<lost>(classify(failed(transport_failure::connection_lost, true), {}, no_secrets)).when ==
        lost_when::after_write);
  CHECK(as<lost>(classify(failed(transport_failure::protocol, true), {}, no_secrets)).when ==
        lost_when::after_write);
  for (int s : {502, 504}) {
    lost g = as<lost>(classify(answered(s, "upstream"), {}, no_secrets));
    CHECK(g.when == lost_when::after_write);
    CHECK(g.http_status == s);
  }
}

TEST_CASE("secrets never reach a text, also when the gateway echoes them") {
  secret_masker secrets;
  secrets.add("hunter2 x");
  response_rules rules;
  rules.success_contains = "OK";
  refused r =
      as<refused>(classify(answered(400, "bad request: password=hunter2+x&to=49"), rules, secrets));
  CHECK(r.text == "HTTP 400 Bad Request: bad request: password=********&to=49");
  lost l = as<lost>(
      classify(failed(transport_failure::proxy, false, "proxy said hunter2 x"), rules, secrets));
  CHECK(l.text.find("hunter2") == std::string::npos);
  // A secret cut by the excerpt is masked before the cut.
  std::string body(body_excerpt_characters - 3, 'a');
  body += "hunter2 x";
  r = as<refused>(classify(answered(400, body), rules, secrets));
  CHECK(r.text.find("hun") == std::string::npos);
  // An id that is an echo of a secret is not kept.
  rules.message_id = std::get<message_id_pattern>(message_id_pattern::compile("pw=(\\S+ x)"));
  accepted a = as<accepted>(classify(answered(200, "OK pw=hunter2 x"), rules, secrets));
  CHECK(a.message_id.empty());
}

TEST_CASE("collapsing blanks cannot make a secret appear in a text") {
  // Found by fuzz_http_response (corpus file blank_run_forms_secret): masking ran before the
  // blanks were collapsed, so "Pa55+w0rd  x" (two spaces) became the secret in the excerpt.
  secret_masker secrets;
  secrets.add("Pa55+w0rd x");
  response_rules rules;
  rules.success_contains = "-\xff";
  rules.message_id =
      std::get<message_id_pattern>(message_id_pattern::compile("(?:id|ID)[:=] ?([^ ,;]+)"));
  static constexpr char raw[] =
      "Pa55+w0rd x\xbc\x90\x00\xf7\x01\x00\x00mPa55+w0rd  x\x00x\x00\x00\x00"
      "1\x00\x00\xb0\xa2";
  const std::string body(raw, sizeof raw - 1);
  refused r = as<refused>(classify(answered(200, body), rules, secrets));
  CHECK(r.text.find("Pa55+w0rd x") == std::string::npos);
  CHECK(r.text ==
        "HTTP 200 OK without the success string (x-http-success-contains) in the body: "
        "********\\xbc\\x90\\x00\\xf7\\x01\\x00\\x00m********"
        "\\x00x\\x00\\x00\\x001\\x00\\x00\\xb0\\xa2");
  CHECK(body_excerpt("a\tPa55+w0rd\r\n x b", secrets) == "a ******** b");
  // As written with a tab, the secret is masked before the tab becomes a blank.
  secret_masker tabbed;
  tabbed.add("hunter\t2");
  CHECK(body_excerpt("pw=hunter\t2 ok", tabbed) == "pw=******** ok");
}

TEST_CASE("a message id that takes part of a secret is not kept") {
  secret_masker secrets;
  secrets.add("Pa55+w0rd x");
  response_rules rules;
  rules.message_id =
      std::get<message_id_pattern>(message_id_pattern::compile("(?:id|ID)[:=] ?([^ ,;]+)"));
  // The pattern stops at the blank: "Pa55+w0rd" is 9 of the secret's 11 characters.
  accepted a = as<accepted>(classify(answered(200, "OK id=Pa55+w0rd x"), rules, secrets));
  CHECK(a.message_id.empty());
  CHECK(a.note == "the message id x-http-message-id-regex found contains a secret; not kept");
  // Form-encoded, the same.
  a = as<accepted>(classify(answered(200, "OK id=Pa55%2Bw0rd+x"), rules, secrets));
  CHECK(a.message_id.empty());
  // An id beside a secret, sharing no character with it, is kept.
  a = as<accepted>(classify(answered(200, "OK id=4711 Pa55+w0rd x"), rules, secrets));
  CHECK(a.message_id == "4711");
}

TEST_CASE("body excerpts are short, printable and say when they are cut") {
  CHECK(body_excerpt("", no_secrets) == "(empty body)");
  CHECK(body_excerpt("  \r\n ", no_secrets) == "(empty body)");
  CHECK(body_excerpt("a\r\n\tb  c\n", no_secrets) == "a b c");
  CHECK(body_excerpt("x\x01y\xFFz", no_secrets) == "x\\x01y\\xffz");
  CHECK(body_excerpt("Grüße", no_secrets) == "Grüße");
  CHECK(body_excerpt(std::string(300, 'a'), no_secrets, 10) == "aaaaaaaaaa...");
  CHECK(body_excerpt("abc   ", no_secrets, 3) == "abc");
}

TEST_CASE("message id patterns compile or say why not") {
  CHECK(std::holds_alternative<std::string>(message_id_pattern::compile("(")));
  CHECK(std::holds_alternative<std::string>(message_id_pattern::compile("")));
  auto p = std::get<message_id_pattern>(message_id_pattern::compile("(a+)+b"));
  // Catastrophic backtracking gives up instead of hanging or overflowing the stack.
  CHECK_FALSE(p.find(std::string(40, 'a')).has_value());
  CHECK(p.find("aab") == "aa");
}
