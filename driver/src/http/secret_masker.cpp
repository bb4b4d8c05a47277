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
}

std::vector<secret_masker::span> secret_masker::spans(std::string_view text) const {
  std::vector<span> found;
  for (const std::string& needle : needles_)
    // Every start position, so that an occurrence overlapping the previous one is found too.
    for (std::size_t at = text.find(needle); at != std::string_view::npos;
         at = text.find(needle, at + 1))
      found.push_back({at, at + needle.size()});
  std::sort(found.begin(), found.end(),
            [](const span& a, const span& b) { return a.begin < b.begin; });
  std::vector<span> merged;
  for (const span& s : found) {
    if (!merged.empty() && s.begin <= merged.back().end)
      merged.back().end = std::max(merged.back().end, s.end);
    else
      merged.push_back(s);
  }
  return merged;
}

bool secret_masker::overlaps(std::string_view text, span part) const {
  for (const span& s : spans(text))
    if (s.begin < part.end && part.begin < s.end) return true;
  return false;
}

std::string secret_masker::masked(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const span& s : spans(text)) {
    out.append(text.substr(at, s.begin - at));
    out += mask;
    at = s.end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace smsdrv::http
