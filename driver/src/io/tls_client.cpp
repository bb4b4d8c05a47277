#include "io/tls_client.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include "io/pkcs12_file.hpp"
#include "io/tls_options.hpp"

namespace smsdrv::io {
namespace {

using config::tls_mode;
using config::tls_verification;
using config::tls_version;

using tls_options::opt_mode;
using tls_options::opt_path;
using tls_options::opt_verification;
using tls_options::opt_version;
using tls_options::version_name;

struct ctx_free {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};

std::string_view mode_name(tls_mode m) {
  switch (m) {
    case tls_mode::none:
      return "none";
    case tls_mode::single:
      return "single";
    case tls_mode::mutual:
      return "mutual";
  }
  return "?";
}

std::string name_of(const X509_NAME* name) {
  if (name == nullptr) return "?";
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "?";
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n > 0 ? n : 0));
  BIO_free(bio);
  return out.empty() ? "(empty name)" : out;
}

std::string time_of(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "?";
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// "DNS:localhost, IP:127.0.0.1" from subjectAltName; without one, the subject's CN.
std::string names_of(X509* cert) {
  std::string out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    std::string one;
    if (n->type == GEN_DNS) {
      const ASN1_STRING* s = n->d.dNSName;
      one = "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                 static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (n->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = n->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      const int family = ASN1_STRING_length(s) == 4 ? AF_INET : AF_INET6;
      if (inet_ntop(family, ASN1_STRING_get0_data(s), text, sizeof text) != nullptr)
        one = std::string("IP:") + text;
    }
    if (one.empty()) continue;
    if (!out.empty()) out += ", ";
    out += one;
  }
  GENERAL_NAMES_free(names);
  if (!out.empty()) return out;
  return "no subjectAltName, subject " + name_of(X509_get_subject_name(cert));
}

std::string describe_cert(X509* cert) {
  return fmt::format("{} (issuer {}, valid until {})", name_of(X509_get_subject_name(cert)),
                     name_of(X509_get_issuer_name(cert)), time_of(X509_get0_notAfter(cert)));
}

