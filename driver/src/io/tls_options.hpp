// The names of the x-smpp-tls-* options (docs/tls.md) as TLS messages quote them, and the words
// for a version setting; shared by the TLS context (tls_client) and the handshake messages
// (tls_diagnosis).
#pragma once

#include <string_view>

#include "config/channel_settings.hpp"

namespace smsdrv::io::tls_options {

inline constexpr std::string_view opt_path = "x-smpp-tls-path-to-certificate";
inline constexpr std::string_view opt_file_password = "x-smpp-tls-certificate-file-password";
inline constexpr std::string_view opt_key_password = "x-smpp-tls-certificate-password";
inline constexpr std::string_view opt_mode = "x-smpp-tls-mode";
inline constexpr std::string_view opt_version = "x-smpp-tls-version";
inline constexpr std::string_view opt_host_name = "x-smpp-tls-host-name";
inline constexpr std::string_view opt_verification = "x-smpp-tls-verification";

// "1.2 or newer" for x-smpp-tls-version = TLSv1.2.
inline std::string_view version_name(config::tls_version v) {
  switch (v) {
    case config::tls_version::tls1_2:
      return "1.2 or newer";
    case config::tls_version::tls1_3:
      return "1.3";
    case config::tls_version::tls1_1_insecure:
      return "1.1 or newer";
    case config::tls_version::tls1_0_insecure:
      return "1.0 or newer";
  }
  return "?";
}

}  // namespace smsdrv::io::tls_options
