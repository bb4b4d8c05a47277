// TLS against an independent implementation: the npm `smpp` SMSC (tests/interop/smsc-server.js)
// on node's TLS server (OpenSSL under node), with the test certificates of
// tests/support/make-test-certs.sh. Node refuses a client certificate differently from
// smsc-sim: it completes the handshake and then drops the connection without a TLS alert, as the
// SMSC of the driver guide's "Possible problems" does. Exit 77 (skipped) when node or the package
// is missing, unless SMSDRV_REQUIRE_INTEROP=1.
#define CATCH_CONFIG_RUNNER
#include <cstdlib>

#include "link_fixture.hpp"

using namespace smsdrv::test;

namespace {

bool interop_available() {
  const fs::path package = fs::path(SMSDRV_INTEROP_DIR) / "node_modules" / "smpp";
  return std::system("node --version >/dev/null 2>&1") == 0 && fs::exists(package);
}

// The npm SMSC, on TLS with the server certificate `name` unless `name` is empty.
smsc_process npm_smsc(const std::string& name, std::vector<std::string> more = {}) {
  std::vector<std::string> argv{
      "node",           std::string(SMSDRV_INTEROP_DIR) + "/smsc-server.js",
      "--port",         "0",
      "--account",      "e2e:e2e-pw",
      "--dlr-delay-ms", "20"};
  if (!name.empty()) {
    for (const std::string& a : {std::string("--tls-cert"), cert(name + ".pem"),
                                 std::string("--tls-key"), cert(name + ".key")})
      argv.push_back(a);
  }
  argv.insert(argv.end(), more.begin(), more.end());
  return smsc_process(argv);
}

// A SendSMS answered with the npm SMSC's message id, then an inbound message from it.
void exchange(host& h, smsc_process& smsc) {
  h.dms->write_line(
      send_sms("r1", "channel-sms1", {{"_smsDestNumber", "4915550001"}, {"_smsText", "über TLS"}}));
  auto resp = h.until([](const json_line& j) { return j.str("event") == "esp-response"; });
  REQUIRE(resp);
  CHECK(resp->str("ok") == "true");
  auto submit = smsc.until([](const json_line& j) { return j.str("event") == "submit_sm"; });
  REQUIRE(submit);
  CHECK(submit->str("message_id") == resp->str("userData", "_smsMessageId"));
  smsc.proc->write_line(
      R"({"cmd":"mo","count":1,"from":"4917000","to":"12345","text":"MO {n} over TLS","system_id":"e2e"})");
  auto in = h.until([](const json_line& j) { return j.str("event") == "interaction"; });
  REQUIRE(in);
  CHECK(in->str("attributes", "_smsText") == "MO 1 over TLS");
  CHECK(h.finish() == 0);
  CHECK(smsc.until([](const json_line& j) {
    return j.str("event") == "deliver_sm_resp" && j.str("status") == "ESME_ROK";
  }));
}

}  // namespace

TEST_CASE("npm smpp over TLS, single: SendSMS and an inbound message") {
  smsc_process smsc = npm_smsc("server");
  host h(smsc.port, single_mode());
  REQUIRE(h.state("bound"));
  auto tls = smsc.until([](const json_line& j) { return j.str("event") == "tls"; });
  REQUIRE(tls);
  CHECK(tls->str("version") == "TLSv1.3");
  CHECK(tls->str("client_cert").empty());
  exchange(h, smsc);
}

TEST_CASE("npm smpp over TLS, mutual: our certificate accepted, SendSMS and an inbound message") {
  smsc_process smsc = npm_smsc("server", {"--tls-client-ca", cert("ca.pem")});
  host h(smsc.port, mutual_mode(), "localhost");
  REQUIRE(h.state("bound"));
  auto tls = smsc.until([](const json_line& j) { return j.str("event") == "tls"; });
  REQUIRE(tls);
  CHECK(tls->str("client_cert") == "CN=esme-e2e");
  CHECK(tls->str("sni") == "localhost");
  exchange(h, smsc);
}

TEST_CASE("npm smpp over TLS: each failure named, the channel retrying") {
  SECTION("the SMSC's certificate is from an unknown CA") {
    smsc_process smsc = npm_smsc("server-other-ca");
    host h(smsc.port, single_mode());
    h.down_twice_for(
        "the SMSC's certificate is not trusted: unknown CA: the SMSC's certificate "
        "(CN=localhost) is issued by CN=smsdrv other CA, which we do not trust");
  }
  SECTION("the SMSC's certificate expired") {
    smsc_process smsc = npm_smsc("server-expired");
    host h(smsc.port, single_mode());
    h.down_twice_for("the SMSC's certificate is not trusted: expired on ");
  }
  SECTION("the SMSC's certificate is for another host") {
    smsc_process smsc = npm_smsc("server-wrong-name");
    host h(smsc.port, single_mode());
    h.down_twice_for("the SMSC's certificate is not trusted: host name mismatch");
  }
  SECTION("the SMSC drops the connection after the handshake: it does not trust our certificate") {
    smsc_process smsc = npm_smsc("server", {"--tls-client-ca", cert("ca.pem")});
    host h(smsc.port, mutual_mode("client-other-ca.p12"));
    h.down_twice_for(
        "right after the TLS handshake, before answering the bind: the SMSC "
        "probably does not trust our certificate (x-smpp-tls-path-to-certificate)");
  }
  SECTION("TLS to a plain port: npm smpp waits for the rest of a PDU that never comes") {
    smsc_process smsc = npm_smsc("");
    host h(smsc.port, single_mode() + "x-smpp-comms-timeout = 1\n");
    h.down_twice_for(
        "TLS handshake failed: no handshake within 1 s (x-smpp-comms-timeout): the "
        "SMSC sent nothing back (a plain SMPP port waits silently for a PDU: check "
        "x-smpp-tls-mode and x-smpp-port)");
  }
  SECTION("plain SMPP to a TLS port") {
    smsc_process smsc = npm_smsc("server");
    host h(smsc.port, "");
    h.down_twice_for(
        "the SMSC closed the connection without answering the bind (a TLS port "
        "does this to a plain connection: check x-smpp-tls-mode)");
  }
}

int main(int argc, char** argv) {
  if (!interop_available()) {
    const char* required = std::getenv("SMSDRV_REQUIRE_INTEROP");
    std::fprintf(stderr,
                 "interop: node or tests/interop/node_modules/smpp is missing (run "
                 "scripts/setup.sh)\n");
    return required && std::string(required) == "1" ? 1 : 77;
  }
  return Catch::Session().run(argc, argv);
}
