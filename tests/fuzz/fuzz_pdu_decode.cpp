// PDU decode on arbitrary bytes: never crashes; whatever decodes re-encodes and decodes again to
// the same description (encode/decode/describe agree).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "smpp/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smsdrv::smpp;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (!in.empty()) {
    frame_check fc = check_frame(in, 4096);
    if (fc.state != frame_state::ready) break;
    pdu p;
    codec_status st = decode(in.substr(0, fc.length), p);
    if (st.ok()) {
      const std::string once = describe(p);
      std::string wire;
      if (encode(p, wire).ok()) {
        pdu q;
        if (!decode(wire, q).ok()) std::abort();
        if (describe(q) != once) std::abort();
      }
    } else {
      static_cast<void>(st.message());
    }
    in.remove_prefix(fc.length);
  }
  return 0;
}
