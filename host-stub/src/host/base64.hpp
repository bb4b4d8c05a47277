// base64.hpp - RFC 4648 base64 for the parts of multimedia messages in JSON lines (ABI 1.2
// smsdrv_part bytes), with OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock.
#ifndef SMSDRV_HOST_BASE64_HPP
#define SMSDRV_HOST_BASE64_HPP

#include <optional>
#include <string>
#include <string_view>

namespace smsdrv::host {

// bytes in base64, one line, with padding.
std::string base64_encode(std::string_view bytes);

// The bytes of text (base64 with padding; blanks and line breaks ignored), or nullopt when it is
// not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_BASE64_HPP
