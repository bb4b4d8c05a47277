// Fuzz target: parse_tlv_spec on any bytes. An accepted spec must encode to exactly its items
// and survive format_tlv_spec -> parse_tlv_spec unchanged; a refused one must name a column
// inside the input (or just after it) and a reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smpp/tlv_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smsdrv::smpp;
  std::string_view spec(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_tlv_spec(spec);
  if (auto* e = std::get_if<tlv_spec_error>(&parsed)) {
    if (e->column == 0 || e->column > size + 1 || e->reason.empty()) std::abort();
    return 0;
  }
  const auto& items = std::get<std::vector<tlv_item>>(parsed);
  std::string wire;
  append_tlvs(wire, items);
  std::size_t expected = 0;
  for (const auto& item : items)
    expected += 4 + item.value.size();
  if (wire.size() != expected) std::abort();
  auto again = parse_tlv_spec(format_tlv_spec(items));
  auto* same = std::get_if<std::vector<tlv_item>>(&again);
  if (!same || *same != items) std::abort();
  return 0;
}
