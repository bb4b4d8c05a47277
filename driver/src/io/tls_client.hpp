// TLS to the SMSC (docs/tls.md) with OpenSSL 3, without Asio: the client context built from a
// channel's x-smpp-tls-* options, the set-up of each connection (SNI, the name the SMSC's
// certificate must carry, the callbacks that fill the handshake's trace). The messages made from
// that trace are in tls_diagnosis. channel_runner wraps the context in an asio::ssl::stream.
//
// Passwords are used to open the PKCS#12 file and are never part of a message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/channel_settings.hpp"
#include "io/tls_diagnosis.hpp"

struct ssl_ctx_st;
struct ssl_st;

namespace smsdrv::io {

// A channel's x-smpp-tls-* options.
struct tls_settings {
  config::tls_mode mode = config::tls_mode::none;
  config::tls_version version = config::tls_version::tls1_2;
  config::tls_verification verification = config::tls_verification::full;
  std::string path;           // PKCS#12 file; "" = the system trust store (single mode)
  std::string file_password;  // the file's integrity check (MAC) and its certificates
  std::string key_password;   // our private key; "" = file_password
  std::string host_name;      // the name the SMSC's certificate must carry; "" = the host

  bool enabled() const noexcept { return mode != config::tls_mode::none; }
};

tls_settings tls_settings_of(const config::channel_settings& s);

// What is wrong with the TLS configuration: the option at fault and why (never a password).
struct tls_problem {
  std::string option;
  std::string text;
};

// An OpenSSL client context ready for connections to one channel's SMSC. Immutable once loaded;
// shared by the connections made with it.
class tls_client {
 public:
  // Reads the PKCS#12 file with its passwords (or takes the system trust store), checks that
  // mutual mode has our key and its certificate, and sets versions and verification. On
  // failure returns nullptr and fills `problem`. `notes` gets remarks worth a warning (a key
  // not used in single mode, our certificate expired).
  static std::shared_ptr<const tls_client> load(const tls_settings& settings, tls_problem& problem,
                                                std::vector<std::string>& notes);
  ~tls_client();
  tls_client(const tls_client&) = delete;
  tls_client& operator=(const tls_client&) = delete;

  ssl_ctx_st* native_handle() const noexcept { return ctx_; }
  const tls_settings& settings() const noexcept { return settings_; }
  // "TLS single, version 1.2 or newer, trusting 1 certificate from /etc/smsc.p12 (CN=...)".
  const std::string& summary() const noexcept { return summary_; }
  // The file was changed or replaced since it was read (size, modification time or inode).
  bool file_changed() const;
  // What these settings make insecure, for a warning at every connection; "" when nothing.
  std::string insecure_warning() const;

 private:
  struct file_identity {
    bool known = false;
    std::uint64_t device = 0, inode = 0, size = 0;
    std::int64_t mtime_ns = 0;
    friend bool operator==(const file_identity&, const file_identity&) = default;
  };
  static file_identity identify(const std::string& path);

  tls_client() = default;
  tls_settings settings_;
  ssl_ctx_st* ctx_ = nullptr;
  std::string summary_;
  file_identity file_;
};

// Before the handshake of one connection to `host`: SNI (for a name, not an IP address), the name
// the certificate must carry (unless x-smpp-tls-verification relaxes it), the callbacks that fill
// `trace`. `trace` must outlive the handshake. False when OpenSSL refuses (no memory).
bool prepare_tls_connection(const tls_client& client, ssl_st* ssl, std::string_view host,
                            tls_trace& trace);

// After the handshake: "TLSv1.3, TLS_AES_128_GCM_SHA256; SMSC certificate CN=localhost (issuer
// CN=..., valid until 2026-12-22 05:54:15 UTC)".
std::string describe_tls_session(ssl_st* ssl);

}  // namespace smsdrv::io
