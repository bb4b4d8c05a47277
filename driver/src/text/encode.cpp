#include "text/encode.hpp"

#include "text/gsm7.hpp"
#include "text/utf8.hpp"

namespace smsdrv::text {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// Where a one-octet-per-character or UTF-16 encoder stopped.
struct walk_result {
  std::size_t invalid_at = npos;     // first invalid UTF-8 byte
  std::size_t unmappable_at = npos;  // first character the alphabet cannot carry
  char32_t unmappable = 0;
};

// Room for the worst case at the end of `out`, written through a pointer and trimmed after:
// no per-character capacity checks.
class writer {
 public:
  writer(std::string& out, std::size_t max) : out_(out), at_(out.size()) {
    out_.resize(at_ + max);
    d_ = out_.data() + at_;
  }
  ~writer() { out_.resize(static_cast<std::size_t>(d_ - out_.data())); }
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  void octet(char32_t c) noexcept { *d_++ = static_cast<char>(c); }
  void unit(char32_t u) noexcept {
    *d_++ = static_cast<char>((u >> 8) & 0xFF);
    *d_++ = static_cast<char>(u & 0xFF);
  }

 private:
  std::string& out_;
  std::size_t at_;
  char* d_;
};

// ascii (`max` 0x7F) or latin1 (`max` 0xFF): one octet per character.
walk_result encode_octets(std::string_view utf8, char32_t max, std::string& out) {
  walk_result r;
  writer w(out, utf8.size());
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const utf8_char c = next_utf8(utf8, pos);
    if (c.length == 0) {
      r.invalid_at = pos;
      return r;
    }
    if (c.code_point > max) {
      r.unmappable_at = pos;
      r.unmappable = c.code_point;
      return r;
    }
    w.octet(c.code_point);
    pos += c.length;
  }
  return r;
}

// UTF-16BE. With `surrogates` false (UCS-2) a non-BMP character is written as U+FFFD and
// counted in `replaced`. `unmappable_at` reports the first non-BMP character either way.
walk_result encode_utf16(std::string_view utf8, bool surrogates, std::string& out,
                         std::size_t& replaced) {
  walk_result r;
  writer w(out, utf8.size() * 2);  // 2 octets per UTF-8 octet at most
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const utf8_char c = next_utf8(utf8, pos);
    if (c.length == 0) {
      r.invalid_at = pos;
      return r;
    }
    if (c.code_point < 0x10000) {
      w.unit(c.code_point);
    } else {
      if (r.unmappable_at == npos) {
        r.unmappable_at = pos;
        r.unmappable = c.code_point;
      }
      if (surrogates) {
        const char32_t v = c.code_point - 0x10000;
        w.unit(0xD800 + (v >> 10));
        w.unit(0xDC00 + (v & 0x3FF));
      } else {
        w.unit(replacement_character);
        ++replaced;
      }
    }
    pos += c.length;
  }
  return r;
}

// Segments a GSM text of `septets` needs with `nli_octets` of national language IEs,
// estimated for an 8-bit concatenation UDH (escape pairs on a cut are ignored).
std::size_t estimated_segments(std::size_t septets, std::size_t nli_octets) {
  const std::size_t single = gsm7_capacity(nli_octets ? 1 + nli_octets : 0);
  if (septets <= single) return 1;
  const std::size_t each = gsm7_capacity(1 + 5 + nli_octets);
  return (septets + each - 1) / each;
}

// Best pair of national language tables for `utf8`, or false when none carries it: fewest
// segments; on a tie the earlier candidate, single shift first, because a handset without
// national language support shows ESC + septet as the default table's base letter (g for ğ)
// while a locking shift septet shows an unrelated character (TS 23.038 Annex B).
bool choose_national(std::string_view utf8, national_language l, national_language& locking,
                     national_language& single) {
  const bool has_l = has_locking_table(l), has_s = has_single_shift_table(l);
  const national_language none = national_language::none;
  struct candidate {
    national_language locking, single;
    bool usable;
  };
  const candidate candidates[] = {
      {none, l, has_s},
      {l, none, has_l},
      {l, l, has_l && has_s},
  };
  bool found = false;
  std::size_t best_segments = 0;
  for (const candidate& c : candidates) {
    if (!c.usable) continue;
    const gsm7_encode_result m = gsm7_measure(utf8, gsm7_tables_for(c.locking, c.single));
    if (!m.complete()) continue;
    const std::size_t nli = (c.locking != none ? 3 : 0) + (c.single != none ? 3 : 0);
    const std::size_t segments = estimated_segments(m.septets, nli);
    if (!found || segments < best_segments) {
      found = true;
      best_segments = segments;
      locking = c.locking;
      single = c.single;
    }
  }
  return found;
}

