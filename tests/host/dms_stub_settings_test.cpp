// The console's settings page over real sockets (docs/console.md "Settings"), with fakeb (an ABI
// 1.2 fake driver that replaces a channel given again and refuses a section with fake-refuse)
// and a shipped options file of its own in channel-fakeb/Configuration/.
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
const std::string bearer = std::string("Authorization: Bearer ") + token + "\r\n";
const std::string from_console = "X-DMS-Console: 1\r\n";

constexpr const char* shipped_help = R"(# fake.cfg - the fake driver's options
[channel-sample]
# TCP port of the SMSC (1-65535)
x-smpp-port = 2775

# password of the bind [secret]
# password =

# refuses the section, naming it (any text)
# fake-refuse = yes

# an extra parameter <name>=<value> in the order of N (1-99, shared with x-http-password-param-<N>)
# x-http-param-1 = user=me

# an extra parameter like x-http-param-<N> whose value is a password [secret]
# x-http-password-param-1 = password=secret
)";

constexpr const char* served = R"(# operator's notes: keep them
[channel-keep]
driver = fakeb

[channel-edit]
# the SMSC of the edit channel
driver = fakeb
password = pw-SECRET-1
x-smpp-port = 2775
x-http-password-param-1 = pin=pin-SECRET-2
)";

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

struct settings_stub {
  stub_setup setup;
  std::string config;
  std::unique_ptr<stub> s;
  uint16_t port = 0;
  std::string answers;  // every answer's head and body, to look for secrets in

  settings_stub() {
    setup.add_module("channel-fakeb", FAKE_DRIVER_B_PATH, "libfakeb.so");
    setup.dir().write("media-channel-drivers/channel-fakeb/Configuration/fake.cfg", shipped_help);
    config = setup.config(served);
    const std::string token_path = setup.dir().write("console.token", std::string(token) + "\n");
    ::chmod(token_path.c_str(), 0600);
    s = setup.start(config, {"--console", "127.0.0.1:0", "--console-token-file", token_path});
    port = console_port(*s);
  }

  http_answer call(const std::string& method, const std::string& path, const std::string& head,
                   const std::string& body = {}) {
    http_answer a = http_request(port, method, path, head, body);
    answers += a.head + a.body;
    return a;
  }
  http_answer apply(const std::string& channel, const std::string& body) {
    return call("POST", "/api/settings/" + channel, bearer + from_console, body);
  }
};

}  // namespace

TEST_CASE("console settings: the section with the driver's option help, no secret in it",
          "[stub][console]") {
  settings_stub t;
  CHECK(t.call("GET", "/api/settings/channel-edit", "").status == 401);
  const auto page = t.call("GET", "/api/settings/channel-edit", bearer);
  REQUIRE(page.status == 200);
  CHECK(page.body.find(R"("name":"x-smpp-port","meaning":"TCP port of the SMSC","kind":)"
                       R"("integer","min":1,"max":65535,"unit":"","default":"2775")") !=
        std::string::npos);
  CHECK(page.body.find(R"("set":true,"value":"2775"})") != std::string::npos);
  CHECK(page.body.find(R"("name":"password","meaning":"password of the bind")") !=
        std::string::npos);
  CHECK(page.body.find(R"({"option":"x-http-password-param-1","family":)"
                       R"("x-http-password-param-<N>","param":"pin","secret":true})") !=
        std::string::npos);
  CHECK(page.body.find(R"("channels":["channel-keep"])") != std::string::npos);
  CHECK(page.body.find("/Configuration/fake.cfg") != std::string::npos);
  CHECK(t.call("GET", "/api/settings/channel-nope", bearer).status == 404);
  CHECK(t.s->finish() == 0);
  CHECK(t.answers.find("SECRET") == std::string::npos);
  CHECK(t.s->log().find("SECRET") == std::string::npos);
}

