#include "smpp/command_status.hpp"

#include <fmt/format.h>

namespace smsdrv::smpp {
namespace {

struct status_row {
  std::uint32_t value;
  std::string_view name;
  std::string_view description;
};

constexpr status_row status_table[] = {
#define SMSDRV_SMPP_STATUS_ROW_(name, value, text) {value, #name, text},
    SMSDRV_SMPP_STATUS_MAP(SMSDRV_SMPP_STATUS_ROW_)
#undef SMSDRV_SMPP_STATUS_ROW_
};

// Upper-case spec spelling of the table's names, built once ("esme_rok" -> "ESME_ROK").
struct upper_names {
  char storage[std::size(status_table)][32] = {};
  constexpr upper_names() {
    for (std::size_t i = 0; i < std::size(status_table); ++i) {
      const auto& n = status_table[i].name;
      for (std::size_t j = 0; j < n.size() && j < 31; ++j) {
        char c = n[j];
        storage[i][j] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      }
    }
  }
};
constexpr upper_names names_upper{};

const status_row* find(std::uint32_t value, std::size_t& index) noexcept {
  for (std::size_t i = 0; i < std::size(status_table); ++i) {
    if (status_table[i].value == value) {
      index = i;
      return &status_table[i];
    }
  }
  return nullptr;
}

}  // namespace

std::string_view status_name(std::uint32_t status) noexcept {
  std::size_t i = 0;
  return find(status, i) ? std::string_view(names_upper.storage[i]) : std::string_view();
}

std::string_view status_description(std::uint32_t status) noexcept {
  std::size_t i = 0;
  const status_row* row = find(status, i);
  return row ? row->description : std::string_view();
}

std::optional<std::uint32_t> status_by_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < std::size(status_table); ++i) {
    const std::string_view n = status_table[i].name;
    if (n.size() != name.size()) continue;
    bool same = true;
    for (std::size_t j = 0; j < n.size() && same; ++j) {
      char c = name[j];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == n[j];
    }
    if (same) return status_table[i].value;
  }
  return std::nullopt;
}

std::string status_display(std::uint32_t status) {
  std::size_t i = 0;
  if (const status_row* row = find(status, i))
    return fmt::format("{} (0x{:08X}: {})", names_upper.storage[i], status, row->description);
  // SMPP v3.4 §5.1.3: 0x400-0x4FF are reserved for SMSC vendor-specific errors.
  if (status >= 0x400 && status <= 0x4FF)
    return fmt::format("0x{:08X} (SMSC vendor-specific error)", status);
  return fmt::format("0x{:08X} (reserved)", status);
}

}  // namespace smsdrv::smpp
