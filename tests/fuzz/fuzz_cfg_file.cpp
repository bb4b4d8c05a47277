// The .cfg reader on arbitrary text: a parsed file or a cfg_error naming lines, never a crash.
#include <cstdint>
#include <string_view>

#include "host/cfg_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto f = smsdrv::host::parse_cfg(std::string_view(reinterpret_cast<const char*>(data), size),
                                     "fuzz.cfg");
    for (const auto& s : f.sections)
      for (const auto& o : s.options)
        static_cast<void>(o.key.size() + o.value.size());
  } catch (const smsdrv::host::cfg_error& e) {
    static_cast<void>(e.problems().size());
  }
  return 0;
}
