#include "io/tls_client.hpp"

#include "io/tls_options.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>

namespace smsdrv::io {
namespace {

using config::tls_mode;
using config::tls_verification;
using config::tls_version;

using tls_options::opt_file_password;
using tls_options::opt_key_password;
using tls_options::opt_mode;
using tls_options::opt_path;
using tls_options::opt_verification;
using tls_options::opt_version;
using tls_options::version_name;

struct x509_free {
  void operator()(X509* p) const { X509_free(p); }
};
struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct p12_free {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct p7s_free {
  void operator()(STACK_OF(PKCS7) * p) const { sk_PKCS7_pop_free(p, PKCS7_free); }
};
struct bags_free {
  void operator()(STACK_OF(PKCS12_SAFEBAG) * p) const {
    sk_PKCS12_SAFEBAG_pop_free(p, PKCS12_SAFEBAG_free);
  }
};
struct p8_free {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
struct libctx_free {
  void operator()(OSSL_LIB_CTX* p) const { OSSL_LIB_CTX_free(p); }
};
struct ctx_free {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
using x509_ptr = std::unique_ptr<X509, x509_free>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

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

// OpenSSL's queued errors as one line, and the queue emptied.
std::string drain_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += "; ";
    out += reason ? reason : fmt::format("error {:#x}", e);
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

// True when the queued errors say an algorithm is not available (as opposed to a wrong
// password, which shows as a failed decryption or a malformed result). The queue is emptied.
bool unsupported_algorithm_queued() {
  bool unsupported = false;
  while (unsigned long e = ERR_get_error()) {
    const int reason = ERR_GET_REASON(e);
    if (reason == ERR_R_UNSUPPORTED || reason == ERR_R_FETCH_FAILED ||
        (ERR_GET_LIB(e) == ERR_LIB_EVP &&
         (reason == EVP_R_UNSUPPORTED_ALGORITHM || reason == EVP_R_UNSUPPORTED_CIPHER ||
          reason == EVP_R_UNKNOWN_CIPHER || reason == EVP_R_UNSUPPORTED_PRF ||
          reason == EVP_R_UNSUPPORTED_KEY_DERIVATION_FUNCTION)))
      unsupported = true;
  }
  return unsupported;
}

// The spellings of a password to try: PKCS#12 tells an empty password from none (OpenSSL's own
// PKCS12_parse tries both).
std::vector<const char*> spellings(const std::string& password) {
  if (password.empty()) return {nullptr, ""};
  return {password.c_str()};
}

int length_of(const char* password) {
  return password == nullptr ? 0 : static_cast<int>(std::strlen(password));
}

// What a PKCS#12 file holds, decrypted.
struct bundle {
  std::vector<x509_ptr> certificates;
  std::vector<pkey_ptr> keys;
  bool has_encrypted_key = false;  // present, left encrypted (single mode does not need it)
};

class pkcs12_reader {
 public:
  pkcs12_reader(const tls_settings& s, bool need_key, tls_problem& problem)
      : s_(s), need_key_(need_key), problem_(problem) {
    // Files written before OpenSSL 3 (Java 8 keytool, Windows, openssl -legacy) encrypt with
    // RC2-40 or 3DES; RC2 lives in OpenSSL's legacy provider. It is loaded into a library
    // context of our own, used only to decrypt the file: the host's OpenSSL stays as it is.
    libctx_.reset(OSSL_LIB_CTX_new());
    if (libctx_) {
      providers_[0] = OSSL_PROVIDER_load(libctx_.get(), "default");
      providers_[1] = OSSL_PROVIDER_load(libctx_.get(), "legacy");  // absent: a clear error later
    }
    ERR_clear_error();
  }
  ~pkcs12_reader() {
    // Before the library context goes: a provider still loaded keeps its memory.
    for (OSSL_PROVIDER* p : providers_)
      if (p != nullptr) OSSL_PROVIDER_unload(p);
  }
  pkcs12_reader(const pkcs12_reader&) = delete;
  pkcs12_reader& operator=(const pkcs12_reader&) = delete;

  std::optional<bundle> read() {
    std::ifstream in(s_.path, std::ios::binary);
    if (!in)
      return fail(opt_path, fmt::format("cannot read '{}': {}", s_.path, std::strerror(errno)));
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.empty()) return fail(opt_path, fmt::format("'{}' is empty", s_.path));
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    std::unique_ptr<PKCS12, p12_free> p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    if (!p12) {
      ERR_clear_error();
      if (data.starts_with("-----BEGIN"))
        return fail(opt_path, fmt::format("'{}' is a PEM file, not PKCS#12; make one with "
                                          "openssl pkcs12 -export (docs/tls.md)",
                                          s_.path));
      return fail(opt_path, fmt::format("'{}' is not a PKCS#12 file (.p12 / .pfx, DER)", s_.path));
    }
    if (!open_mac(p12.get())) return std::nullopt;
    std::unique_ptr<STACK_OF(PKCS7), p7s_free> safes(PKCS12_unpack_authsafes(p12.get()));
    if (!safes) {
      return fail(opt_path,
                  fmt::format("'{}' cannot be read as PKCS#12: {}", s_.path, drain_errors()));
    }
    bundle out;
    for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
      PKCS7* p7 = sk_PKCS7_value(safes.get(), i);
      std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), bags_free> bags;
      const int nid = OBJ_obj2nid(p7->type);
      if (nid == NID_pkcs7_data) {
        bags.reset(PKCS12_unpack_p7data(p7));
      } else if (nid == NID_pkcs7_encrypted) {
        bags = decrypt_safe(p7);
        if (!bags) return std::nullopt;
      } else {
        continue;  // enveloped (public-key) safes: not a password-based file
      }
      if (!bags) return fail(opt_path, fmt::format("'{}' is damaged: {}", s_.path, drain_errors()));
      if (!take_bags(bags.get(), out)) return std::nullopt;
    }
    return out;
  }

 private:
  std::nullopt_t fail(std::string_view option, std::string text) {
    problem_.option = std::string(option);
    problem_.text = std::move(text);
    ERR_clear_error();
    return std::nullopt;
  }
  bool refuse(std::string_view option, std::string text) {
    fail(option, std::move(text));
    return false;
  }

  // The integrity check (MAC) with the file password. Finds which spelling of an empty
  // password the file uses.
  bool open_mac(PKCS12* p12) {
    if (!PKCS12_mac_present(p12)) return true;
    for (const char* pass : spellings(s_.file_password)) {
      if (PKCS12_verify_mac(p12, pass, length_of(pass))) {
        file_pass_ = pass;
        mac_checked_ = true;
        return true;
      }
    }
    if (unsupported_algorithm_queued())
      return refuse(opt_path, fmt::format("the integrity check of '{}' uses an "
                                          "algorithm OpenSSL does not offer",
                                          s_.path));
    if (s_.file_password.empty())
      return refuse(opt_file_password, fmt::format("'{}' is protected by a password: set {}",
                                                   s_.path, opt_file_password));
    return refuse(opt_file_password,
                  fmt::format("wrong password for '{}' (its integrity check failed)", s_.path));
  }

  std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), bags_free> decrypt_safe(PKCS7* p7) {
    const PKCS7_ENC_CONTENT* content = p7->d.encrypted ? p7->d.encrypted->enc_data : nullptr;
    if (content == nullptr || content->enc_data == nullptr) {
      fail(opt_path, fmt::format("'{}' is damaged (an encrypted part without data)", s_.path));
      return nullptr;
    }
    for (const char* pass : file_pass_candidates()) {
      void* bags =
          PKCS12_item_decrypt_d2i_ex(content->algorithm, ASN1_ITEM_rptr(PKCS12_SAFEBAGS), pass,
                                     length_of(pass), content->enc_data, 1, libctx_.get(), nullptr);
      if (bags != nullptr)
        return std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), bags_free>(
            static_cast<STACK_OF(PKCS12_SAFEBAG)*>(bags));
    }
    if (unsupported_algorithm_queued()) {
      fail(opt_path, fmt::format("the certificates in '{}' are encrypted with an algorithm "
                                 "OpenSSL does not offer here (legacy provider missing?); "
                                 "re-export the file (docs/tls.md)",
                                 s_.path));
    } else {
      fail(opt_file_password,
           fmt::format("wrong password for '{}' (its certificates cannot be decrypted)", s_.path));
    }
    return nullptr;
  }

