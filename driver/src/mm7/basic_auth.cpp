#include "mm7/basic_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace smsdrv::mm7 {
namespace {

std::string base64(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::string basic_authorization(std::string_view user, std::string_view password) {
  std::string credentials(user);
  credentials += ':';
  credentials += password;
  std::string out = "Basic " + base64(credentials);
  OPENSSL_cleanse(credentials.data(), credentials.size());
  return out;
}

bool basic_credentials_match(std::string_view header, std::string_view user,
                             std::string_view password) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t'))
    header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t'))
    header.remove_suffix(1);
  constexpr std::string_view scheme = "basic";
  if (header.size() <= scheme.size() + 1) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if ((header[i] | 0x20) != scheme[i]) return false;
  if (header[scheme.size()] != ' ') return false;
  std::string_view token = header.substr(scheme.size() + 1);
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  std::string expected = basic_authorization(user, password).substr(scheme.size() + 1);
  bool same_size = token.size() == expected.size();
  // Compare against itself when the sizes differ so that the time does not tell the size.
  bool same = CRYPTO_memcmp(same_size ? token.data() : expected.data(), expected.data(),
                            expected.size()) == 0;
  OPENSSL_cleanse(expected.data(), expected.size());
  return same_size && same;
}

}  // namespace smsdrv::mm7
