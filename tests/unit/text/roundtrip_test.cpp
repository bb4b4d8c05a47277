// Property tests with a fixed seed: random texts from mixed alphabets go through
// encode -> split -> (as an SMSC would deliver them) decode -> reassembler, out of order and
// with duplicates, and come back equal.
#include <algorithm>
#include <random>

#include <catch2/catch.hpp>

#include "hex.hpp"
#include "text/text.hpp"

using namespace smsdrv::text;
using testing::utf8_of;

namespace {

const std::u32string pools[] = {
    U"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-+*/()#%&:;<=>\n\r",
    U"@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà",
    U"€{}[]~^|\\\f",
    U"çÿ©«½Þ\u00a0",
    U"ğĞşŞıİ",
    U"áíóúÁÍÓÚãõêôÂâ∞ªº`ÀÊÔÕÃ",
    U"αβжЖ你好한",
    U"\U0001F600\U0001F44D\U0001F389\U0001D11E",
};

// Texts of one national language: GSM characters plus that language's letters.
const std::pair<national_language, int> language_masks[] = {
    {national_language::turkish, 0x1 | 0x2 | 0x10},
    {national_language::spanish, 0x1 | 0x4 | 0x20},
    {national_language::portuguese, 0x1 | 0x20},
};

std::string random_text(std::mt19937& rng, int mask = 0) {
  std::uniform_int_distribution<int> pick_pools(1, (1 << std::size(pools)) - 1);
  if (mask == 0) mask = pick_pools(rng);
  if (rng() % 3 == 0) mask &= 0x7;  // often GSM-only
  if (mask == 0) mask = 1;
  std::vector<const std::u32string*> chosen;
  for (std::size_t i = 0; i < std::size(pools); ++i)
    if (mask & (1 << i)) chosen.push_back(&pools[i]);
  // Lengths cluster around the part limits.
  static constexpr std::size_t anchors[] = {0, 67, 70, 134, 140, 153, 160, 306, 459};
  std::size_t len = anchors[rng() % std::size(anchors)] + rng() % 7;
  if (rng() % 4 == 0) len = rng() % 700;
  std::string out;
  for (std::size_t i = 0; i < len; ++i) {
    const std::u32string& pool = *chosen[rng() % chosen.size()];
    out += utf8_of(pool[rng() % pool.size()]);
  }
  return out;
}

// The text as the receiver sees it: non-BMP characters become U+FFFD when they were replaced.
std::string expected_text(const std::string& utf8, bool replaced) {
  if (!replaced) return utf8;
  std::string out;
  for (std::size_t pos = 0; pos < utf8.size();) {
    const utf8_char c = next_utf8(utf8, pos);
    append_utf8(out, c.code_point >= 0x10000 ? replacement_character : c.code_point);
    pos += c.length;
  }
  return out;
}

struct pdu {
  std::string short_message;
  bool udhi;
  concat_info sar;  // method sar: the TLV values
  std::uint64_t token;
};

}  // namespace