bool is_ip_address(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

int trace_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int verify_callback(int ok, X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* trace = ssl ? static_cast<tls_trace*>(SSL_get_ex_data(ssl, trace_index())) : nullptr;
  if (!ok && trace != nullptr && trace->verify_error == 0) {
    trace->verify_error = X509_STORE_CTX_get_error(store);
    trace->verify_depth = X509_STORE_CTX_get_error_depth(store);
    if (X509* cert = X509_STORE_CTX_get_current_cert(store)) {
      trace->verify_subject = name_of(X509_get_subject_name(cert));
      trace->verify_issuer = name_of(X509_get_issuer_name(cert));
      trace->verify_names = names_of(cert);
      trace->verify_not_before = time_of(X509_get0_notBefore(cert));
      trace->verify_not_after = time_of(X509_get0_notAfter(cert));
    }
  }
  return ok;
}

void msg_callback(int write_p, int /*version*/, int content_type, const void* buf, std::size_t len,
                  SSL* /*ssl*/, void* arg) {
  auto* t = static_cast<tls_trace*>(arg);
  const auto* b = static_cast<const unsigned char*>(buf);
  if (t == nullptr || b == nullptr || len == 0) return;
  if (content_type == SSL3_RT_HEADER) {
    if (!write_p && !t->received_any) {
      t->received_any = true;
      std::memcpy(t->first_octets, b, std::min<std::size_t>(len, sizeof t->first_octets));
    }
  } else if (content_type == SSL3_RT_HANDSHAKE) {
    if (!write_p && b[0] == SSL3_MT_SERVER_HELLO) t->server_hello = true;
    if (!write_p && b[0] == SSL3_MT_CERTIFICATE_REQUEST) t->certificate_requested = true;
    // In single mode OpenSSL answers a request with an empty Certificate message.
    if (write_p && b[0] == SSL3_MT_CERTIFICATE && t->mode == tls_mode::mutual)
      t->sent_certificate = true;
  } else if (content_type == SSL3_RT_ALERT && len >= 2 && b[1] != SSL3_AD_CLOSE_NOTIFY) {
    int& slot = write_p ? t->alert_sent : t->alert_received;
    if (slot < 0) slot = b[1];
  }
}

// The protocol versions (x-smpp-tls-version) and whether the SMSC's certificate is checked
// (x-smpp-tls-verification) on a new context.
void set_protocol(SSL_CTX* ctx, const tls_settings& settings) {
  int min_version = TLS1_2_VERSION;
  switch (settings.version) {
    case tls_version::tls1_2:
      break;
    case tls_version::tls1_3:
      min_version = TLS1_3_VERSION;
      break;
    case tls_version::tls1_1_insecure:
      min_version = TLS1_1_VERSION;
      break;
    case tls_version::tls1_0_insecure:
      min_version = TLS1_VERSION;
      break;
  }
  SSL_CTX_set_min_proto_version(ctx, min_version);
  if (min_version < TLS1_2_VERSION)
    SSL_CTX_set_security_level(ctx, 0);  // OpenSSL 3 refuses TLS < 1.2 at levels >= 1
  SSL_CTX_set_verify(
      ctx,
      settings.verification == tls_verification::insecure_none ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
      nullptr);
  X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(ctx), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
}

// Mutual TLS: our private key, the certificate that matches it and that certificate's issuers
// found in the file, sent to the SMSC. Our certificate and its issuers are taken out of
// content.certificates (what stays is trusted for the SMSC). The description of our certificate,
// or nullopt with `problem` set.
std::optional<std::string> use_own_identity(SSL_CTX* ctx, pkcs12_bundle& content,
                                            const tls_settings& settings, tls_problem& problem,
                                            std::vector<std::string>& notes) {
  std::vector<x509_ptr>& certs = content.certificates;
  if (content.keys.empty()) {
    problem = {std::string(opt_path),
               fmt::format("'{}' holds no private key: {} = mutual needs our key and "
                           "certificate in it",
                           settings.path, opt_mode)};
    return std::nullopt;
  }
  EVP_PKEY* key = content.keys.front().get();
  auto leaf = std::find_if(certs.begin(), certs.end(),
                           [&](const x509_ptr& c) { return X509_check_private_key(c.get(), key); });
  ERR_clear_error();
  if (leaf == certs.end()) {
    problem = {std::string(opt_path),
               fmt::format("'{}' holds a private key but not its certificate", settings.path)};
    return std::nullopt;
  }
  x509_ptr own = std::move(*leaf);
  certs.erase(leaf);
  if (SSL_CTX_use_certificate(ctx, own.get()) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    problem = {std::string(opt_path),
               fmt::format("OpenSSL refuses our key or certificate from '{}': {}", settings.path,
                           drain_openssl_errors())};
    return std::nullopt;
  }
  // Our chain: the issuers of our certificate found in the file, sent with it.
  X509* current = own.get();
  for (std::size_t hops = 0; hops < certs.size(); ++hops) {
    auto issuer = std::find_if(certs.begin(), certs.end(), [&](const x509_ptr& c) {
      return c.get() != current && X509_check_issued(c.get(), current) == X509_V_OK;
    });
    if (issuer == certs.end()) break;
    SSL_CTX_add1_chain_cert(ctx, issuer->get());
    current = issuer->get();
  }
  const std::string ours = describe_cert(own.get());
  if (X509_cmp_current_time(X509_get0_notAfter(own.get())) < 0)
    notes.push_back(
        fmt::format("our certificate in '{}' expired on {}: the SMSC will "
                    "probably refuse it",
                    settings.path, time_of(X509_get0_notAfter(own.get()))));
  if (content.keys.size() > 1)
    notes.push_back(fmt::format("'{}' holds {} private keys; the first one is used", settings.path,
                                content.keys.size()));
  return ours;
}

// The certificates of the file that are not ours: trusted for the SMSC. "trusting ... from <file>",
// "" when the file has none and the system trust store is to be used (mutual TLS), or nullopt
// with `problem` set (single TLS needs one).
std::optional<std::string> trust_file_certificates(SSL_CTX* ctx, const std::vector<x509_ptr>& certs,
                                                   const tls_settings& settings,
                                                   tls_problem& problem,
                                                   std::vector<std::string>& notes) {
  // As Java's trust store does: a root, an intermediate or the SMSC's own certificate (hence
  // PARTIAL_CHAIN).
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  std::string names;
  for (const x509_ptr& c : certs) {
    X509_STORE_add_cert(store, c.get());
    if (!names.empty()) names += "; ";
    names += name_of(X509_get_subject_name(c.get()));
  }
  ERR_clear_error();  // a certificate given twice is not a problem
  if (!certs.empty()) {
    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
    return fmt::format("trusting {} certificate{} from {} ({})", certs.size(),
                       certs.size() == 1 ? "" : "s", settings.path, names);
  }
  if (settings.mode != tls_mode::mutual) {
    problem = {std::string(opt_path),
               fmt::format("'{}' holds no certificate: in single mode it must hold the SMSC's "
                           "certificate or the CA that issued it",
                           settings.path)};
    return std::nullopt;
  }
  notes.push_back(
      fmt::format("'{}' holds no certificate besides ours: the SMSC's "
                  "certificate is checked against the system trust store",
                  settings.path));
  return std::string();
}

}  // namespace

tls_settings tls_settings_of(const config::channel_settings& s) {
  tls_settings t;
  t.mode = s.smpp_tls_mode;
  t.version = s.smpp_tls_version;
  t.verification = s.smpp_tls_verification;
  t.path = s.smpp_tls_path_to_certificate;
  t.file_password = s.smpp_tls_certificate_file_password;
  t.key_password = s.smpp_tls_certificate_password;
  t.host_name = s.smpp_tls_host_name;
  return t;
}

tls_client::~tls_client() {
  SSL_CTX_free(ctx_);
}

tls_client::file_identity tls_client::identify(const std::string& path) {
  file_identity id;
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return id;
  id.known = true;
  id.device = static_cast<std::uint64_t>(st.st_dev);
  id.inode = static_cast<std::uint64_t>(st.st_ino);
  id.size = static_cast<std::uint64_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return id;
}