TEST_CASE(
    "console settings: apply writes the section back keeping the rest of the file and reloads "
    "that channel alone; a refusal is named at its field and changes nothing",
    "[stub][console]") {
  settings_stub t;
  const std::string before = read_file(t.config);

  // Cross-site: refused before anything is read.
  const std::string change = R"({"changes":{"x-smpp-port":"2776"}})";
  CHECK(t.call("POST", "/api/settings/channel-edit", bearer, change).status == 403);
  CHECK(t.call("POST", "/api/settings/channel-edit",
               bearer + from_console + "Origin: http://evil.example\r\n", change)
            .status == 403);
  CHECK(t.call("PUT", "/api/settings/channel-edit", bearer + from_console, change).status == 405);
  CHECK(t.apply("channel-edit", "not json").status == 400);

  // The driver refuses: the message is the loader's, at the field; the file and the channel
  // stay as they were.
  const auto refused = t.apply("channel-edit", R"({"changes":{"fake-refuse":"yes"}})");
  CHECK(refused.status == 422);
  const std::string message =
      "[channel-edit] fake-refuse = \\\"yes\\\": refused as asked (rule: the fake driver "
      "refuses every section with fake-refuse)";
  CHECK(refused.body.find(R"("fields":{"fake-refuse":")" + message + "\"}") != std::string::npos);
  CHECK(refused.body.find(R"({"error":")" + t.config +
                          ":5: driver fakeb refused [channel-edit]: SMSDRV_E_BAD_CONFIG: " +
                          t.config + ":11: " + message) != std::string::npos);
  CHECK(read_file(t.config) == before);
  CHECK(t.s->log().find("fake: replaced [channel-edit]") == std::string::npos);
  {  // The same file given to a start: the same words (unescaped), file and line.
    const std::string refusing = t.setup.config(before + "fake-refuse = yes\n", "refusing.cfg");
    auto start = t.setup.start(refusing);
    CHECK(start->finish() == 1);
    std::string words = message;
    for (size_t at; (at = words.find("\\\"")) != std::string::npos;)
      words.erase(at, 1);
    CHECK(start->log().find(refusing +
                            ":5: driver fakeb refused [channel-edit]: "
                            "SMSDRV_E_BAD_CONFIG: " +
                            refusing + ":11: " + words) != std::string::npos);
  }
  // dms-stub's own rules too: an option the help does not describe.
  const auto unknown = t.apply("channel-edit", R"({"changes":{"x-smpp-prot":"1"}})");
  CHECK(unknown.status == 422);
  CHECK(
      unknown.body.find(R"("fields":{"x-smpp-prot":"[channel-edit] x-smpp-prot: not an option)") !=
      std::string::npos);

  // A line break cannot smuggle a section of its own into the file.
  const auto smuggled = t.apply(
      "channel-edit", R"({"changes":{"x-smpp-port":"2775\n[channel-evil]\ndriver = fakeb"}})");
  CHECK(smuggled.status == 422);
  CHECK(smuggled.body.find(R"("fields":{"x-smpp-port":"[channel-edit] x-smpp-port: a value in a )"
                           R"(.cfg file cannot hold a line break or NUL"})") != std::string::npos);
  CHECK(read_file(t.config) == before);
  // A hand edit of another section waits for SIGHUP: the console applies its channel alone.
  const std::string hand_edited = before + "\n[channel-late]\ndriver = fakeb\n";
  t.setup.config(hand_edited);
  const auto applied = t.apply("channel-edit", R"({"changes":{"x-smpp-port":"2776","password":""},
      "extra":[{"param":"pin","value":"","secret":true,"keep":"x-http-password-param-1"},
               {"param":"user","value":"acme","secret":false}]})");
  CHECK(applied.status == 200);
  CHECK(applied.body == "{\"applied\":true,\"replaced\":true}\n");
  CHECK(read_file(t.config) == R"(# operator's notes: keep them
[channel-keep]
driver = fakeb

[channel-edit]
# the SMSC of the edit channel
driver = fakeb
password = pw-SECRET-1
x-smpp-port = 2776
x-http-password-param-1 = pin=pin-SECRET-2
x-http-param-2 = user=acme

[channel-late]
driver = fakeb
)");
  CHECK(t.s->log().find("fake: replaced [channel-edit]") != std::string::npos);
  CHECK(t.s->log().find("replaced [channel-keep]") == std::string::npos);
  CHECK(t.s->log().find("configured [channel-late]") == std::string::npos);
  CHECK(t.s->log().find("console: [channel-edit] written to " + t.config +
                        " (options x-smpp-port, x-http-password-param-1, x-http-param-2); the "
                        "channel is configured anew") != std::string::npos);
  // The channel serves on: a request through it is answered.
  t.s->send(R"({"id":"after","request":"SendSMS","channel":"channel-edit",)"
            R"("userData":{"_smsDestNumber":"1","_smsText":"x"}})");
  CHECK(t.s->response("after").ok());
  // The same values again: nothing to reload.
  const auto again = t.apply("channel-edit", R"({"changes":{"x-smpp-port":"2776"}})");
  CHECK(again.body == "{\"applied\":true,\"replaced\":false}\n");
  // A new password goes into the file and nowhere else (no answer, no log line: below).
  const auto password = t.apply("channel-edit", R"({"changes":{"password":"new-SECRET-6"}})");
  CHECK(password.body == "{\"applied\":true,\"replaced\":true}\n");
  CHECK(read_file(t.config).find("\npassword = new-SECRET-6\n") != std::string::npos);
  CHECK(t.call("GET", "/api/settings/channel-edit", bearer).body.find(R"("name":"password")") !=
        std::string::npos);
  // The hand edit comes with SIGHUP.
  t.s->process().kill(SIGHUP);
  for (int i = 0; i < 100 && t.s->log().find("configured [channel-late]") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(t.s->log().find("configured [channel-late]") != std::string::npos);

  CHECK(t.s->finish() == 0);
  CHECK(t.answers.find("SECRET") == std::string::npos);
  CHECK(t.s->log().find("SECRET") == std::string::npos);
}