TEST_CASE("round trip: encode -> split -> decode -> reassemble, random texts") {
  std::mt19937 rng(20240611);
  const encoding encodings[] = {encoding::gsm7, encoding::ascii, encoding::latin1, encoding::ucs2,
                                encoding::utf16be};
  const concat_method methods[] = {concat_method::udh8, concat_method::udh16, concat_method::sar,
                                   concat_method::payload};
  encoded_text enc;
  segmented_text seg;
  decoded_message dec;
  reassembled_message done;
  std::size_t multipart = 0, fallbacks = 0, national = 0;

  for (int iteration = 0; iteration < 3000; ++iteration) {
    encode_options eo;
    eo.requested = encodings[rng() % std::size(encodings)];
    eo.schema = rng() % 2 ? ucs2_schema::utf16be : ucs2_schema::ucs2;
    eo.language = static_cast<national_language>(rng() % 4);
    int mask = 0;
    if (rng() % 5 == 0) {
      const auto& [language, language_mask] = language_masks[rng() % std::size(language_masks)];
      eo.requested = encoding::gsm7;
      eo.language = language;
      mask = language_mask;
    }
    const std::string text = random_text(rng, mask);
    segment_options so;
    so.method = methods[rng() % std::size(methods)];
    so.reference = static_cast<std::uint16_t>(rng());
    INFO("iteration " << iteration << " text " << text);

    REQUIRE(encode(text, eo, enc).ok());
    REQUIRE(split(enc, so, seg).ok());
    const std::string expected = expected_text(text, enc.result.replaced > 0);
    fallbacks += enc.result.fallback;
    national += enc.result.locking_shift != national_language::none ||
                enc.result.single_shift != national_language::none;
    if (!enc.result.fallback && eo.requested != encoding::ucs2)
      CHECK(enc.result.used == eo.requested);
    CHECK(seg.result.data_coding == data_coding_of(seg.result.used));

    std::vector<pdu> pdus;
    for (std::size_t i = 0; i < seg.size(); ++i) {
      const std::string_view sm = seg.short_message(i);
      if (seg.method != concat_method::payload) {
        // Each part fits the 140 octets of TP-UD (SAR: with the concatenation IE the SMSC
        // adds, 5 octets, plus the UDHL when the part has no header of its own).
        const std::size_t own = seg.udhi ? static_cast<std::uint8_t>(sm[0]) + 1u : 0u;
        const std::size_t udh =
            own + (seg.method == concat_method::sar && seg.size() > 1 ? (own ? 5 : 6) : 0);
        if (seg.result.used == encoding::gsm7) {
          std::string packed;
          gsm7_pack(sm.substr(own), gsm7_fill_bits(udh), packed);
          CHECK(udh + packed.size() <= 140);
        } else {
          CHECK(udh + sm.size() - own <= 140);
        }
      }
      concat_info sar;
      if (seg.method == concat_method::sar)
        sar = concat_info{concat_method::sar, seg.sar_msg_ref_num, seg.sar_total_segments,
                          seg.sar_segment_seqnum(i)};
      pdus.push_back(pdu{std::string(sm), seg.udhi, sar, 1000 + i});
    }

    if (seg.size() == 1) {
      CHECK((seg.method == concat_method::none || seg.method == concat_method::payload));
      decode(pdus[0].short_message, seg.result.data_coding, pdus[0].udhi, {}, dec);
      CHECK(dec.text == expected);
      CHECK(dec.replacements == 0);
      continue;
    }

    ++multipart;
    // Deliver out of order with duplicates.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < pdus.size(); ++i)
      order.push_back(i);
    for (std::size_t i = 0; i < pdus.size() / 2 + 1; ++i)
      order.push_back(rng() % pdus.size());
    std::shuffle(order.begin(), order.end(), rng);
    reassembler r;
    std::vector<bool> seen(pdus.size());
    std::size_t completions = 0;
    for (const std::size_t i : order) {
      decode(pdus[i].short_message, seg.result.data_coding, pdus[i].udhi, {}, dec);
      inbound_part p = make_part(dec, pdus[i].short_message, "491701234", "5555", pdus[i].token);
      if (seg.method == concat_method::sar) p.concat = pdus[i].sar;
      const add_result res = r.add(p, reassembler::clock::time_point{}, done);
      if (seen[i]) {
        CHECK(res == add_result::duplicate);
        continue;
      }
      seen[i] = true;
      if (res == add_result::completed) {
        ++completions;
        r.confirm(done.ref());  // the host takes it at once
        CHECK(done.text == expected);
        CHECK(done.replacements == 0);
        CHECK(done.tokens.size() == pdus.size());
        CHECK(std::is_sorted(done.tokens.begin(), done.tokens.end()));
        CHECK(done.data_coding == seg.result.data_coding);
      } else {
        CHECK(res == add_result::held);
      }
    }
    CHECK(completions == 1);
    CHECK(r.open_messages() == 0);
  }
  // The generator reached every path.
  CHECK(multipart > 500);
  CHECK(fallbacks > 300);
  CHECK(national > 50);
}

TEST_CASE("round trip: every character of every table through a long message") {
  encoded_text enc;
  segmented_text seg;
  decoded_message dec;
  for (const gsm7_language& lang : gsm7_languages()) {
    std::string text;
    for (const gsm7_table* t : {lang.locking, lang.single_shift}) {
      if (!t) continue;
      for (const char32_t cp : *t)
        if (cp) text += utf8_of(cp);
    }
    text += text + text + text + text;  // long enough for several parts
    REQUIRE(encode(text, encode_options{encoding::gsm7, ucs2_schema::utf16be, lang.id}, enc).ok());
    CHECK_FALSE(enc.result.fallback);
    REQUIRE(split(enc, segment_options{concat_method::udh16, 99, 255}, seg).ok());
    CHECK(seg.size() > 1);
    reassembler r;
    reassembled_message done;
    for (std::size_t i = seg.size(); i-- > 0;) {
      decode(seg.short_message(i), seg.result.data_coding, seg.udhi, {}, dec);
      r.add(make_part(dec, seg.short_message(i), "a", "b", i), {}, done);
    }
    CHECK(done.text == text);
  }
}
