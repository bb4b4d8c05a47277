// Delivery receipt text parsing on arbitrary text.
#include <cstdint>
#include <string_view>

#include "smpp/delivery_receipt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r =
      smsdrv::smpp::parse_receipt_text(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r && r->state) static_cast<void>(smsdrv::smpp::message_state_stat(*r->state));
  return 0;
}
