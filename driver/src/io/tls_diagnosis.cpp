#include "io/tls_diagnosis.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdint>
#include <string_view>

#include "io/tls_options.hpp"

namespace smsdrv::io {
namespace {

using config::tls_version;
using tls_options::opt_host_name;
using tls_options::opt_mode;
using tls_options::opt_path;
using tls_options::opt_version;
using tls_options::version_name;

std::string alert_name(int description) {
  switch (description) {  // RFC 8446 §6: TLS 1.3 alerts OpenSSL 3.0 has no name for
    case SSL_AD_MISSING_EXTENSION:
      return "missing extension";
    case SSL_AD_CERTIFICATE_REQUIRED:
      return "certificate required";
    case SSL_AD_NO_APPLICATION_PROTOCOL:
      return "no application protocol";
    default:
      break;
  }
  const char* s = SSL_alert_desc_string_long(description);
  return s && std::string_view(s) != "unknown" ? s : fmt::format("alert {}", description);
}

std::string no_common_version(const tls_trace& t, std::string_view why) {
  const tls_version ours = t.version;
  return fmt::format(
      "no TLS version in common with the SMSC ({}; we offer TLS {}, {}){}", why, version_name(ours),
      opt_version,
      ours == tls_version::tls1_2
          ? "; an SMSC with only TLS 1.0 or 1.1 should be upgraded (TLSv1.1-insecure would "
            "accept it, insecurely)"
          : "");
}

// The SMSC's alert explained.
std::string explain_alert(const tls_trace& t) {
  const int a = t.alert_received;
  const std::string named = fmt::format("TLS alert '{}'", alert_name(a));
  const bool certificate_alert =
      a == SSL_AD_BAD_CERTIFICATE || a == SSL_AD_UNSUPPORTED_CERTIFICATE ||
      a == SSL_AD_CERTIFICATE_REVOKED || a == SSL_AD_CERTIFICATE_EXPIRED ||
      a == SSL_AD_CERTIFICATE_UNKNOWN || a == SSL_AD_UNKNOWN_CA || a == SSL_AD_ACCESS_DENIED;
  if (t.sent_certificate && certificate_alert)
    return fmt::format(
        "the SMSC refused our certificate ({}): it does not trust it; have the "
        "SMSC trust our certificate's CA, or check the certificate in {}",
        named, opt_path);
  if (a == SSL_AD_CERTIFICATE_REQUIRED || (!t.sent_certificate && t.certificate_requested &&
                                           (certificate_alert || a == SSL_AD_HANDSHAKE_FAILURE)))
    return fmt::format(
        "the SMSC requires a client certificate ({}): set {} = mutual with our "
        "key and certificate in {}",
        named, opt_mode, opt_path);
  if (a == SSL_AD_PROTOCOL_VERSION) return no_common_version(t, named);
  if (a == SSL_AD_UNRECOGNIZED_NAME)
    return fmt::format(
        "the SMSC does not know the name we asked for ({}, SNI '{}'): check "
        "x-smpp-host or {}",
        named, t.host, opt_host_name);
  if (a == SSL_AD_HANDSHAKE_FAILURE || a == SSL_AD_INSUFFICIENT_SECURITY)
    return fmt::format("the SMSC found no cipher suite or parameters in common with us ({})",
                       named);
  return fmt::format("the SMSC ended the TLS handshake ({})", named);
}

std::string explain_verify_failure(const tls_trace& t) {
  const int e = t.verify_error;
  const std::string whose =
      t.verify_depth == 0
          ? std::string("the SMSC's certificate")
          : fmt::format("a CA certificate in the SMSC's chain ({})", t.verify_subject);
  const bool from_file = t.trust_from_file;
  const std::string add_ca =
      from_file ? fmt::format("add that CA to the PKCS#12 file of {}", opt_path)
                : fmt::format(
                      "the system trust store does not hold it: give the SMSC's CA chain "
                      "in a PKCS#12 file with {}",
                      opt_path);
  std::string why;
  switch (e) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      why = fmt::format(
          "host name mismatch: it is not valid for '{}' (it names {}); connect by a "
          "name it carries, or set {} to it",
          t.host, t.verify_names, opt_host_name);
      break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      why = fmt::format("expired on {} ({}, {})", t.verify_not_after, whose, t.verify_subject);
      break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      why = fmt::format("not valid before {} ({}, {}; check this machine's clock)",
                        t.verify_not_before, whose, t.verify_subject);
      break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      why = fmt::format("unknown CA: {} ({}) is issued by {}, which we do not trust; {}", whose,
                        t.verify_subject, t.verify_issuer, add_ca);
      break;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      why = fmt::format("unknown CA: the SMSC's chain ends at {}, which we do not trust; {}",
                        t.verify_subject, add_ca);
      break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      why = fmt::format(
          "unknown CA: the SMSC's certificate ({}) is self-signed and we do not "
          "trust it; {}",
          t.verify_subject,
          from_file ? fmt::format("add it to the PKCS#12 file of {}", opt_path)
                    : fmt::format("give it in a PKCS#12 file with {}", opt_path));
      break;
    default:
      why = fmt::format("{} ({}, {})", X509_verify_cert_error_string(e), whose, t.verify_subject);
      break;
  }
  return "the SMSC's certificate is not trusted: " + why;
}

std::string hex_of(const unsigned char* p, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += fmt::format("{}{:02x}", i ? " " : "", p[i]);
  return out;
}

// The SMSC answered with octets that are not a TLS record.
std::string not_tls_answer(const tls_trace& t) {
  const unsigned char* o = t.first_octets;
  // SMPP: command_length, then command_id (a response has its top bit set).
  const std::uint32_t length =
      (std::uint32_t{o[0]} << 24) | (std::uint32_t{o[1]} << 16) | (std::uint32_t{o[2]} << 8) | o[3];
  const bool smpp_like = length >= 16 && length < 100000;
  return fmt::format(
      "the SMSC did not answer in TLS (its first octets {}{}): this port speaks "
      "plain SMPP; set {} = none, or use the SMSC's TLS port",
      hex_of(o, sizeof t.first_octets), smpp_like ? ", an SMPP PDU header" : "", opt_mode);
}

bool record_layer_error(unsigned long e) {
  if (ERR_GET_LIB(e) != ERR_LIB_SSL) return false;
  const int r = ERR_GET_REASON(e);
  return r == SSL_R_WRONG_VERSION_NUMBER || r == SSL_R_PACKET_LENGTH_TOO_LONG ||
         r == SSL_R_UNKNOWN_PROTOCOL || r == SSL_R_HTTP_REQUEST || r == SSL_R_HTTPS_PROXY_REQUEST ||
         r == SSL_R_UNEXPECTED_RECORD || r == SSL_R_BAD_RECORD_TYPE ||
         r == SSL_R_LENGTH_TOO_SHORT || r == SSL_R_ENCRYPTED_LENGTH_TOO_LONG ||
         r == SSL_R_WRONG_SSL_VERSION;
}

std::string closed_text(const link_failure& f) {
  return f.what == link_failure::kind::system
             ? fmt::format("the connection broke ({})", f.system_text)
             : std::string("the SMSC closed the connection");
}

}  // namespace

