// MMS end to end over loopback: dms-stub loads the real module from a server root; mmsc-sim is
// the MMSC (docs/mms.md, docs/mmsc-sim.md). SendMMS with media both versions, inbound DeliverReq
// in every style, delivery reports and read replies, Basic authentication both ways, size
// limits, and a host killed before it took a message.
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/socket.h>

#include <random>

#include "e2e_fixture.hpp"
#include "http_get.hpp"

using namespace smsdrv::test;

namespace {

std::string base64(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s)
    c = static_cast<char>(gen() & 0xFF);
  return s;
}

// A port nothing listens on now (the listener binds it a moment later).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct media {
  std::string type, name, bytes;
};

const std::vector<media>& test_media() {
  static const std::vector<media> m = {
      {"image/jpeg", "photo.jpg", "\xFF\xD8\xFF\xE0" + random_bytes(30000, 1)},
      {"image/png", "pixel.png", "\x89PNG\r\n\x1a\n" + random_bytes(700, 2)},
      {"image/gif", "anim.gif", "GIF89a" + random_bytes(1200, 3)},
      {"audio/amr", "voice.amr", "#!AMR\n" + random_bytes(5000, 4)},
      {"text/x-vcard", "alice.vcf",
       "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Alice\r\nTEL:+4917612345678\r\nEND:VCARD\r\n"},
  };
  return m;
}

std::string send_mms(const std::string& id,
                     const std::vector<std::pair<std::string, std::string>>& ud,
                     const std::vector<media>& parts) {
  std::string line = "{\"id\":" + json_string(id) +
                     ",\"request\":\"SendMMS\",\"channel\":\"channel-mms\",\"userData\":{";
  bool first = true;
  for (const auto& [k, v] : ud) {
    if (!first) line += ',';
    first = false;
    line += json_string(k) + ":" + json_string(v);
  }
  line += "},\"parts\":[";
  first = true;
  for (const auto& p : parts) {
    if (!first) line += ',';
    first = false;
    line += "{\"contentType\":" + json_string(p.type) + ",\"name\":" + json_string(p.name) +
            ",\"base64\":\"" + base64(p.bytes) + "\"}";
  }
  return line + "]}";
}

struct options {
  std::string version = "6.8.0";
  std::string driver_password = "vpw";  // what the driver presents to the MMSC
  std::string mmsc_user = "mmsc:mpw";   // what mmsc-sim presents to the listener
  std::string listener_extra;           // more [listener] keys
  std::vector<std::string> sim_flags;
  bool https = false;  // mmsc-sim posts to the listener over TLS (listener_extra has the files)
};

struct mms_stack {
  server_root root;
  int listen_port = free_port();
  smsc_process mmsc;
  std::unique_ptr<subprocess> dms;
  std::vector<json_line> out;
  fs::path cfg;

  explicit mms_stack(const options& o = {})
      : mmsc([&] {
          std::vector<std::string> argv{SMSDRV_MMSC_SIM_PATH,
                                        "--account",
                                        "vasp:vpw",
                                        "--vasp-url",
                                        (o.https ? "https://127.0.0.1:" : "http://127.0.0.1:") +
                                            std::to_string(listen_port) + "/mm7",
                                        "--vasp-user",
                                        o.mmsc_user,
                                        "--mm7-version",
                                        o.version,
                                        "--redeliver-ms",
                                        "300",
                                        "--dlr-delay-ms",
                                        "20",
                                        "--read-delay-ms",
                                        "40"};
          argv.insert(argv.end(), o.sim_flags.begin(), o.sim_flags.end());
          return argv;
        }()) {
    const fs::path mms = root.dir / "mms.cfg";
    std::ofstream(mms) << "[mmsc]\nurl = http://127.0.0.1:" << mmsc.port
                       << "/mm7\nuser = vasp\npassword = " << o.driver_password
                       << "\nmm7-version = " << o.version
                       << "\nvasp-id = e2e-vasp\nmax-in-flight = 4\n[listener]\nport = "
                       << listen_port
                       << "\naddress = 127.0.0.1\nuser = mmsc\npassword = mpw\nack-timeout = 5\n"
                       << o.listener_extra << "[limits]\nmax-message-size = 262144\n";
    // The SMPP side points nowhere: this channel is used for MMS only.
    cfg = root.write_cfg(
        channel_section("channel-mms", 1, "x-jsms-config-file = " + mms.string() + "\n"));
    start();
  }

