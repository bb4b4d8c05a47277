#include "text/decode.hpp"

#include "text/gsm7.hpp"
#include "text/utf8.hpp"

namespace smsdrv::text {
namespace {

std::size_t decode_octets(std::string_view in, char32_t max, std::string& out) {
  std::size_t replaced = 0;
  out.reserve(out.size() + in.size() * 2);
  for (const char c : in) {
    const char32_t cp = static_cast<std::uint8_t>(c);
    if (cp > max) {
      append_utf8(out, replacement_character);
      ++replaced;
    } else {
      append_utf8(out, cp);
    }
  }
  return replaced;
}

// UTF-16BE, which includes UCS-2: pairs become one character, a lone surrogate or an odd
// final octet becomes U+FFFD.
std::size_t decode_utf16(std::string_view in, std::string& out) {
  std::size_t replaced = 0;
  out.reserve(out.size() + in.size() * 3 / 2);
  const auto* p = reinterpret_cast<const std::uint8_t*>(in.data());
  const std::size_t units = in.size() / 2;
  for (std::size_t i = 0; i < units; ++i) {
    const char32_t u = (char32_t{p[2 * i]} << 8) | p[2 * i + 1];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      const char32_t low = (char32_t{p[2 * i + 2]} << 8) | p[2 * i + 3];
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) {
      append_utf8(out, replacement_character);
      ++replaced;
    } else {
      append_utf8(out, u);
    }
  }
  if (in.size() % 2) {
    append_utf8(out, replacement_character);
    ++replaced;
  }
  return replaced;
}

}  // namespace

void append_hex(std::string& out, std::string_view octets) {
  static constexpr char digits[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out.resize(at + octets.size() * 2);
  char* d = out.data() + at;
  for (const char c : octets) {
    const auto b = static_cast<std::uint8_t>(c);
    *d++ = digits[b >> 4];
    *d++ = digits[b & 0x0F];
  }
}

std::size_t decode_user_data(std::string_view user_data, alphabet a,
                             national_language locking_shift, national_language single_shift,
                             std::string& out) {
  switch (a) {
    case alphabet::gsm7:
      return gsm7_decode(user_data, gsm7_tables_for(locking_shift, single_shift), out);
    case alphabet::ia5:
      return decode_octets(user_data, 0x7F, out);
    case alphabet::latin1:
      return decode_octets(user_data, 0xFF, out);
    case alphabet::ucs2:
      return decode_utf16(user_data, out);
    case alphabet::octets:
    case alphabet::compressed:
    case alphabet::unsupported:
    case alphabet::reserved:
      append_hex(out, user_data);
      return 0;
  }
  return 0;
}

void decode(std::string_view short_message, std::uint8_t data_coding, bool udhi,
            const decode_options& options, decoded_message& out) {
  out.text.clear();
  out.data_coding = data_coding;
  out.coding = classify_data_coding(data_coding, options.smsc_default);
  if (udhi) {
    parse_udh(short_message, out.udh);
  } else {
    clear_udh(out.udh);
  }
  out.replacements = decode_user_data(short_message.substr(out.udh.length), out.coding.alpha,
                                      out.udh.locking_shift, out.udh.single_shift, out.text);
}

}  // namespace smsdrv::text