status invalid(std::size_t at) {
  return status{errc::invalid_utf8, at, 0, 0};
}

// encode() without the message class: the alphabet and its octets.
status encode_text(std::string_view utf8, const encode_options& options, encoded_text& out) {
  out.octets.clear();
  out.result = encoding_result{};
  encoding_result& res = out.result;
  res.used = options.requested;
  res.data_coding = data_coding_of(options.requested);
  const bool schema_surrogates = options.schema == ucs2_schema::utf16be;

  walk_result w;
  switch (options.requested) {
    case encoding::gsm7: {
      const gsm7_encode_result g = gsm7_encode(
          utf8, gsm7_tables_for(national_language::none, national_language::none), out.octets);
      w.invalid_at = g.invalid_at;
      w.unmappable_at = g.unmappable_at;
      w.unmappable = g.unmappable;
      national_language locking{}, single{};
      if (w.unmappable_at != npos && options.language != national_language::none &&
          choose_national(utf8, options.language, locking, single)) {
        out.octets.clear();
        gsm7_encode(utf8, gsm7_tables_for(locking, single), out.octets);
        res.locking_shift = locking;
        res.single_shift = single;
        return {};
      }
      break;
    }
    case encoding::ascii:
      w = encode_octets(utf8, 0x7F, out.octets);
      break;
    case encoding::latin1:
      w = encode_octets(utf8, 0xFF, out.octets);
      break;
    case encoding::ucs2:
    case encoding::utf16be: {
      const bool surrogates = options.requested == encoding::utf16be || schema_surrogates;
      w = encode_utf16(utf8, surrogates, out.octets, res.replaced);
      if (w.invalid_at != npos) return invalid(w.invalid_at);
      if (options.requested == encoding::ucs2 && surrogates && w.unmappable_at != npos) {
        // UCS-2 was asked for but the text needs surrogate pairs: UTF-16BE per the schema.
        res.used = encoding::utf16be;
        res.fallback = true;
        res.fallback_offset = w.unmappable_at;
        res.fallback_char = w.unmappable;
      }
      return {};
    }
  }
  if (w.invalid_at != npos) return invalid(w.invalid_at);
  if (w.unmappable_at == npos) return {};

  // The requested alphabet cannot carry the text: data_coding 8 per the schema.
  res.used = schema_surrogates ? encoding::utf16be : encoding::ucs2;
  res.data_coding = data_coding_of(res.used);
  res.fallback = true;
  res.fallback_offset = w.unmappable_at;
  res.fallback_char = w.unmappable;
  out.octets.clear();
  const walk_result wide = encode_utf16(utf8, schema_surrogates, out.octets, res.replaced);
  if (wide.invalid_at != npos) return invalid(wide.invalid_at);
  return {};
}

}  // namespace

status encode(std::string_view utf8, const encode_options& options, encoded_text& out) {
  if (options.message_class < 0) return encode_text(utf8, options, out);
  if (options.message_class > 3)
    return status{errc::invalid_option, 0, static_cast<std::size_t>(options.message_class), 3};
  const auto cls = static_cast<std::uint8_t>(options.message_class);
  encode_options o = options;
  if (!data_coding_with_class(o.requested, cls)) o.requested = encoding::gsm7;
  const status st = encode_text(utf8, o, out);
  if (!st.ok()) return st;
  out.result.data_coding = data_coding_with_class(out.result.used, cls).value_or(0x10);
  out.result.message_class = options.message_class;
  return {};
}

}  // namespace smsdrv::text