  void start() {
    dms = std::make_unique<subprocess>(
        std::vector<std::string>{SMSDRV_DMS_STUB_PATH, "run", "--config", cfg.string(),
                                 "--app-name", "e2e-dms", "--linger", "0.5"});
    out.clear();
  }

  std::optional<json_line> until(const std::function<bool(const json_line&)>& pred,
                                 std::chrono::milliseconds timeout = 15s) {
    for (const auto& j : out)
      if (pred(j)) return j;
    return read_until(*dms, out, pred, timeout);
  }
  std::optional<json_line> response(const std::string& id) {
    return until(
        [&](const json_line& j) { return j.str("event") == "esp-response" && j.str("id") == id; });
  }
  int finish() {
    dms->close_stdin();
    auto rc = dms->wait(30s);
    REQUIRE(rc);
    return *rc;
  }
};

const rapidjson::Value& array_of(const json_line& j, const char* key) {
  static const rapidjson::Value empty(rapidjson::kArrayType);
  if (!j.has(key) || !j.root()[key].IsArray()) return empty;
  return j.root()[key];
}

}  // namespace

TEST_CASE("SendMMS with text, JPEG, PNG, GIF, audio and a vCard; its report and read reply") {
  const std::string version = GENERATE("6.8.0", "5.3.0");
  CAPTURE(version);
  options o;
  o.version = version;
  mms_stack s(o);
  s.dms->write_line(send_mms("m1",
                             {{"_smsDestNumber", "4917612345678"},
                              {"Subject", "Ferien"},
                              {"_smsText", "Grüße vom Strand"},
                              {"_mmsDeliveryReport", "true"},
                              {"_mmsReadReply", "true"}},
                             test_media()));
  auto r = s.response("m1");
  REQUIRE(r);
  CHECK(r->str("ok") == "true");
  CHECK(r->str("userData", "_smsMessageId") == "mmsc-00000001");
  CHECK(r->str("userData", "_mmsStatusCode") == "1000");

  // The MMSC got every part, byte for byte, and the version asked for.
  auto submit = s.mmsc.until([](const json_line& j) { return j.str("event") == "submit"; });
  REQUIRE(submit);
  CHECK(submit->str("mm7_version") == version);
  CHECK(submit->str("vasp_id") == "e2e-vasp");
  CHECK(submit->str("subject") == "Ferien");
  CHECK(submit->str("authorization") == "basic");
  const auto& parts = array_of(*submit, "parts");
  REQUIRE(parts.Size() == 2 + test_media().size());  // the SMIL, the text, the media
  CHECK(std::string(parts[0]["content_type"].GetString()) == "application/smil; charset=utf-8");
  CHECK(std::string(parts[1]["base64"].GetString()) == base64("Grüße vom Strand"));
  for (std::size_t i = 0; i < test_media().size(); ++i) {
    const auto& p = parts[static_cast<rapidjson::SizeType>(i + 2)];
    CAPTURE(test_media()[i].name);
    CHECK(std::string(p["content_type"].GetString()) == test_media()[i].type);
    CHECK(std::string(p["content_location"].GetString()) == test_media()[i].name);
    CHECK(std::string(p["base64"].GetString()) == base64(test_media()[i].bytes));
  }
  // The delivery report and the read reply come back correlated to the request.
  auto dr = s.until([](const json_line& j) { return j.str("event") == "delivery-report"; });
  REQUIRE(dr);
  CHECK(dr->str("id") == "m1");
  CHECK(dr->str("attributes", "_smsMessageId") == "mmsc-00000001");
  CHECK(dr->str("attributes", "_smsDeliveryStat") == "Retrieved");
  CHECK(dr->str("attributes", "_smsDeliveryFinal") == "true");
  auto rr = s.until([](const json_line& j) { return j.str("event") == "read-reply"; });
  REQUIRE(rr);
  CHECK(rr->str("id") == "m1");
  CHECK(rr->str("attributes", "_mmsReadStatus") == "Read");
  // Both were answered 1000 after dms-stub took them.
  auto acknowledged = [&] {
    return std::count_if(s.mmsc.events.begin(), s.mmsc.events.end(), [](const json_line& e) {
      return e.str("event") == "post-result" && e.str("outcome") == "acknowledged";
    });
  };
  s.mmsc.until([&](const json_line&) { return acknowledged() >= 2; });
  CHECK(acknowledged() == 2);
  CHECK(s.finish() == 0);
}

