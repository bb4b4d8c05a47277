// io/tls_client: opening PKCS#12 files with their two passwords (the messages made from what a
// handshake showed: tls_diagnosis_test.cpp). The files come from
// tests/support/make-test-certs.sh (the openssl command); the one the command cannot write (a key
// with a password of its own) is made here.
#include "io/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace smsdrv::io;
using smsdrv::config::tls_mode;
using smsdrv::config::tls_verification;
using smsdrv::config::tls_version;
namespace fs = std::filesystem;

namespace {

const std::string certs = SMSDRV_TEST_CERTS;

tls_settings settings(tls_mode mode, std::string file, std::string file_password = "",
                      std::string key_password = "") {
  tls_settings s;
  s.mode = mode;
  s.path = file.empty() ? std::string() : certs + "/" + file;
  s.file_password = std::move(file_password);
  s.key_password = std::move(key_password);
  return s;
}

struct outcome {
  std::shared_ptr<const tls_client> client;
  tls_problem problem;
  std::vector<std::string> notes;
};

outcome load(const tls_settings& s) {
  outcome o;
  o.client = tls_client::load(s, o.problem, o.notes);
  return o;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/smsdrv-tls.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

template <class T, void (*Free)(T*)>
struct owned {
  T* p = nullptr;
  ~owned() {
    if (p) Free(p);
  }
};

X509* read_cert(const std::string& file) {
  FILE* f = std::fopen((certs + "/" + file).c_str(), "r");
  REQUIRE(f);
  X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  REQUIRE(x);
  return x;
}

// A PKCS#12 file whose private key has a password of its own, as Java's KeyStore API can write
// it (the openssl command uses one password for everything): certificates encrypted with the
// file password, which also keys the integrity check; the key encrypted with key_password.
void write_two_password_bundle(const fs::path& out, const std::string& file_password,
                               const std::string& key_password) {
  FILE* f = std::fopen((certs + "/client.key").c_str(), "r");
  REQUIRE(f);
  owned<EVP_PKEY, EVP_PKEY_free> key{PEM_read_PrivateKey(f, nullptr, nullptr, nullptr)};
  std::fclose(f);
  REQUIRE(key.p);
  owned<X509, X509_free> cert{read_cert("client.pem")};
  owned<X509, X509_free> ca{read_cert("ca.pem")};

  STACK_OF(PKCS12_SAFEBAG)* cert_bags = nullptr;
  REQUIRE(PKCS12_add_cert(&cert_bags, cert.p));
  REQUIRE(PKCS12_add_cert(&cert_bags, ca.p));
  STACK_OF(PKCS12_SAFEBAG)* key_bags = nullptr;
  REQUIRE(PKCS12_add_key(&key_bags, key.p, 0, PKCS12_DEFAULT_ITER, NID_aes_256_cbc,
                         key_password.c_str()));
  STACK_OF(PKCS7)* safes = nullptr;
  REQUIRE(PKCS12_add_safe(&safes, cert_bags, NID_aes_256_cbc, PKCS12_DEFAULT_ITER,
                          file_password.c_str()));
  REQUIRE(PKCS12_add_safe(&safes, key_bags, -1, 0, nullptr));
  PKCS12* p12 = PKCS12_add_safes(safes, 0);
  REQUIRE(p12);
  REQUIRE(PKCS12_set_mac(p12, file_password.c_str(), -1, nullptr, 0, PKCS12_DEFAULT_ITER,
                         EVP_sha256()));
  unsigned char* der = nullptr;
  const int n = i2d_PKCS12(p12, &der);
  REQUIRE(n > 0);
  std::ofstream(out, std::ios::binary).write(reinterpret_cast<const char*>(der), n);
  OPENSSL_free(der);
  PKCS12_free(p12);
  sk_PKCS7_pop_free(safes, PKCS7_free);
  sk_PKCS12_SAFEBAG_pop_free(cert_bags, PKCS12_SAFEBAG_free);
  sk_PKCS12_SAFEBAG_pop_free(key_bags, PKCS12_SAFEBAG_free);
}

}  // namespace

TEST_CASE("single mode: the certificates of the file are trusted; without a file, the system's") {
  outcome o = load(settings(tls_mode::single, "trust.p12", "file-pw-1"));
  INFO(o.problem.option << ": " << o.problem.text);
  REQUIRE(o.client);
  CHECK(o.client->native_handle() != nullptr);
  CHECK(o.client->summary() == "TLS single, version 1.2 or newer, trusting 1 certificate from " +
                                   certs + "/trust.p12 (CN=smsdrv test CA)");
  CHECK(o.notes.empty());
  CHECK(o.client->insecure_warning().empty());
  CHECK_FALSE(o.client->file_changed());

  outcome system = load(settings(tls_mode::single, ""));
  REQUIRE(system.client);
  CHECK(system.client->summary() ==
        "TLS single, version 1.2 or newer, trusting the system trust "
        "store");

  // A bundle with our key is fine in single mode too; the key is left alone (and not decrypted:
  // no key password needed).
  outcome with_key = load(settings(tls_mode::single, "client.p12", "file-pw-1", "not-needed"));
  REQUIRE(with_key.client);
  REQUIRE(with_key.notes.size() == 1);
  CHECK(contains(with_key.notes[0], "holds a private key: not used in x-smpp-tls-mode = single"));
  CHECK(contains(with_key.client->summary(), "trusting 2 certificates"));  // ours and the CA
}

TEST_CASE("mutual mode: our key and its certificate, the rest trusted") {
  outcome o = load(settings(tls_mode::mutual, "client.p12", "file-pw-1"));
  INFO(o.problem.option << ": " << o.problem.text);
  REQUIRE(o.client);
  CHECK(contains(o.client->summary(), "TLS mutual, version 1.2 or newer, trusting 1 certificate"));
  CHECK(contains(o.client->summary(),
                 "our certificate CN=esme-e2e (issuer CN=smsdrv test CA, valid until "));
  CHECK(o.notes.empty());
  SSL_CTX* ctx = o.client->native_handle();
  CHECK(SSL_CTX_get0_certificate(ctx) != nullptr);
  CHECK(SSL_CTX_get0_privatekey(ctx) != nullptr);
  CHECK(SSL_CTX_get_verify_mode(ctx) == SSL_VERIFY_PEER);
  CHECK(SSL_CTX_get_min_proto_version(ctx) == TLS1_2_VERSION);

  // No password at all: no MAC, nothing encrypted.
  CHECK(load(settings(tls_mode::mutual, "client-nopass.p12")).client);

  outcome trust_only = load(settings(tls_mode::mutual, "trust.p12", "file-pw-1"));
  CHECK_FALSE(trust_only.client);
  CHECK(trust_only.problem.option == "x-smpp-tls-path-to-certificate");
  CHECK(contains(trust_only.problem.text,
                 "holds no private key: x-smpp-tls-mode = mutual needs "
                 "our key and certificate in it"));

  outcome no_file = load(settings(tls_mode::mutual, ""));
  CHECK_FALSE(no_file.client);
  CHECK(no_file.problem.option == "x-smpp-tls-path-to-certificate");
}

TEST_CASE("a wrong file password and a wrong key password are told apart, passwords never shown") {
  outcome file = load(settings(tls_mode::mutual, "client.p12", "Wr0ng-file-pw"));
  CHECK_FALSE(file.client);
  CHECK(file.problem.option == "x-smpp-tls-certificate-file-password");
  CHECK(file.problem.text ==
        "wrong password for '" + certs + "/client.p12' (its integrity check failed)");

  outcome missing = load(settings(tls_mode::single, "trust.p12"));
  CHECK(missing.problem.option == "x-smpp-tls-certificate-file-password");
  CHECK(contains(missing.problem.text,
                 "is protected by a password: set x-smpp-tls-certificate-file-password"));

  outcome key = load(settings(tls_mode::mutual, "client.p12", "file-pw-1", "Wr0ng-key-pw"));
  CHECK_FALSE(key.client);
  CHECK(key.problem.option == "x-smpp-tls-certificate-password");
  CHECK(key.problem.text == "wrong password for our private key in '" + certs +
                                "/client.p12' (it cannot be decrypted)");

  // The key password defaults to the file password (what `openssl pkcs12 -export` writes) and
  // may also be given the same.
  CHECK(load(settings(tls_mode::mutual, "client.p12", "file-pw-1", "")).client);
  CHECK(load(settings(tls_mode::mutual, "client.p12", "file-pw-1", "file-pw-1")).client);

  for (const outcome* o : {&file, &missing, &key}) {
    CHECK_FALSE(contains(o->problem.text, "Wr0ng"));
    CHECK_FALSE(contains(o->problem.text, "file-pw-1"));
  }
}

TEST_CASE("a key with a password of its own: each password opens its part") {
  temp_dir dir;
  const fs::path file = dir.path / "two-passwords.p12";
  write_two_password_bundle(file, "store-pw", "key-pw");
  auto two = [&](std::string file_pw, std::string key_pw) {
    tls_settings s;
    s.mode = tls_mode::mutual;
    s.path = file.string();
    s.file_password = std::move(file_pw);
    s.key_password = std::move(key_pw);
    return load(s);
  };
  outcome ok = two("store-pw", "key-pw");
  INFO(ok.problem.option << ": " << ok.problem.text);
  REQUIRE(ok.client);
  CHECK(contains(ok.client->summary(), "our certificate CN=esme-e2e"));

  outcome no_key_pw = two("store-pw", "");
  CHECK(no_key_pw.problem.option == "x-smpp-tls-certificate-password");
  CHECK(contains(no_key_pw.problem.text,
                 "has a password of its own: it cannot be decrypted with "
                 "x-smpp-tls-certificate-file-password (used because "
                 "x-smpp-tls-certificate-password is empty)"));
  CHECK(two("store-pw", "store-pw").problem.option == "x-smpp-tls-certificate-password");
  CHECK(two("key-pw", "key-pw").problem.option == "x-smpp-tls-certificate-file-password");
}

TEST_CASE("files that are not PKCS#12, or not there, are named as such") {
  outcome pem = load(settings(tls_mode::single, "ca.pem"));
  CHECK(pem.problem.option == "x-smpp-tls-path-to-certificate");
  CHECK(contains(pem.problem.text,
                 "is a PEM file, not PKCS#12; make one with openssl pkcs12 "
                 "-export"));
  outcome key = load(settings(tls_mode::single, "client.key"));
  CHECK(contains(key.problem.text, "is a PEM file"));
  outcome absent = load(settings(tls_mode::single, "absent.p12"));
  CHECK(absent.problem.option == "x-smpp-tls-path-to-certificate");
  CHECK(contains(absent.problem.text, "No such file or directory"));

  temp_dir dir;
  std::ofstream(dir.path / "garbage.p12") << "this is not DER";
  tls_settings s = settings(tls_mode::single, "");
  s.path = (dir.path / "garbage.p12").string();
  CHECK(contains(load(s).problem.text, "is not a PKCS#12 file"));
}

TEST_CASE("files in the pre-OpenSSL-3 format (RC2-40, 3DES, SHA-1 MAC) open") {
  // They need OpenSSL's legacy provider, which the loader takes into a library context of its
  // own; where the provider is not installed, the message says what to do.
  OSSL_LIB_CTX* probe = OSSL_LIB_CTX_new();
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(probe, "legacy");
  const bool legacy_installed = legacy != nullptr;
  if (legacy) OSSL_PROVIDER_unload(legacy);
  OSSL_LIB_CTX_free(probe);
  ERR_clear_error();
  outcome o = load(settings(tls_mode::mutual, "legacy.p12", "file-pw-1"));
  if (legacy_installed) {
    INFO(o.problem.option << ": " << o.problem.text);
    CHECK(o.client);
  } else {
    CHECK_FALSE(o.client);
    CHECK(contains(o.problem.text, "re-export the file"));
  }
  CHECK(load(settings(tls_mode::mutual, "legacy.p12", "nope")).problem.option ==
        "x-smpp-tls-certificate-file-password");
}

TEST_CASE("a file changed on disk is noticed") {
  temp_dir dir;
  const fs::path copy = dir.path / "trust.p12";
  fs::copy_file(certs + "/trust.p12", copy);
  tls_settings s = settings(tls_mode::single, "", "file-pw-1");
  s.path = copy.string();
  outcome o = load(s);
  REQUIRE(o.client);
  CHECK_FALSE(o.client->file_changed());
  fs::remove(copy);
  CHECK(o.client->file_changed());
  fs::copy_file(certs + "/client.p12", copy);
  CHECK(o.client->file_changed());
}

TEST_CASE("versions and relaxed verification: set in the context, warned about") {
  tls_settings s = settings(tls_mode::single, "");
  s.version = tls_version::tls1_3;
  outcome v13 = load(s);
  REQUIRE(v13.client);
  CHECK(SSL_CTX_get_min_proto_version(v13.client->native_handle()) == TLS1_3_VERSION);
  CHECK(v13.client->insecure_warning().empty());

  s.version = tls_version::tls1_1_insecure;
  outcome v11 = load(s);
  REQUIRE(v11.client);
  CHECK(SSL_CTX_get_min_proto_version(v11.client->native_handle()) == TLS1_1_VERSION);
  CHECK(v11.client->insecure_warning() ==
        "INSECURE: x-smpp-tls-version = TLSv1.1-insecure allows TLS 1.1, which is broken and "
        "withdrawn (RFC 8996)");

  s.version = tls_version::tls1_2;
  s.verification = tls_verification::insecure_none;
  outcome none = load(s);
  REQUIRE(none.client);
  CHECK(SSL_CTX_get_verify_mode(none.client->native_handle()) == SSL_VERIFY_NONE);
  CHECK(contains(none.client->insecure_warning(),
                 "INSECURE: x-smpp-tls-verification = insecure-none: the SMSC's certificate is "
                 "not checked at all"));
  CHECK(contains(none.client->summary(), "(x-smpp-tls-verification = insecure-none)"));

  s.verification = tls_verification::insecure_no_host_name;
  outcome no_name = load(s);
  REQUIRE(no_name.client);
  CHECK(SSL_CTX_get_verify_mode(no_name.client->native_handle()) == SSL_VERIFY_PEER);
  CHECK(contains(no_name.client->insecure_warning(), "the SMSC's host name is not checked"));
}
