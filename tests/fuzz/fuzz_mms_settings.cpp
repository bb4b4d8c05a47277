// The MMS settings file (mm7/settings) on arbitrary text: never a crash, and a secret value
// never shows in a message.
#include <cstdint>
#include <string>
#include <string_view>

#include "mm7/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // The marker must come only from the password line below.
  if (text.find("Zq9secretXw") != std::string::npos) return 0;
  auto r = smsdrv::mm7::parse_mms_settings(text + "\n[mmsc]\npassword = Zq9secretXw\n", "f.cfg");
  for (const auto& e : r.errors)
    if (e.find("Zq9secretXw") != std::string::npos) __builtin_trap();
  for (const auto& w : r.warnings)
    if (w.find("Zq9secretXw") != std::string::npos) __builtin_trap();
  return 0;
}
