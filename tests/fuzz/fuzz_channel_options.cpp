// Fuzz target: option validation on any section. The input is read as "key=value" lines; the
// same entries are validated as a channel section and as each driver-wide section. Checked:
// a result is either settings or errors, every message is printable UTF-8 on one line, and in
// a channel section a secret option's value only ever appears as ********. (In
// [log-filter-data] "password" is just a user-data key whose value is a filter rule.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/option_table.hpp"
#include "config/text_util.hpp"
#include "config/validate.hpp"

namespace {

using namespace smsdrv::config;

// Lines are numbered from 1 in "fuzz.cfg"; keys[i] is on line i + 1.
void check_message(const std::string& m, const std::vector<std::string_view>* keys) {
  if (m.empty() || !utf8_length(m)) std::abort();
  for (char c : m)
    if (static_cast<unsigned char>(c) < 0x20) std::abort();
  constexpr std::string_view source = "fuzz.cfg:";
  if (!keys || !m.starts_with(source)) return;
  std::size_t line = 0;
  std::size_t at = source.size();
  while (at < m.size() && m[at] >= '0' && m[at] <= '9')
    line = line * 10 + (m[at++] - '0');
  if (line == 0 || line > keys->size()) return;
  std::string_view key = (*keys)[line - 1];
  const option_def* def = find_option(channel_options(), key);
  if (!def || !def->secret) return;
  std::string head =
      "fuzz.cfg:" + std::to_string(line) + ": [channel-fuzz] " + std::string(key) + " = '";
  if (!m.starts_with(head)) return;
  std::string_view shown = std::string_view(m).substr(head.size());
  if (!shown.starts_with("********'") && !shown.starts_with("'")) std::abort();
}

template <class Result>
void check_result(const Result& r, const std::vector<std::string_view>* keys) {
  if (r.ok() != r.settings.has_value()) std::abort();
  if (!r.ok() && r.errors.empty()) std::abort();
  for (const auto& m : r.errors)
    check_message(m, keys);
  for (const auto& m : r.warnings)
    check_message(m, keys);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> keys;
  std::vector<std::string_view> values;
  std::vector<std::uint32_t> lines;
  std::uint32_t line = 0;
  while (!input.empty()) {
    std::size_t end = input.find('\n');
    std::string_view entry = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    ++line;
    std::size_t eq = entry.find('=');
    keys.push_back(entry.substr(0, eq));
    values.push_back(eq == std::string_view::npos ? std::string_view() : entry.substr(eq + 1));
    lines.push_back(line);
  }
  section_view section{"channel-fuzz", keys, values, "fuzz.cfg", lines};
  check_result(validate_channel_section(section), &keys);
  for (std::string_view name : {"settings", "log-filter", "log-filter-data"}) {
    section.name = name;
    check_result(validate_driver_section(section, driver_settings{}), nullptr);
  }
  return 0;
}
