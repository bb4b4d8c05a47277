// Why a TLS connection to the SMSC failed, in words that name the option to look at: a pure
// function of what the handshake showed (tls_trace, filled by tls_client's OpenSSL callbacks)
// and how the link broke (link_failure). No sockets and no OpenSSL objects: tested with traces
// written by hand (tests/unit/io/tls_diagnosis_test.cpp).
//
// Passwords are never part of a trace, so never part of a message.
#pragma once

#include <cstdint>
#include <string>

#include "config/channel_settings.hpp"

namespace smsdrv::io {

// What one connection's handshake showed, filled by OpenSSL callbacks: the facts behind the
// messages below.
struct tls_trace {
  // The channel's settings the messages depend on (x-smpp-tls-mode, x-smpp-tls-version, and
  // whether the SMSC's certificate is checked against a PKCS#12 file or the system trust store).
  config::tls_mode mode = config::tls_mode::none;
  config::tls_version version = config::tls_version::tls1_2;
  bool trust_from_file = false;
  std::string host;                    // the name checked, also the SNI unless an IP address
  bool received_any = false;           // a record header came from the SMSC
  unsigned char first_octets[5] = {};  // the first record header received
  bool server_hello = false;
  bool certificate_requested = false;  // the SMSC asked for a client certificate
  bool sent_certificate = false;       // ... and we presented ours (mutual)
  int alert_received = -1;             // TLS alert description from the SMSC (not close_notify)
  int alert_sent = -1;
  // The first problem the certificate check found (X509_V_ERR_*), and the certificate's data.
  int verify_error = 0;
  int verify_depth = 0;
  std::string verify_subject, verify_issuer, verify_names, verify_not_before, verify_not_after;
};

// How a TLS connection failed, as the shell saw it.
struct link_failure {
  enum class kind : std::uint8_t { tls, closed, system };
  kind what = kind::closed;
  unsigned long tls_error = 0;  // OpenSSL's error code (kind::tls)
  std::string system_text;      // the system's message (kind::system), e.g. "Connection reset"
};

// Why the handshake failed, naming the option to look at: for the channel-state event and log.
std::string describe_handshake_failure(const tls_trace& trace, const link_failure& failure);

// A TLS link that failed after the handshake but before the SMSC's first SMPP octet: with TLS
// 1.3 the SMSC's refusal of our certificate shows only here. "" when there is nothing
// TLS-specific to say.
std::string describe_early_failure(const tls_trace& trace, const link_failure& failure);

// The common form of a read or write error on a TLS link ("TLS: decryption failed").
std::string describe_tls_error(unsigned long tls_error);

}  // namespace smsdrv::io
