// The link to the SMSC end to end: TLS (single and mutual, every failure operators meet, each
// asserted by its message, docs/tls.md) against smsc-sim in TLS mode, and x-smpp-comms-timeout
// for the TLS handshake and for a write the SMSC does not take. dms-stub loads the real module;
// certificates come from tests/support/make-test-certs.sh (the `tls_certs` test fixture).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "link_fixture.hpp"

using namespace smsdrv::test;

namespace {

// smsc-sim flags for TLS with the server certificate `name` (server, server-expired, ...).
std::vector<std::string> tls_sim(const std::string& name, std::vector<std::string> more = {}) {
  std::vector<std::string> flags{"--tls-cert", cert(name + ".chain.pem"), "--tls-key",
                                 cert(name + ".key")};
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

// smsc-sim with `flags` (TLS or not) and an account for the channel.
smsc_process simulator(std::vector<std::string> flags) {
  std::vector<std::string> argv{SMSDRV_SMSC_SIM_PATH, "--listen", "127.0.0.1:0", "--account",
                                "e2e:e2e-pw"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return smsc_process(argv);
}

// A SendSMS answered with the SMSC's message id, then an inbound message from the SMSC.
void exchange(host& h, smsc_process& smsc) {
  h.dms->write_line(
      send_sms("r1", "channel-sms1", {{"_smsDestNumber", "4915550001"}, {"_smsText", "über TLS"}}));
  auto resp = h.until([](const json_line& j) { return j.str("event") == "esp-response"; });
  REQUIRE(resp);
  CHECK(resp->str("ok") == "true");
  CHECK_FALSE(resp->str("userData", "_smsMessageId").empty());
  auto submit = smsc.until([](const json_line& j) { return j.str("event") == "submit_sm"; });
  REQUIRE(submit);
  CHECK(submit->str("message_id") == resp->str("userData", "_smsMessageId"));
  smsc.proc->write_line(
      R"({"cmd":"mo","from":"4915550002","to":"12345","text":"reply over TLS","system_id":"e2e"})");
  auto in = h.until([](const json_line& j) { return j.str("event") == "interaction"; });
  REQUIRE(in);
  CHECK(in->str("attributes", "_smsText") == "reply over TLS");
}

// A TCP listener on loopback that accepts and then either says nothing, or answers the bind
// and stops reading (its receive buffer kept small so that the sender's writes stall).
class raw_smsc {
 public:
  enum class behaviour { silent, deaf_after_bind };

  explicit raw_smsc(behaviour b) : behaviour_(b) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int small = 4096;
    ::setsockopt(listener_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener_, 8) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~raw_smsc() {
    stop_ = true;
    thread_.join();
    for (int c : connections_)
      ::close(c);
    ::close(listener_);
  }
  int port() const { return port_; }

 private:
  void run() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(listener_, nullptr, nullptr);
      if (c < 0) continue;
      connections_.push_back(c);
      if (behaviour_ == behaviour::deaf_after_bind) answer_bind(c);
    }
  }
  // Reads the bind (SMPP v3.4 §4.1) and answers bind_transceiver_resp with its sequence number.
  static void answer_bind(int c) {
    unsigned char header[16];
    if (::recv(c, header, sizeof header, MSG_WAITALL) != 16) return;
    const std::uint32_t length =
        (std::uint32_t{header[0]} << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
    std::string body(length - 16, '\0');
    if (::recv(c, body.data(), body.size(), MSG_WAITALL) != static_cast<ssize_t>(body.size()))
      return;
    const unsigned char resp[20] = {0,          0,          0,   20,  0x80, 0,          0,
                                    0x09,       0,          0,   0,   0,    header[12], header[13],
                                    header[14], header[15], 'r', 'a', 'w',  0};
    ::send(c, resp, sizeof resp, MSG_NOSIGNAL);
  }

  behaviour behaviour_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<int> connections_;
};

}  // namespace

TEST_CASE("single: the SMSC's certificate verified, SendSMS and an inbound message over TLS") {
  smsc_process smsc = simulator(tls_sim("server"));
  host h(smsc.port, single_mode());
  REQUIRE(h.state("bound"));
  auto tls = smsc.until([](const json_line& j) { return j.str("event") == "tls"; });
  REQUIRE(tls);
  CHECK(tls->str("version") == "TLSv1.3");
  CHECK(tls->str("client_cert").empty());
  CHECK(tls->str("sni").empty());  // connected by IP address: no SNI (RFC 6066 §3)
  exchange(h, smsc);
  CHECK(h.finish() == 0);
  CHECK(has(h.log(), "TLS single, version 1.2 or newer, trusting 1 certificate from"));
  CHECK(has(h.log(), "SMSC certificate CN=localhost (issuer CN=smsdrv test CA"));
  CHECK_FALSE(has(h.log(), "file-pw-1"));
}

TEST_CASE("mutual: our certificate presented and accepted, SendSMS and an inbound message") {
  smsc_process smsc = simulator(tls_sim("server", {"--tls-client-ca", cert("ca.pem")}));
  host h(smsc.port, mutual_mode());
  REQUIRE(h.state("bound"));
  auto tls = smsc.until([](const json_line& j) { return j.str("event") == "tls"; });
  REQUIRE(tls);
  CHECK(tls->str("client_cert") == "/CN=esme-e2e");
  exchange(h, smsc);
  CHECK(h.finish() == 0);
  CHECK(has(h.log(), "our certificate CN=esme-e2e"));
  CHECK_FALSE(has(h.log(), "file-pw-1"));
}

TEST_CASE("a host name is checked and sent as SNI; relaxing the check is warned at every connect") {
  SECTION("connected by name") {
    smsc_process smsc = simulator(tls_sim("server"));
    host h(smsc.port, single_mode(), "localhost");
    REQUIRE(h.state("bound"));
    auto tls = smsc.until([](const json_line& j) { return j.str("event") == "tls"; });
    REQUIRE(tls);
    CHECK(tls->str("sni") == "localhost");
  }
  SECTION("a certificate for another name, with x-smpp-tls-host-name") {
    smsc_process smsc = simulator(tls_sim("server-wrong-name"));
    host h(smsc.port, single_mode() + "x-smpp-tls-host-name = smsc.example.net\n");
    REQUIRE(h.state("bound"));
    auto tls = smsc.until([](const json_line& j) { return j.str("event") == "tls"; });
    REQUIRE(tls);
    CHECK(tls->str("sni") == "smsc.example.net");
  }
  SECTION("the same, with the check switched off") {
    smsc_process smsc = simulator(tls_sim("server-wrong-name"));
    host h(smsc.port, single_mode() + "x-smpp-tls-verification = insecure-no-host-name\n");
    REQUIRE(h.state("bound"));
    smsc.proc->write_line(R"({"cmd":"close"})");
    REQUIRE(h.state("down"));
    REQUIRE(h.state("bound"));
    CHECK(h.finish() == 0);
    CHECK(count_of(h.log(), "INSECURE: x-smpp-tls-verification = insecure-no-host-name") == 2);
  }
}

TEST_CASE("an SMSC certificate that is not trusted is named with its reason; the channel retries") {
  SECTION("unknown CA") {
    smsc_process smsc = simulator(tls_sim("server-other-ca"));
    host h(smsc.port, single_mode());
    h.down_twice_for(
        "TLS handshake failed: the SMSC's certificate is not trusted: unknown CA: "
        "the SMSC's chain ends at CN=smsdrv other CA, which we do not trust; add "
        "that CA to the PKCS#12 file of x-smpp-tls-path-to-certificate");
  }
  SECTION("expired") {
    smsc_process smsc = simulator(tls_sim("server-expired"));
    host h(smsc.port, single_mode());
    h.down_twice_for("the SMSC's certificate is not trusted: expired on ");
  }
  SECTION("host name mismatch") {
    smsc_process smsc = simulator(tls_sim("server-wrong-name"));
    host h(smsc.port, single_mode());
    h.down_twice_for(
        "the SMSC's certificate is not trusted: host name mismatch: it is not valid "
        "for '127.0.0.1' (it names DNS:smsc.example.net); connect by a name it "
        "carries, or set x-smpp-tls-host-name to it");
  }
  SECTION("not in the system trust store") {
    smsc_process smsc = simulator(tls_sim("server"));
    host h(smsc.port, "x-smpp-tls-mode = single\n");
    h.down_twice_for(
        "unknown CA: the SMSC's chain ends at CN=smsdrv test CA, which we do not trust; the "
        "system trust store does not hold it");
  }
}

TEST_CASE(
    "an SMSC that does not trust our certificate, or wants one, says so; the channel retries") {
  SECTION("TLS 1.3: refused after our side of the handshake is done") {
    smsc_process smsc = simulator(tls_sim("server", {"--tls-client-ca", cert("ca.pem")}));
    host h(smsc.port, mutual_mode("client-other-ca.p12"));
    h.down_twice_for(
        "the SMSC refused our certificate (TLS alert 'unknown CA'): it does not "
        "trust it; have the SMSC trust our certificate's CA, or check the "
        "certificate in x-smpp-tls-path-to-certificate");
    CHECK(smsc.until([](const json_line& j) {
      return j.str("event") == "tls-failed" && has(j.str("error"), "certificate verify failed");
    }));
  }
  SECTION("TLS 1.2: refused during the handshake") {
    smsc_process smsc = simulator(
        tls_sim("server", {"--tls-client-ca", cert("ca.pem"), "--tls-max-version", "1.2"}));
    host h(smsc.port, mutual_mode("client-other-ca.p12"));
    h.down_twice_for(
        "TLS handshake failed: the SMSC refused our certificate (TLS alert 'unknown "
        "CA')");
  }
  SECTION("single mode against an SMSC that requires a client certificate") {
    smsc_process smsc = simulator(tls_sim("server", {"--tls-client-ca", cert("ca.pem")}));
    host h(smsc.port, single_mode());
    h.down_twice_for(
        "the SMSC requires a client certificate (TLS alert 'certificate "
        "required'): set x-smpp-tls-mode = mutual");
  }
}

TEST_CASE("TLS and plain on the wrong ports, and a handshake nobody answers") {
  SECTION("TLS to a plain SMPP port") {
    smsc_process smsc = simulator({});
    host h(smsc.port, single_mode());
    h.down_twice_for(
        "TLS handshake failed: the SMSC did not answer in TLS (its first octets 00 "
        "00 00 10 80, an SMPP PDU header): this port speaks plain SMPP; set "
        "x-smpp-tls-mode = none, or use the SMSC's TLS port");
  }
  SECTION("plain SMPP to a TLS port") {
    smsc_process smsc = simulator(tls_sim("server"));
    host h(smsc.port, "");
    h.down_twice_for(
        "the SMSC closed the connection without answering the bind (a TLS port "
        "does this to a plain connection: check x-smpp-tls-mode)");
  }
  SECTION("a port that accepts and says nothing") {
    raw_smsc silent(raw_smsc::behaviour::silent);
    host h(silent.port(), single_mode() + "x-smpp-comms-timeout = 1\n");
    h.down_twice_for(
        "TLS handshake failed: no handshake within 1 s (x-smpp-comms-timeout): the "
        "SMSC sent nothing back");
  }
}

TEST_CASE("TLS 1.2 at least by default; older versions only when asked, as insecure") {
  SECTION("an SMSC with TLS 1.1 at most") {
    smsc_process smsc = simulator(tls_sim("server", {"--tls-max-version", "1.1"}));
    host h(smsc.port, single_mode());
    h.down_twice_for(
        "no TLS version in common with the SMSC (TLS alert 'protocol version'; we "
        "offer TLS 1.2 or newer, x-smpp-tls-version)");
  }
  SECTION("the same, allowed with TLSv1.1-insecure") {
    smsc_process smsc = simulator(tls_sim("server", {"--tls-max-version", "1.1"}));
    host h(smsc.port, single_mode() + "x-smpp-tls-version = TLSv1.1-insecure\n");
    REQUIRE(h.state("bound"));
    auto tls = smsc.until([](const json_line& j) { return j.str("event") == "tls"; });
    REQUIRE(tls);
    CHECK(tls->str("version") == "TLSv1.1");
    CHECK(h.finish() == 0);
    CHECK(has(h.log(), "INSECURE: x-smpp-tls-version = TLSv1.1-insecure allows TLS 1.1"));
  }
  SECTION("TLSv1.3 required, the SMSC has TLS 1.2") {
    smsc_process smsc = simulator(tls_sim("server", {"--tls-max-version", "1.2"}));
    host h(smsc.port, single_mode() + "x-smpp-tls-version = TLSv1.3\n");
    h.down_twice_for(
        "no TLS version in common with the SMSC (TLS alert 'protocol version'; we "
        "offer TLS 1.3, x-smpp-tls-version)");
  }
  SECTION("TLS 1.2 by default") {
    smsc_process smsc = simulator(tls_sim("server", {"--tls-max-version", "1.2"}));
    host h(smsc.port, mutual_mode());
    REQUIRE(h.state("bound"));
    auto tls = smsc.until([](const json_line& j) { return j.str("event") == "tls"; });
    REQUIRE(tls);
    CHECK(tls->str("version") == "TLSv1.2");
  }
}

TEST_CASE("a wrong file or key password is a configuration error naming its option") {
  smsc_process smsc = simulator(tls_sim("server"));
  SECTION("file password") {
    host h(smsc.port, mutual_mode("client.p12", "Wr0ng-file-pw"));
    REQUIRE(h.dms->wait(15s) == 1);
    const std::string log = h.log();
    INFO(log);
    CHECK(has(log, "x-smpp-tls-certificate-file-password = '********': wrong password for '" +
                       cert("client.p12") + "' (its integrity check failed)"));
    CHECK_FALSE(has(log, "Wr0ng"));
  }
  SECTION("key password") {
    host h(smsc.port, mutual_mode() + "x-smpp-tls-certificate-password = Wr0ng-key-pw\n");
    REQUIRE(h.dms->wait(15s) == 1);
    const std::string log = h.log();
    INFO(log);
    CHECK(has(log,
              "x-smpp-tls-certificate-password = '********': wrong password for our private "
              "key in '" +
                  cert("client.p12") + "' (it cannot be decrypted)"));
    CHECK_FALSE(has(log, "Wr0ng"));
    CHECK_FALSE(has(log, "file-pw-1"));
  }
}

TEST_CASE("a certificate file changed while running is loaded again, or the channel says why not") {
  smsc_process smsc = simulator(tls_sim("server", {"--tls-client-ca", cert("ca.pem")}));
  server_root files;
  const fs::path p12 = files.dir / "esme.p12";
  fs::copy_file(cert("client.p12"), p12);
  host h(smsc.port, mutual_mode(p12.string()));
  REQUIRE(h.state("bound"));

  // Replaced by a file with another password: the next connection attempt says so, and retries.
  fs::copy_file(cert("client-pw2.p12"), p12, fs::copy_options::overwrite_existing);
  smsc.proc->write_line(R"({"cmd":"close"})");
  REQUIRE(h.state("down"));  // closed by the SMSC
  h.down_twice_for(p12.string() +
                   " changed on disk and no longer loads: x-smpp-tls-certificate-file-password: "
                   "wrong password for '" +
                   p12.string() + "' (its integrity check failed)");

  fs::copy_file(cert("client.p12"), p12, fs::copy_options::overwrite_existing);
  REQUIRE(h.state("bound", 30s));
  CHECK(h.finish() == 0);
  CHECK(has(h.log(), p12.string() + " changed on disk and was loaded again"));
  CHECK_FALSE(has(h.log(), "file-pw-1"));
}

TEST_CASE("a write the SMSC does not take fails the link after x-smpp-comms-timeout") {
  raw_smsc deaf(raw_smsc::behaviour::deaf_after_bind);
  host h(deaf.port(),
         "x-smpp-comms-timeout = 1\nx-smpp-submit-window-size = 1000\n"
         "x-smpp-queue-size = 100000\n");
  REQUIRE(h.state("bound"));
  // More than the socket buffers hold (the kernel lets a loopback sender buffer 4 MB): 300
  // submit_sm carrying a 20 KB TLV each.
  const std::string tlv =
      "{ tlvItems: [ {tag:5120, typ:octets, val:" + std::string(40000, 'a') + "} ] }";
  for (int i = 0; i < 300; ++i)
    h.dms->write_line(
        send_sms("w" + std::to_string(i), "channel-sms1",
                 {{"_smsDestNumber", "4915550001"}, {"_smsText", "big"}, {"extraopt", tlv}}));
  auto down = h.state("down", 30s);
  INFO(h.log());
  REQUIRE(down);
  INFO(down->text);
  CHECK(has(down->str("attributes", "reason"),
            "did not complete within 1 s "
            "(x-smpp-comms-timeout): the SMSC is not reading"));
}
