// Inbound decoding: input = data_coding, flags (bit 0 UDHI, bits 1-2 inbound default), then
// the short_message. Every data_coding, with and without a header, must give valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "text/decode.hpp"
#include "text/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smsdrv::text;
  if (size < 2) return 0;
  const std::uint8_t dc = data[0];
  const bool udhi = data[1] & 1;
  const auto smsc_default = static_cast<inbound_default>(((data[1] >> 1) & 3) % 3);
  const std::string_view sm(reinterpret_cast<const char*>(data + 2), size - 2);
  decoded_message m;
  decode(sm, dc, udhi, decode_options{smsc_default}, m);
  if (find_invalid_utf8(m.text) != std::string_view::npos) std::abort();
  if (m.udh.length > sm.size()) std::abort();
  for (const udh_element& e : m.udh.other)
    if (e.offset + e.length > m.udh.length) std::abort();
  if (m.udh.concat.method != concat_method::none && !m.udh.concat.valid()) std::abort();
  if (m.inb_data_enc() != std::to_string(dc)) std::abort();
  return 0;
}