TEST_CASE("the MMSC's refusals and lost answers: one response each, never sent again") {
  mms_stack s;
  struct mode {
    std::string fault;       // the mmsc-sim fault command's members
    std::string error_name;  // of the esp-response
    std::string error_code;  // _smsErrorCode, "" when none
    bool retryable;
  };
  const std::vector<mode> modes = {
      {R"("status":"2002")", "SMSDRV_E_SMSC_REJECTED", "2002", false},
      {R"("soap-fault":"4006")", "SMSDRV_E_SMSC_REJECTED", "4006", true},
      {R"("soap-fault":"2004")", "SMSDRV_E_SMSC_REJECTED", "2004", false},
      {R"("http-500":"true")", "SMSDRV_E_SMSC_REJECTED", "HTTP 500", true},
      {R"("drop":"true")", "SMSDRV_E_OUTCOME_UNKNOWN", "", false},
      {R"("garbage":"true")", "SMSDRV_E_OUTCOME_UNKNOWN", "", false},
      {R"("wrong-transaction":"true")", "SMSDRV_E_OUTCOME_UNKNOWN", "", false},
  };
  for (std::size_t i = 0; i < modes.size(); ++i) {
    const mode& m = modes[i];
    CAPTURE(m.fault);
    const std::size_t set_before = s.mmsc.count("fault-set");
    s.mmsc.proc->write_line(R"({"cmd":"fault","clear":true,)" + m.fault + "}");
    REQUIRE(s.mmsc.until([&](const json_line&) { return s.mmsc.count("fault-set") > set_before; }));
    const std::string id = "f" + std::to_string(i);
    s.dms->write_line(
        send_mms(id, {{"_smsDestNumber", "4917612345678"}, {"_smsText", id}}, {test_media()[1]}));
    auto r = s.response(id);
    REQUIRE(r);
    CHECK(r->str("ok") == "false");
    CHECK(r->str("error", "name") == m.error_name);
    if (!m.error_code.empty()) CHECK(r->str("userData", "_smsErrorCode") == m.error_code);
    CHECK(r->str("userData", "_mmsRetryable") == (m.retryable ? "true" : ""));
    // The MMSC saw it exactly once: a refused or possibly taken message is not sent again.
    CHECK(s.mmsc.until([&](const json_line&) { return s.mmsc.count("submit") > i; }));
  }
  CHECK(s.finish() == 0);
  // Everything the simulator recorded before its stats line is read: one submit per request.
  const std::size_t stats_before = s.mmsc.count("stats");
  s.mmsc.proc->write_line(R"({"cmd":"stats"})");
  REQUIRE(s.mmsc.until([&](const json_line&) { return s.mmsc.count("stats") > stats_before; }));
  CHECK(s.mmsc.count("submit") == modes.size());
}

