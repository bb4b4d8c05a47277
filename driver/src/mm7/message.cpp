#include "mm7/message.hpp"

#include <array>
#include <utility>

namespace smsdrv::mm7 {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;                       // overlong
  if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
  if (n == 4 && (c > 0xF4 || (c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) >= 0x90)))
    return 0;
  return n;
}

}  // namespace

address address_of(std::string value) {
  address a;
  a.type = value.find('@') == std::string::npos ? address::kind::number : address::kind::rfc2822;
  a.value = std::move(value);
  return a;
}

std::string safe_part_name(std::string_view raw) {
  std::size_t slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw.remove_prefix(slash + 1);
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    std::size_t n = utf8_sequence(raw, i);
    if (n == 0) {
      out += '_';
      ++i;
      continue;
    }
    if (n == 1) {
      unsigned char c = static_cast<unsigned char>(raw[i]);
      bool unsafe = c < 0x20 || c == 0x7F || c == '<' || c == '>' || c == ':' || c == '"' ||
                    c == '|' || c == '?' || c == '*';
      out += unsafe ? '_' : static_cast<char>(c);
    } else {
      out.append(raw.substr(i, n));
    }
    i += n;
  }
  std::size_t lead = out.find_first_not_of(". \t");
  out.erase(0, lead == std::string::npos ? out.size() : lead);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t'))
    out.pop_back();
  if (out.size() > 255) {
    std::size_t cut = 255;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
      --cut;
    out.resize(cut);
  }
  return out;
}

std::string_view extension_for(std::string_view media_type) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> known{{
      {"image/jpeg", "jpg"},       {"image/jpg", "jpg"},         {"image/png", "png"},
      {"image/gif", "gif"},        {"image/bmp", "bmp"},         {"image/vnd.wap.wbmp", "wbmp"},
      {"text/plain", "txt"},       {"text/x-vcard", "vcf"},      {"text/vcard", "vcf"},
      {"text/x-vcalendar", "vcs"}, {"application/smil", "smil"}, {"audio/amr", "amr"},
      {"audio/mpeg", "mp3"},       {"audio/mp4", "m4a"},         {"audio/midi", "mid"},
      {"audio/wav", "wav"},        {"audio/x-wav", "wav"},       {"video/3gpp", "3gp"},
      {"video/mp4", "mp4"},        {"audio/3gpp", "3gp"},        {"text/html", "html"},
      {"application/pdf", "pdf"},
  }};
  for (const auto& [type, ext] : known)
    if (type == media_type) return ext;
  return "bin";
}

}  // namespace smsdrv::mm7
