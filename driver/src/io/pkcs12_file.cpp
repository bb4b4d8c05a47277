#include "io/pkcs12_file.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "io/tls_options.hpp"

namespace smsdrv::io {
namespace {

using tls_options::opt_file_password;
using tls_options::opt_key_password;
using tls_options::opt_path;

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

  std::optional<pkcs12_bundle> read() {
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
      return fail(opt_path, fmt::format("'{}' cannot be read as PKCS#12: {}", s_.path,
                                        drain_openssl_errors()));
    }
    pkcs12_bundle out;
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
      if (!bags)
        return fail(opt_path, fmt::format("'{}' is damaged: {}", s_.path, drain_openssl_errors()));
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

  bool take_bags(const STACK_OF(PKCS12_SAFEBAG) * bags, pkcs12_bundle& out) {
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

  bool decrypt_key(const PKCS12_SAFEBAG* bag, pkcs12_bundle& out) {
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

}  // namespace

std::string drain_openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += "; ";
    out += reason ? reason : fmt::format("error {:#x}", e);
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

std::optional<pkcs12_bundle> read_pkcs12(const tls_settings& settings, bool need_key,
                                         tls_problem& problem) {
  return pkcs12_reader(settings, need_key, problem).read();
}

}  // namespace smsdrv::io