TEST_CASE("a DeliverReq in every style real MMSCs send reaches the host with its parts") {
  mms_stack s;
  const std::vector<std::string> styles = {
      R"({})",
      R"({"xml":"prefixed"})",
      R"({"xml":"none"})",
      R"({"start":false})",
      R"({"angle_ids":false})",
      R"({"cid_href":false})",
      R"({"content_element":false})",
      R"({"siblings":true})",
      R"({"encoding":"quoted-printable"})",
      R"({"encoding":"binary"})",
      R"({"encoding":"8bit"})",
      R"({"crlf":false})",
  };
  const std::string png = test_media()[1].bytes;
  for (std::size_t i = 0; i < styles.size(); ++i) {
    CAPTURE(styles[i]);
    const std::string from = "+49170000" + std::to_string(100 + i);
    s.mmsc.proc->write_line(
        R"({"cmd":"deliver","from":")" + from +
        R"(","to":"12345","subject":"S","text":"Hallo","parts":[{"content_type":"image/png","name":"p.png","base64":")" +
        base64(png) + R"("}],"style":)" + styles[i] + "}");
    auto in = s.until([&](const json_line& j) {
      return j.str("event") == "interaction" && j.str("attributes", "FromAddr") == from;
    });
    REQUIRE(in);
    CHECK(in->str("attributes", "MediaType") == "mmssession");
    CHECK(in->str("attributes", "ToAddr") == "12345");
    CHECK(in->str("attributes", "_smsText") == "Hallo");
    CHECK(in->str("attributes", "_umsChannel") == "channel-mms");
    const auto& parts = array_of(*in, "parts");
    REQUIRE(parts.Size() == 2);
    CHECK(std::string(parts[0]["contentType"].GetString()) == "text/plain; charset=utf-8");
    CHECK(std::string(parts[1]["contentType"].GetString()) == "image/png");
    CHECK(std::string(parts[1]["name"].GetString()) == "p.png");
    if (styles[i].find("crlf") == std::string::npos)
      CHECK(std::string(parts[1]["base64"].GetString()) == base64(png));
  }
  auto acknowledged = [&] {
    return static_cast<std::size_t>(
        std::count_if(s.mmsc.events.begin(), s.mmsc.events.end(), [](const json_line& e) {
          return e.str("event") == "post-result" && e.str("outcome") == "acknowledged";
        }));
  };
  s.mmsc.until([&](const json_line&) { return acknowledged() >= styles.size(); });
  CHECK(acknowledged() == styles.size());
  CHECK(s.finish() == 0);
}

TEST_CASE("Basic authentication both ways: wrong credentials are refused, nothing is taken") {
  options o;
  o.driver_password = "wrong";
  o.mmsc_user = "mmsc:wrong";
  mms_stack s(o);
  s.dms->write_line(send_mms("a1", {{"_smsDestNumber", "1"}, {"_smsText", "x"}}, {}));
  auto r = s.response("a1");
  REQUIRE(r);
  CHECK(r->str("ok") == "false");
  CHECK(r->str("userData", "_smsErrorCode") == "HTTP 401");
  CHECK(s.mmsc.until([](const json_line& j) {
    return j.str("event") == "refused" && j.num("http_status") == 401;
  }));
  s.mmsc.proc->write_line(R"({"cmd":"deliver","from":"+491","to":"12345","text":"hi"})");
  auto retry = s.mmsc.until([](const json_line& j) { return j.str("event") == "post-result"; });
  REQUIRE(retry);
  CHECK(retry->num("http_status") == 401);
  CHECK(retry->str("outcome") == "retry");
  CHECK(s.finish() == 0);
  for (const auto& j : s.out)
    CHECK(j.str("event") != "interaction");
}

TEST_CASE("size limits: a SendMMS too large is refused, a DeliverReq too large answered 413") {
  mms_stack s;
  s.dms->write_line(send_mms("big", {{"_smsDestNumber", "1"}},
                             {{"image/jpeg", "big.jpg", random_bytes(300000, 9)}}));
  auto r = s.response("big");
  REQUIRE(r);
  CHECK(r->str("ok") == "false");
  CHECK(r->str("error", "name") == "SMSDRV_E_BAD_REQUEST");
  CHECK(r->str("error", "text").find("max-message-size") != std::string::npos);
  s.mmsc.proc->write_line(
      R"({"cmd":"deliver","from":"+491","to":"12345","parts":[{"content_type":"image/jpeg","name":"b.jpg","base64":")" +
      base64(random_bytes(300000, 8)) + R"("}]})");
  auto too_large = s.mmsc.until([](const json_line& j) { return j.str("event") == "post-result"; });
  REQUIRE(too_large);
  CHECK(too_large->num("http_status") == 413);
  CHECK(too_large->str("outcome") == "retry");
  CHECK(s.finish() == 0);
}

