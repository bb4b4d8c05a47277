// Reading a PKCS#12 file (.p12 / .pfx, DER) with its two passwords: the certificates and, when
// asked for, the private keys, decrypted. Files from before OpenSSL 3 (RC2-40, 3DES) are read
// with OpenSSL's legacy provider in a library context of our own; the host's OpenSSL stays as
// it is. Errors name the option at fault (x-smpp-tls-*), never a password.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/tls_client.hpp"

namespace smsdrv::io {

struct x509_free {
  void operator()(X509* p) const { X509_free(p); }
};
struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using x509_ptr = std::unique_ptr<X509, x509_free>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

// What a PKCS#12 file holds, decrypted.
struct pkcs12_bundle {
  std::vector<x509_ptr> certificates;
  std::vector<pkey_ptr> keys;
  bool has_encrypted_key = false;  // present, left encrypted (single mode does not need it)
};

// Reads settings.path with settings.file_password (and settings.key_password for the keys, when
// `need_key`). On failure returns nullopt and fills `problem`.
std::optional<pkcs12_bundle> read_pkcs12(const tls_settings& settings, bool need_key,
                                         tls_problem& problem);

// OpenSSL's queued errors as one line, and the queue emptied.
std::string drain_openssl_errors();

}  // namespace smsdrv::io