bool tls_client::file_changed() const {
  return !settings_.path.empty() && identify(settings_.path) != file_;
}

std::string tls_client::insecure_warning() const {
  std::string out;
  auto add = [&](std::string s) {
    if (!out.empty()) out += "; ";
    out += s;
  };
  if (settings_.verification == tls_verification::insecure_no_host_name)
    add(
        fmt::format("INSECURE: {} = insecure-no-host-name: the SMSC's host name is not checked, "
                    "so any certificate of a trusted CA is accepted for it",
                    opt_verification));
  if (settings_.verification == tls_verification::insecure_none)
    add(
        fmt::format("INSECURE: {} = insecure-none: the SMSC's certificate is not checked at all; "
                    "anyone on the path can read and change the traffic",
                    opt_verification));
  if (settings_.version == tls_version::tls1_0_insecure)
    add(
        fmt::format("INSECURE: {} = TLSv1.0-insecure allows TLS 1.0 and 1.1, which are broken "
                    "and withdrawn (RFC 8996)",
                    opt_version));
  if (settings_.version == tls_version::tls1_1_insecure)
    add(
        fmt::format("INSECURE: {} = TLSv1.1-insecure allows TLS 1.1, which is broken and "
                    "withdrawn (RFC 8996)",
                    opt_version));
  return out;
}

std::shared_ptr<const tls_client> tls_client::load(const tls_settings& settings,
                                                   tls_problem& problem,
                                                   std::vector<std::string>& notes) {
  ERR_clear_error();
  std::shared_ptr<tls_client> client(new tls_client());
  client->settings_ = settings;
  const bool mutual = settings.mode == tls_mode::mutual;
  if (mutual && settings.path.empty()) {
    problem = {
        std::string(opt_path),
        fmt::format("{} = mutual needs a PKCS#12 file with our key and certificate", opt_mode)};
    return nullptr;
  }

  std::optional<pkcs12_bundle> content;
  if (!settings.path.empty()) {
    client->file_ = identify(settings.path);
    content = read_pkcs12(settings, mutual, problem);
    if (!content) return nullptr;
  }

  std::unique_ptr<SSL_CTX, ctx_free> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    problem = {std::string(opt_mode),
               "OpenSSL cannot make a TLS context: " + drain_openssl_errors()};
    return nullptr;
  }
  set_protocol(ctx.get(), settings);

  std::string trust;
  std::string ours;
  if (content) {
    if (mutual) {
      std::optional<std::string> own =
          use_own_identity(ctx.get(), *content, settings, problem, notes);
      if (!own) return nullptr;
      ours = std::move(*own);
    } else if (content->has_encrypted_key || !content->keys.empty()) {
      notes.push_back(
          fmt::format("'{}' holds a private key: not used in {} = single (only in "
                      "mutual)",
                      settings.path, opt_mode));
    }
    std::optional<std::string> from_file =
        trust_file_certificates(ctx.get(), content->certificates, settings, problem, notes);
    if (!from_file) return nullptr;
    trust = std::move(*from_file);
  }
  if (trust.empty()) {
    SSL_CTX_set_default_verify_paths(ctx.get());
    ERR_clear_error();
    trust = "trusting the system trust store";
  }
  client->summary_ = fmt::format("TLS {}, version {}, {}{}", mode_name(settings.mode),
                                 version_name(settings.version), trust,
                                 ours.empty() ? "" : "; our certificate " + ours);
  if (settings.verification != tls_verification::full)
    client->summary_ += fmt::format(" ({} = {})", opt_verification,
                                    settings.verification == tls_verification::insecure_none
                                        ? "insecure-none"
                                        : "insecure-no-host-name");
  client->ctx_ = ctx.release();
  return client;
}

bool prepare_tls_connection(const tls_client& client, SSL* ssl, std::string_view host,
                            tls_trace& trace) {
  const tls_settings& s = client.settings();
  trace = tls_trace{};
  trace.mode = s.mode;
  trace.version = s.version;
  trace.trust_from_file = !s.path.empty();
  trace.host = s.host_name.empty() ? std::string(host) : s.host_name;
  const bool ip = is_ip_address(trace.host);
  // RFC 6066 §3: SNI carries host names only, never IP addresses.
  if (!ip && SSL_set_tlsext_host_name(ssl, trace.host.c_str()) != 1) return false;
  if (s.verification == tls_verification::full) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, trace.host.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, trace.host.c_str(), trace.host.size());
    if (ok != 1) return false;
  }
  if (SSL_set_ex_data(ssl, trace_index(), &trace) != 1) return false;
  SSL_set_verify(ssl, SSL_get_verify_mode(ssl), verify_callback);
  SSL_set_msg_callback(ssl, msg_callback);
  SSL_set_msg_callback_arg(ssl, &trace);
  return true;
}

std::string describe_tls_session(SSL* ssl) {
  std::string out =
      fmt::format("{}, {}", SSL_get_version(ssl), SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
  if (X509* peer = SSL_get0_peer_certificate(ssl))
    out += "; SMSC certificate " + describe_cert(peer);
  return out;
}

}  // namespace smsdrv::io
