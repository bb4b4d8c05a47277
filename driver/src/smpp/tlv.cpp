#include "smpp/tlv.hpp"

#include <algorithm>
#include <array>

namespace smsdrv::smpp {
namespace {

constexpr auto sorted_tlv_table = [] {
  std::array table{
#define SMSDRV_SMPP_TLV_ROW_(name, tag, kind, min, max) \
  tlv_info{tag, #name, tlv_kind::kind, min, max},
      SMSDRV_SMPP_TLV_MAP(SMSDRV_SMPP_TLV_ROW_)
#undef SMSDRV_SMPP_TLV_ROW_
  };
  std::sort(table.begin(), table.end(),
            [](const tlv_info& a, const tlv_info& b) { return a.tag < b.tag; });
  return table;
}();

}  // namespace

const tlv_info* find_tlv_info(std::uint16_t tag) noexcept {
  auto it = std::lower_bound(sorted_tlv_table.begin(), sorted_tlv_table.end(), tag,
                             [](const tlv_info& row, std::uint16_t t) { return row.tag < t; });
  return (it != sorted_tlv_table.end() && it->tag == tag) ? &*it : nullptr;
}

const tlv_info* tlv_length_violation(std::uint16_t tag, std::size_t length) noexcept {
  const tlv_info* info = find_tlv_info(tag);
  if (info == nullptr || (length >= info->min_length && length <= info->max_length)) return nullptr;
  return info;
}

std::optional<std::uint32_t> tlv_integer(const tlv& t) noexcept {
  const auto& v = t.value;
  if (v.size() != 1 && v.size() != 2 && v.size() != 4) return std::nullopt;
  std::uint32_t out = 0;
  for (char c : v)
    out = (out << 8) | static_cast<std::uint8_t>(c);
  return out;
}

std::string_view tlv_c_string(const tlv& t) noexcept {
  std::string_view v = t.value;
  auto nul = v.find('\0');
  return nul == std::string_view::npos ? v : v.substr(0, nul);
}

}  // namespace smsdrv::smpp