  // After the integrity check the right spelling is known; without one, every spelling.
  std::vector<const char*> file_pass_candidates() const {
    if (mac_checked_) return {file_pass_};
    return spellings(s_.file_password);
  }

  bool take_bags(const STACK_OF(PKCS12_SAFEBAG) * bags, bundle& out) {
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
      const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
      switch (PKCS12_SAFEBAG_get_nid(bag)) {
        case NID_certBag:
          if (PKCS12_SAFEBAG_get_bag_nid(bag) == NID_x509Certificate) {
            if (X509* cert = PKCS12_SAFEBAG_get1_cert(bag)) out.certificates.emplace_back(cert);
          }
          break;
        case NID_keyBag:
          if (need_key_) {
            if (EVP_PKEY* key = EVP_PKCS82PKEY(PKCS12_SAFEBAG_get0_p8inf(bag)))
              out.keys.emplace_back(key);
          } else {
            out.has_encrypted_key = true;
          }
          break;
        case NID_pkcs8ShroudedKeyBag:
          if (!need_key_) {
            out.has_encrypted_key = true;
            break;
          }
          if (!decrypt_key(bag, out)) return false;
          break;
        case NID_safeContentsBag:
          if (!take_bags(PKCS12_SAFEBAG_get0_safes(bag), out)) return false;
          break;
        default:
          break;  // CRLs, secrets: not ours to use
      }
    }
    return true;
  }

  bool decrypt_key(const PKCS12_SAFEBAG* bag, bundle& out) {
    const bool own_password = !s_.key_password.empty();
    const std::vector<const char*> candidates =
        own_password ? spellings(s_.key_password) : file_pass_candidates();
    for (const char* pass : candidates) {
      std::unique_ptr<PKCS8_PRIV_KEY_INFO, p8_free> p8(PKCS8_decrypt_ex(
          PKCS12_SAFEBAG_get0_pkcs8(bag), pass, length_of(pass), libctx_.get(), nullptr));
      if (!p8) continue;
      EVP_PKEY* key = EVP_PKCS82PKEY(p8.get());
      if (key == nullptr) continue;
      out.keys.emplace_back(key);
      ERR_clear_error();
      return true;
    }
    if (unsupported_algorithm_queued())
      return refuse(opt_path, fmt::format("our private key in '{}' is encrypted "
                                          "with an algorithm OpenSSL does not "
                                          "offer here; re-export the file "
                                          "(docs/tls.md)",
                                          s_.path));
    if (own_password)
      return refuse(
          opt_key_password,
          fmt::format("wrong password for our private key in '{}' (it cannot be decrypted)",
                      s_.path));
    return refuse(
        opt_key_password,
        fmt::format("our private key in '{}' has a password of its own: it cannot be decrypted "
                    "with {} (used because {} is empty); set {}",
                    s_.path, opt_file_password, opt_key_password, opt_key_password));
  }

  const tls_settings& s_;
  bool need_key_;
  tls_problem& problem_;
  std::unique_ptr<OSSL_LIB_CTX, libctx_free> libctx_;
  OSSL_PROVIDER* providers_[2] = {nullptr, nullptr};
  const char* file_pass_ = nullptr;
  bool mac_checked_ = false;
};

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

  std::optional<bundle> content;
  if (!settings.path.empty()) {
    client->file_ = identify(settings.path);
    content = pkcs12_reader(settings, mutual, problem).read();
    if (!content) return nullptr;
  }

  std::unique_ptr<SSL_CTX, ctx_free> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    problem = {std::string(opt_mode), "OpenSSL cannot make a TLS context: " + drain_errors()};
    return nullptr;
  }
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
  SSL_CTX_set_min_proto_version(ctx.get(), min_version);
  if (min_version < TLS1_2_VERSION)
    SSL_CTX_set_security_level(ctx.get(), 0);  // OpenSSL 3 refuses TLS < 1.2 at levels >= 1
  SSL_CTX_set_verify(
      ctx.get(),
      settings.verification == tls_verification::insecure_none ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
      nullptr);
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);

  std::string trust;
  std::string ours;
  if (content) {
    std::vector<x509_ptr>& certs = content->certificates;
    if (mutual) {
      if (content->keys.empty()) {
        problem = {std::string(opt_path),
                   fmt::format("'{}' holds no private key: {} = mutual needs our key and "
                               "certificate in it",
                               settings.path, opt_mode)};
        return nullptr;
      }
      EVP_PKEY* key = content->keys.front().get();
      auto leaf = std::find_if(certs.begin(), certs.end(), [&](const x509_ptr& c) {
        return X509_check_private_key(c.get(), key);
      });
      ERR_clear_error();
      if (leaf == certs.end()) {
        problem = {std::string(opt_path),
                   fmt::format("'{}' holds a private key but not its certificate", settings.path)};
        return nullptr;
      }
      x509_ptr own = std::move(*leaf);
      certs.erase(leaf);
      if (SSL_CTX_use_certificate(ctx.get(), own.get()) != 1 ||
          SSL_CTX_use_PrivateKey(ctx.get(), key) != 1 ||
          SSL_CTX_check_private_key(ctx.get()) != 1) {
        problem = {std::string(opt_path),
                   fmt::format("OpenSSL refuses our key or certificate from '{}': {}",
                               settings.path, drain_errors())};
        return nullptr;
      }
      // Our chain: the issuers of our certificate found in the file, sent with it.
      X509* current = own.get();
      for (std::size_t hops = 0; hops < certs.size(); ++hops) {
        auto issuer = std::find_if(certs.begin(), certs.end(), [&](const x509_ptr& c) {
          return c.get() != current && X509_check_issued(c.get(), current) == X509_V_OK;
        });
        if (issuer == certs.end()) break;
        SSL_CTX_add1_chain_cert(ctx.get(), issuer->get());
        current = issuer->get();
      }
      ours = describe_cert(own.get());
      if (X509_cmp_current_time(X509_get0_notAfter(own.get())) < 0)
        notes.push_back(
            fmt::format("our certificate in '{}' expired on {}: the SMSC will "
                        "probably refuse it",
                        settings.path, time_of(X509_get0_notAfter(own.get()))));
      if (content->keys.size() > 1)
        notes.push_back(fmt::format("'{}' holds {} private keys; the first one is used",
                                    settings.path, content->keys.size()));
    } else if (content->has_encrypted_key || !content->keys.empty()) {
      notes.push_back(
          fmt::format("'{}' holds a private key: not used in {} = single (only in "
                      "mutual)",
                      settings.path, opt_mode));
    }
    // Every other certificate in the file is trusted for the SMSC, as Java's trust store does:
    // a root, an intermediate or the SMSC's own certificate (hence PARTIAL_CHAIN).
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
    std::string names;
    for (const x509_ptr& c : certs) {
      X509_STORE_add_cert(store, c.get());
      if (!names.empty()) names += "; ";
      names += name_of(X509_get_subject_name(c.get()));
    }
    ERR_clear_error();  // a certificate given twice is not a problem
    if (!certs.empty()) {
      X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
      trust = fmt::format("trusting {} certificate{} from {} ({})", certs.size(),
                          certs.size() == 1 ? "" : "s", settings.path, names);
    } else if (mutual) {
      notes.push_back(
          fmt::format("'{}' holds no certificate besides ours: the SMSC's "
                      "certificate is checked against the system trust store",
                      settings.path));
    } else {
      problem = {std::string(opt_path),
                 fmt::format("'{}' holds no certificate: in single mode it must hold the SMSC's "
                             "certificate or the CA that issued it",
                             settings.path)};
      return nullptr;
    }
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
