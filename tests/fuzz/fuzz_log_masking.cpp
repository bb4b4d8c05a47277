// Fuzz target: the log masking rules on any bytes. The input is read as a spec file (never
// crashes; every error names the source) and as a value or log line under every filter rule:
// partial rules keep the number of characters and show only the value's own characters or
// '*'; hide shows ****; skip shows nothing; the shipped phone pattern leaves no run of 11 to 15
// digits behind (or withholds the line).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/filter_spec.hpp"
#include "privacy/masking.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using namespace smsdrv::privacy;

std::size_t characters(std::string_view s) {
  // As filter_rule.cpp counts: a well-formed UTF-8 sequence or a single invalid byte.
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80                 ? 1
                      : b >= 0xC2 && b <= 0xDF ? 2
                      : b >= 0xE0 && b <= 0xEF ? 3
                      : b >= 0xF0 && b <= 0xF4 ? 4
                                               : 1;
    if (i + len > s.size()) len = 1;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) len = 1;
    i += len;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const spec_result spec = parse_filter_spec(input, "fuzz.json");
  for (const std::string& e : spec.errors)
    if (e.rfind("fuzz.json: ", 0) != 0) std::abort();

  const std::size_t n = characters(input);
  const std::uint32_t counts[] = {1, 3, 64};
  for (filter_kind kind : {filter_kind::hide_first, filter_kind::hide_last,
                           filter_kind::unhide_first, filter_kind::unhide_last}) {
    for (std::uint32_t count : counts) {
      const auto shown = apply_filter(filter_rule{kind, count}, input);
      if (!shown || characters(*shown) != n) std::abort();
      if (*shown != input && shown->find('*') == std::string::npos) std::abort();
    }
  }
  if (apply_filter(filter_rule{filter_kind::hide, 0}, input) != std::string(hidden_value))
    std::abort();
  if (apply_filter(filter_rule{filter_kind::skip, 0}, input)) std::abort();
  if (apply_filter(filter_rule{}, input) != input) std::abort();

  masking_settings settings;
  settings.filter_active = true;
  filter_spec phone;
  phone.patterns.push_back(
      {"phone", "\\+?\\b[0-9][0-9]{10,14}\\b", filter_rule{filter_kind::unhide_last, 4}});
  const masking m(settings, &phone);
  const std::string line = m.line(input);
  // A run of 16 or more digits is not a phone number; any 11 to 15 digits standing alone are.
  if (line.find("withheld") == std::string::npos) {
    std::size_t run = 0, start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i) {
      const bool digit = i < line.size() && line[i] >= '0' && line[i] <= '9';
      if (digit) {
        if (run++ == 0) start = i;
        continue;
      }
      const auto word = [&](std::size_t at) {
        const char c = line[at];
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               c == '_';
      };
      const bool alone = (start == 0 || !word(start - 1)) && (i == line.size() || !word(i));
      if (run >= 11 && run <= 15 && alone) std::abort();
      run = 0;
    }
  }
  return 0;
}
