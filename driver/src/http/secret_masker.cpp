#include "http/secret_masker.hpp"

#include <algorithm>

#include "http/form_encoding.hpp"

namespace smsdrv::http {

void secret_masker::add(std::string_view secret) {
  if (secret.empty()) return;
  auto insert = [&](std::string form) {
    if (std::find(needles_.begin(), needles_.end(), form) != needles_.end()) return;
    needles_.push_back(std::move(form));
  };
  // Hex digits in either case: encoders differ.
  auto lower_hex = [](std::string s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i)
      if (s[i] == '%')
        for (std::size_t j = i + 1; j <= i + 2; ++j)
          if (s[j] >= 'A' && s[j] <= 'F') s[j] = static_cast<char>(s[j] - 'A' + 'a');
    return s;
  };
  insert(std::string(secret));
  for (space_encoding spaces : {space_encoding::plus, space_encoding::percent20}) {
    std::string encoded = form_encoded(secret, spaces);
    insert(lower_hex(encoded));
    insert(std::move(encoded));
  }
  std::stable_sort(needles_.begin(), needles_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string secret_masker::masked(std::string_view text) const {
  std::string out(text);
  for (const std::string& needle : needles_) {
    std::size_t at = 0;
    while ((at = out.find(needle, at)) != std::string::npos) {
      out.replace(at, needle.size(), mask);
      at += mask.size();
    }
  }
  return out;
}

}  // namespace smsdrv::http