std::string describe_handshake_failure(const tls_trace& t, const link_failure& f) {
  if (t.alert_received >= 0) return "TLS handshake failed: " + explain_alert(t);
  if (t.verify_error != 0) return "TLS handshake failed: " + explain_verify_failure(t);
  if (f.what == link_failure::kind::tls) {
    const unsigned long e = f.tls_error;
    const int reason = ERR_GET_REASON(e);
    if (ERR_GET_LIB(e) == ERR_LIB_SSL && reason == SSL_R_CERTIFICATE_VERIFY_FAILED)
      return "TLS handshake failed: the SMSC's certificate is not trusted";
    if (!t.server_hello && t.received_any &&
        (record_layer_error(e) || reason == SSL_R_SSL_HANDSHAKE_FAILURE))
      return "TLS handshake failed: " + not_tls_answer(t);
    if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
        (reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_NO_PROTOCOLS_AVAILABLE ||
         reason == SSL_R_VERSION_TOO_LOW))
      return "TLS handshake failed: " + no_common_version(t, "the SMSC chose an older one");
    return "TLS handshake failed: " + describe_tls_error(e);
  }
  if (!t.received_any)
    return fmt::format(
        "TLS handshake failed: {} without answering our TLS hello: the port may "
        "speak plain SMPP (check {} and x-smpp-port)",
        closed_text(f), opt_mode);
  if (t.sent_certificate)
    return fmt::format(
        "TLS handshake failed: {} during the handshake, after we presented our "
        "certificate: the SMSC probably does not trust our certificate ({})",
        closed_text(f), opt_path);
  if (t.certificate_requested)
    return fmt::format(
        "TLS handshake failed: {} during the handshake after the SMSC asked for a client "
        "certificate: it probably needs {} = mutual",
        closed_text(f), opt_mode);
  return fmt::format("TLS handshake failed: {} during the handshake", closed_text(f));
}

std::string describe_early_failure(const tls_trace& t, const link_failure& f) {
  if (t.alert_received >= 0)
    return "the SMSC ended the TLS connection before answering the bind: " + explain_alert(t);
  if (f.what == link_failure::kind::tls) return {};
  if (t.sent_certificate)
    return fmt::format(
        "{} right after the TLS handshake, before answering the bind: the SMSC probably does "
        "not trust our certificate ({})",
        closed_text(f), opt_path);
  if (t.certificate_requested)
    return fmt::format(
        "{} right after the TLS handshake, before answering the bind; the SMSC had asked for a "
        "client certificate: it probably needs {} = mutual",
        closed_text(f), opt_mode);
  return {};
}
std::string describe_tls_error(unsigned long tls_error) {
  const char* reason = ERR_reason_error_string(tls_error);
  return fmt::format("TLS error: {}", reason ? reason : fmt::format("{:#x}", tls_error));
}

}  // namespace smsdrv::io
