// io/tls_diagnosis: the messages made from a handshake's trace, one row per cause. Each row is a
// trace written by hand (what the OpenSSL callbacks would have recorded), how the link broke, and
// the two messages expected: no handshake, no certificate files.
#include "io/tls_diagnosis.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace smsdrv::io;
using smsdrv::config::tls_mode;
using smsdrv::config::tls_version;

namespace {

const link_failure closed{link_failure::kind::closed, 0, {}};
const link_failure reset{link_failure::kind::system, 0, "Connection reset by peer"};

link_failure tls_error(int reason) {
  return {link_failure::kind::tls, ERR_PACK(ERR_LIB_SSL, 0, reason), {}};
}

// A single-mode channel to smsc.example.net, trusting a PKCS#12 file, that got the SMSC's hello.
tls_trace single() {
  tls_trace t;
  t.mode = tls_mode::single;
  t.trust_from_file = true;
  t.host = "smsc.example.net";
  t.received_any = t.server_hello = true;
  return t;
}

// A mutual-mode channel that was asked for its certificate and presented it.
tls_trace mutual() {
  tls_trace t = single();
  t.mode = tls_mode::mutual;
  t.certificate_requested = t.sent_certificate = true;
  return t;
}

tls_trace with_alert(tls_trace t, int alert) {
  t.alert_received = alert;
  return t;
}

// The SMSC's certificate failed the check with `error` at `depth`.
tls_trace with_verify_error(tls_trace t, int error, int depth = 0) {
  t.verify_error = error;
  t.verify_depth = depth;
  t.verify_subject = depth == 0 ? "CN=smsc.example.net" : "CN=Some Root";
  t.verify_issuer = "CN=Some CA";
  t.verify_names = "DNS:other.example.net";
  t.verify_not_before = "2030-01-01 00:00:00 UTC";
  t.verify_not_after = "2024-01-31 00:00:00 UTC";
  return t;
}

tls_trace first_octets(tls_trace t, std::vector<unsigned char> octets) {
  t.server_hello = false;
  t.received_any = true;
  for (std::size_t i = 0; i < octets.size() && i < sizeof t.first_octets; ++i)
    t.first_octets[i] = octets[i];
  return t;
}

struct row {
  const char* cause;
  tls_trace trace;
  link_failure failure;
  std::string handshake;  // describe_handshake_failure
  std::string early;      // describe_early_failure
};

const std::string refused_ours =
    "the SMSC refused our certificate (TLS alert 'unknown CA'): it does not trust it; have the "
    "SMSC trust our certificate's CA, or check the certificate in x-smpp-tls-path-to-certificate";
const std::string requires_mutual =
    "the SMSC requires a client certificate (TLS alert 'certificate required'): set "
    "x-smpp-tls-mode = mutual with our key and certificate in x-smpp-tls-path-to-certificate";
const std::string version_1_2 =
    "no TLS version in common with the SMSC (TLS alert 'protocol version'; we offer TLS 1.2 or "
    "newer, x-smpp-tls-version); an SMSC with only TLS 1.0 or 1.1 should be upgraded "
    "(TLSv1.1-insecure would accept it, insecurely)";
const std::string failed = "TLS handshake failed: ";
const std::string ended = "the SMSC ended the TLS connection before answering the bind: ";
const std::string not_trusted = "TLS handshake failed: the SMSC's certificate is not trusted: ";

std::vector<row> rows() {
  tls_trace v13 = single();
  v13.version = tls_version::tls1_3;
  tls_trace system_store = single();
  system_store.trust_from_file = false;
  tls_trace single_requested = single();
  single_requested.certificate_requested = true;
  tls_trace silent = single();
  silent.received_any = silent.server_hello = false;
  return {
      // The SMSC's alert: it names the cause, and wins over everything else in the trace.
      {"our certificate refused", with_alert(mutual(), SSL_AD_UNKNOWN_CA), closed,
       failed + refused_ours, ended + refused_ours},
      {"our certificate refused (bad certificate)", with_alert(mutual(), SSL_AD_BAD_CERTIFICATE),
       reset,
       failed +
           "the SMSC refused our certificate (TLS alert 'bad certificate'): it does not trust it; "
           "have the SMSC trust our certificate's CA, or check the certificate in "
           "x-smpp-tls-path-to-certificate",
       ended +
           "the SMSC refused our certificate (TLS alert 'bad certificate'): it does not trust it; "
           "have the SMSC trust our certificate's CA, or check the certificate in "
           "x-smpp-tls-path-to-certificate"},
      {"certificate required", with_alert(single_requested, SSL_AD_CERTIFICATE_REQUIRED), closed,
       failed + requires_mutual, ended + requires_mutual},
      {"certificate required, said as a handshake failure",
       with_alert(single_requested, SSL_AD_HANDSHAKE_FAILURE), closed,
       failed + "the SMSC requires a client certificate (TLS alert 'handshake failure'): set "
                "x-smpp-tls-mode = mutual with our key and certificate in "
                "x-smpp-tls-path-to-certificate",
       ended + "the SMSC requires a client certificate (TLS alert 'handshake failure'): set "
               "x-smpp-tls-mode = mutual with our key and certificate in "
               "x-smpp-tls-path-to-certificate"},
      {"no version in common (we offer 1.2+)", with_alert(single(), SSL_AD_PROTOCOL_VERSION),
       closed, failed + version_1_2, ended + version_1_2},
      {"no version in common (we offer 1.3 only)", with_alert(v13, SSL_AD_PROTOCOL_VERSION), closed,
       failed +
           "no TLS version in common with the SMSC (TLS alert 'protocol version'; we offer TLS "
           "1.3, x-smpp-tls-version)",
       ended + "no TLS version in common with the SMSC (TLS alert 'protocol version'; we offer TLS "
               "1.3, x-smpp-tls-version)"},
      {"unknown SNI name", with_alert(single(), SSL_AD_UNRECOGNIZED_NAME), closed,
       failed + "the SMSC does not know the name we asked for (TLS alert 'unrecognized name', SNI "
                "'smsc.example.net'): check x-smpp-host or x-smpp-tls-host-name",
       ended + "the SMSC does not know the name we asked for (TLS alert 'unrecognized name', SNI "
               "'smsc.example.net'): check x-smpp-host or x-smpp-tls-host-name"},
      {"no cipher suite in common", with_alert(single(), SSL_AD_HANDSHAKE_FAILURE), closed,
       failed + "the SMSC found no cipher suite or parameters in common with us (TLS alert "
                "'handshake failure')",
       ended + "the SMSC found no cipher suite or parameters in common with us (TLS alert "
               "'handshake failure')"},
      {"another alert", with_alert(single(), SSL_AD_DECODE_ERROR), closed,
       failed + "the SMSC ended the TLS handshake (TLS alert 'decode error')",
       ended + "the SMSC ended the TLS handshake (TLS alert 'decode error')"},
      {"an alert OpenSSL has no name for", with_alert(single(), 200), closed,
       failed + "the SMSC ended the TLS handshake (TLS alert 'alert 200')",
       ended + "the SMSC ended the TLS handshake (TLS alert 'alert 200')"},
      {"an alert wins over a certificate problem",
       with_alert(with_verify_error(single(), X509_V_ERR_CERT_HAS_EXPIRED), SSL_AD_DECODE_ERROR),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       failed + "the SMSC ended the TLS handshake (TLS alert 'decode error')",
       ended + "the SMSC ended the TLS handshake (TLS alert 'decode error')"},

      // Our check of the SMSC's certificate.
      {"expired", with_verify_error(single(), X509_V_ERR_CERT_HAS_EXPIRED),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted +
           "expired on 2024-01-31 00:00:00 UTC (the SMSC's certificate, CN=smsc.example.net)",
       ""},
      {"not yet valid", with_verify_error(single(), X509_V_ERR_CERT_NOT_YET_VALID),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted +
           "not valid before 2030-01-01 00:00:00 UTC (the SMSC's certificate, CN=smsc.example.net; "
           "check this machine's clock)",
       ""},
      {"host name mismatch", with_verify_error(single(), X509_V_ERR_HOSTNAME_MISMATCH),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted + "host name mismatch: it is not valid for 'smsc.example.net' (it names "
                     "DNS:other.example.net); connect by a name it carries, or set "
                     "x-smpp-tls-host-name to it",
       ""},
      {"IP address mismatch", with_verify_error(single(), X509_V_ERR_IP_ADDRESS_MISMATCH),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted + "host name mismatch: it is not valid for 'smsc.example.net' (it names "
                     "DNS:other.example.net); connect by a name it carries, or set "
                     "x-smpp-tls-host-name to it",
       ""},
      {"unknown CA, trusting a file",
       with_verify_error(single(), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted +
           "unknown CA: the SMSC's certificate (CN=smsc.example.net) is issued by CN=Some CA, "
           "which we do not trust; add that CA to the PKCS#12 file of "
           "x-smpp-tls-path-to-certificate",
       ""},
      {"unknown CA, trusting the system store",
       with_verify_error(system_store, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted +
           "unknown CA: the SMSC's certificate (CN=smsc.example.net) is issued by CN=Some CA, "
           "which we do not trust; the system trust store does not hold it: give the SMSC's CA "
           "chain in a PKCS#12 file with x-smpp-tls-path-to-certificate",
       ""},
      {"unknown root in the chain",
       with_verify_error(single(), X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, 1),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted +
           "unknown CA: the SMSC's chain ends at CN=Some Root, which we do not trust; add that "
           "CA to the PKCS#12 file of x-smpp-tls-path-to-certificate",
       ""},
      {"self-signed, trusting a file",
       with_verify_error(single(), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted +
           "unknown CA: the SMSC's certificate (CN=smsc.example.net) is self-signed and we do not "
           "trust it; add it to the PKCS#12 file of x-smpp-tls-path-to-certificate",
       ""},
      {"self-signed, trusting the system store",
       with_verify_error(system_store, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted +
           "unknown CA: the SMSC's certificate (CN=smsc.example.net) is self-signed and we do not "
           "trust it; give it in a PKCS#12 file with x-smpp-tls-path-to-certificate",
       ""},
      {"a CA in the chain revoked", with_verify_error(single(), X509_V_ERR_CERT_REVOKED, 1),
       tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       not_trusted +
           "certificate revoked (a CA certificate in the SMSC's chain (CN=Some Root), CN=Some "
           "Root)",
       ""},

      // OpenSSL's error, without an alert or a certificate problem in the trace.
      {"verification failed without detail", single(), tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
       "TLS handshake failed: the SMSC's certificate is not trusted", ""},
      {"a plain SMPP port", first_octets(single(), {0x00, 0x00, 0x00, 0x10, 0x80}),
       tls_error(SSL_R_WRONG_VERSION_NUMBER),
       failed +
           "the SMSC did not answer in TLS (its first octets 00 00 00 10 80, an SMPP PDU header): "
           "this port speaks plain SMPP; set x-smpp-tls-mode = none, or use the SMSC's TLS port",
       ""},
      {"a port that speaks neither TLS nor SMPP", first_octets(single(), {'H', 'T', 'T', 'P', '/'}),
       tls_error(SSL_R_PACKET_LENGTH_TOO_LONG),
       failed +
           "the SMSC did not answer in TLS (its first octets 48 54 54 50 2f): this port speaks "
           "plain SMPP; set x-smpp-tls-mode = none, or use the SMSC's TLS port",
       ""},
      {"the SMSC chose an older version", single(), tls_error(SSL_R_UNSUPPORTED_PROTOCOL),
       failed +
           "no TLS version in common with the SMSC (the SMSC chose an older one; we offer TLS 1.2 "
           "or newer, x-smpp-tls-version); an SMSC with only TLS 1.0 or 1.1 should be upgraded "
           "(TLSv1.1-insecure would accept it, insecurely)",
       ""},
      {"another TLS error", single(), tls_error(SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC),
       "TLS handshake failed: TLS error: decryption failed or bad record mac", ""},

      // The connection closed or broke, with nothing from OpenSSL.
      {"no answer to our hello", silent, closed,
       failed +
           "the SMSC closed the connection without answering our TLS hello: the port may speak "
           "plain SMPP (check x-smpp-tls-mode and x-smpp-port)",
       ""},
      {"reset before any answer", silent, reset,
       failed +
           "the connection broke (Connection reset by peer) without answering our TLS hello: the "
           "port may speak plain SMPP (check x-smpp-tls-mode and x-smpp-port)",
       ""},
      {"closed after our certificate", mutual(), closed,
       failed + "the SMSC closed the connection during the handshake, after we presented our "
                "certificate: the SMSC probably does not trust our certificate "
                "(x-smpp-tls-path-to-certificate)",
       "the SMSC closed the connection right after the TLS handshake, before answering the bind: "
       "the SMSC probably does not trust our certificate (x-smpp-tls-path-to-certificate)"},
      {"reset after our certificate", mutual(), reset,
       failed + "the connection broke (Connection reset by peer) during the handshake, after we "
                "presented our certificate: the SMSC probably does not trust our certificate "
                "(x-smpp-tls-path-to-certificate)",
       "the connection broke (Connection reset by peer) right after the TLS handshake, before "
       "answering the bind: the SMSC probably does not trust our certificate "
       "(x-smpp-tls-path-to-certificate)"},
      {"closed after a certificate request in single mode", single_requested, closed,
       failed + "the SMSC closed the connection during the handshake after the SMSC asked for a "
                "client certificate: it probably needs x-smpp-tls-mode = mutual",
       "the SMSC closed the connection right after the TLS handshake, before answering the "
       "bind; the SMSC had asked for a client certificate: it probably needs x-smpp-tls-mode = "
       "mutual"},
      {"closed with nothing else to say", single(), closed,
       "TLS handshake failed: the SMSC closed the connection during the handshake", ""},
  };
}

}  // namespace

TEST_CASE("each handshake trace becomes the message that names its cause and the option") {
  // OpenSSL's reason strings, loaded as SSL_CTX_new loads them for every TLS channel.
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, nullptr);
  for (const row& r : rows()) {
    INFO(r.cause);
    CHECK(describe_handshake_failure(r.trace, r.failure) == r.handshake);
    CHECK(describe_early_failure(r.trace, r.failure) == r.early);
  }
}

TEST_CASE("read and write errors on a TLS link are named by OpenSSL's reason") {
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, nullptr);
  CHECK(describe_tls_error(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC)) ==
        "TLS error: decryption failed or bad record mac");
  // A code OpenSSL has no text for is shown as a number rather than dropped.
  CHECK(describe_tls_error(0xffff) == "TLS error: 0xffff");
}