TEST_CASE("a host killed before it took an MMS: the MMSC is not told success and delivers again") {
  mms_stack s;
  // dms-stub stopped hard: its driver cannot answer; then killed: the connection breaks.
  ::kill(s.dms->pid(), SIGSTOP);
  s.mmsc.proc->write_line(
      R"({"cmd":"deliver","from":"+4915550004","to":"12345","text":"do not lose me"})");
  REQUIRE(s.mmsc.until([](const json_line& j) { return j.str("event") == "post"; }));
  s.dms->kill(SIGKILL);
  s.dms->wait(10s);
  auto failed = s.mmsc.until([](const json_line& j) { return j.str("event") == "post-result"; });
  REQUIRE(failed);
  CHECK(failed->str("outcome") == "retry");
  CHECK(failed->num("http_status") != 200);
  s.start();
  auto in = s.until([](const json_line& j) { return j.str("event") == "interaction"; });
  REQUIRE(in);
  CHECK(in->str("attributes", "_smsText") == "do not lose me");
  CHECK(s.mmsc.until([](const json_line& j) {
    return j.str("event") == "post-result" && j.str("outcome") == "acknowledged";
  }));
  CHECK(s.finish() == 0);
}

TEST_CASE("the listener over TLS: the MMSC's DeliverReq and reports arrive over HTTPS") {
  const std::string certs = SMSDRV_TEST_CERTS;
  const std::string files =
      "tls-certificate = " + certs + "/server.chain.pem\ntls-key = " + certs + "/server.key\n";
  SECTION("a trusted certificate with the listener's address: taken, answered 1000") {
    options o;
    o.https = true;
    o.listener_extra = files;
    o.sim_flags = {"--vasp-ca", certs + "/ca.pem"};
    mms_stack s(o);
    s.dms->write_line(send_mms("t1",
                               {{"_smsDestNumber", "4917612345678"},
                                {"_smsText", "over TLS"},
                                {"_mmsDeliveryReport", "true"}},
                               {test_media()[1]}));
    auto r = s.response("t1");
    REQUIRE(r);
    CHECK(r->str("ok") == "true");
    auto dr = s.until([](const json_line& j) { return j.str("event") == "delivery-report"; });
    REQUIRE(dr);
    CHECK(dr->str("id") == "t1");
    s.mmsc.proc->write_line(
        R"({"cmd":"deliver","from":"+4915550042","to":"12345","text":"hi over TLS","parts":[{"content_type":"image/png","name":"p.png","base64":")" +
        base64(test_media()[1].bytes) + R"("}]})");
    auto in = s.until([](const json_line& j) { return j.str("event") == "interaction"; });
    REQUIRE(in);
    CHECK(in->str("attributes", "_smsText") == "hi over TLS");
    const auto& parts = array_of(*in, "parts");
    REQUIRE(parts.Size() == 2);
    CHECK(std::string(parts[1]["base64"].GetString()) == base64(test_media()[1].bytes));
    auto acknowledged = [&] {
      return std::count_if(s.mmsc.events.begin(), s.mmsc.events.end(), [](const json_line& e) {
        return e.str("event") == "post-result" && e.str("outcome") == "acknowledged";
      });
    };
    s.mmsc.until([&](const json_line&) { return acknowledged() >= 2; });
    CHECK(acknowledged() == 2);
    CHECK(s.finish() == 0);
  }
  SECTION("an MMSC that does not trust the listener's CA sends nothing; plain HTTP is refused") {
    options o;
    o.https = true;
    o.listener_extra = files;
    o.sim_flags = {"--vasp-ca", certs + "/other-ca.pem", "--max-attempts", "1"};
    mms_stack s(o);
    // Once a SendMMS is answered, the channel (and its listener) is up.
    s.dms->write_line(send_mms("t2", {{"_smsDestNumber", "1"}, {"_smsText", "x"}}, {}));
    REQUIRE(s.response("t2"));
    s.mmsc.proc->write_line(R"({"cmd":"deliver","from":"+491","to":"12345","text":"x"})");
    auto failed = s.mmsc.until([](const json_line& j) { return j.str("event") == "post-result"; });
    REQUIRE(failed);
    CHECK(failed->num("http_status") == 0);
    INFO("reason: " << failed->str("reason"));
    CHECK(failed->str("reason").find("TLS handshake") != std::string::npos);
    // The listener speaks TLS only: a plain HTTP request gets no HTTP answer.
    const auto plain =
        http_request(s.listen_port, "POST", "/mm7", "Content-Type: text/xml\r\n", "<x/>");
    CHECK(plain.status == 0);
    CHECK(s.finish() == 0);
    for (const auto& j : s.out)
      CHECK(j.str("event") != "interaction");
  }
}
