// Text on the driver's paths: GSM 03.38 and UCS-2 encoding of SendSMS texts (host thread),
// segmentation of a long text, inbound decoding and reassembly of a 3-part message (I/O thread).
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

#include "text/decode.hpp"
#include "text/encode.hpp"
#include "text/reassembler.hpp"
#include "text/segment.hpp"

namespace {

using namespace smsdrv;

std::string repeat(std::string_view s, std::size_t characters) {
  std::string out;
  for (std::size_t i = 0; i < characters; ++i)
    out += s[i % s.size()];
  return out;
}

// 160 characters of the GSM default alphabet, two of them from the extension table ({ and }).
const std::string gsm_160 = repeat("Hello {world}, your order 4711 has shipped. ", 160);
// 70 characters that GSM 03.38 cannot carry (Cyrillic): UCS-2.
const std::string cyrillic_70 = [] {
  std::string s;
  const std::string word = "Привет мир ";  // 11 characters, UTF-8
  std::size_t chars = 0;
  for (std::size_t i = 0; chars < 70; ++chars) {
    // copy one UTF-8 character
    const auto lead = static_cast<unsigned char>(word[i]);
    const std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    s.append(word, i, n);
    i = (i + n) % word.size();
  }
  return s;
}();

void bm_encode_gsm7_160(benchmark::State& state) {
  text::encode_options o;
  o.requested = text::encoding::gsm7;
  text::encoded_text out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(text::encode(gsm_160, o, out));
    benchmark::DoNotOptimize(out.octets.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 160));
}
BENCHMARK(bm_encode_gsm7_160);

void bm_encode_ucs2_70(benchmark::State& state) {
  text::encode_options o;
  o.requested = text::encoding::ucs2;
  text::encoded_text out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(text::encode(cyrillic_70, o, out));
    benchmark::DoNotOptimize(out.octets.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 70));
}
BENCHMARK(bm_encode_ucs2_70);

// GSM text that falls back to UCS-2 at its last character (the whole text is scanned twice).
void bm_encode_gsm7_fallback_ucs2(benchmark::State& state) {
  const std::string t = repeat("abcdefghij", 69) + "Ж";
  text::encode_options o;
  o.requested = text::encoding::gsm7;
  text::encoded_text out;
  for (auto _ : state)
    benchmark::DoNotOptimize(text::encode(t, o, out));
}
BENCHMARK(bm_encode_gsm7_fallback_ucs2);

// 459 GSM characters -> 3 parts of 153 with an 8-bit concatenation UDH each.
void bm_segment_gsm7_3_parts(benchmark::State& state) {
  const std::string t = repeat("Long message text with words. ", 459);
  text::encode_options o;
  text::encoded_text encoded;
  text::encode(t, o, encoded);
  text::segment_options so;
  so.method = text::concat_method::udh8;
  so.reference = 42;
  text::segmented_text out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(text::split(encoded, so, out));
    benchmark::DoNotOptimize(out.parts.data());
  }
  if (out.size() != 3) state.SkipWithError("expected 3 parts");
}
BENCHMARK(bm_segment_gsm7_3_parts);

void bm_decode_gsm7_160(benchmark::State& state) {
  text::encode_options o;
  text::encoded_text encoded;
  text::encode(gsm_160, o, encoded);
  text::decoded_message out;
  for (auto _ : state) {
    text::decode(encoded.octets, 0x00, false, {}, out);
    benchmark::DoNotOptimize(out.text.data());
  }
}
BENCHMARK(bm_decode_gsm7_160);

// Three parts of a GSM message arriving in order; the completed message is taken by the host
// (confirm). Fake time moves 1 ms per message; completed messages are remembered for 100 ms.
void bm_reassemble_3_parts(benchmark::State& state) {
  text::reassembly_options ro;
  ro.timeout = std::chrono::milliseconds(100);
  text::reassembler r(ro);
  const std::string part_text = repeat("Long message text with words. ", 153);
  text::reassembled_message done;
  std::vector<text::reassembled_message> expired;
  auto now = std::chrono::steady_clock::time_point{};
  std::uint16_t reference = 0;
  std::uint64_t token = 0;
  for (auto _ : state) {
    ++reference;
    now += std::chrono::milliseconds(1);
    for (std::uint8_t seq = 1; seq <= 3; ++seq) {
      text::inbound_part p;
      p.source_addr = "4917612345678";
      p.destination_addr = "4915100000000";
      p.concat = {text::concat_method::udh16, reference, 3, seq};
      p.user_data = part_text;
      p.token = ++token;
      if (r.add(p, now, done) == text::add_result::completed) r.confirm(done.ref());
    }
    if ((reference & 127) == 0) {
      r.expire(now, expired);
      expired.clear();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_reassemble_3_parts);

}  // namespace
