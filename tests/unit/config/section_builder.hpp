// Builds the borrowed section_view the validator takes, the way the C ABI hands a section over.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/validate.hpp"

namespace smsdrv::config::test {

struct section_builder {
  std::string name;
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::string source;
  std::vector<std::uint32_t> lines;
  std::vector<std::string_view> key_views;
  std::vector<std::string_view> value_views;

  // first_line > 0 numbers the entries first_line, first_line + 1, ...
  section_builder(std::string section,
                  std::initializer_list<std::pair<std::string, std::string>> kv,
                  std::string file = "", std::uint32_t first_line = 0)
      : name(std::move(section)), source(std::move(file)) {
    for (const auto& [k, v] : kv)
      add(k, v);
    if (first_line > 0)
      for (std::uint32_t i = 0; i < keys.size(); ++i)
        lines.push_back(first_line + i);
  }

  // Numbered after the last entry when the section has line numbers.
  section_builder& add(std::string key, std::string value) {
    if (!lines.empty()) lines.push_back(lines.back() + 1);
    keys.push_back(std::move(key));
    values.push_back(std::move(value));
    return *this;
  }

  section_view view() {
    key_views.assign(keys.begin(), keys.end());
    value_views.assign(values.begin(), values.end());
    return section_view{name, key_views, value_views, source, lines};
  }
};

// The two options every channel needs, so that a test can look at one other option alone.
inline section_builder channel(std::initializer_list<std::pair<std::string, std::string>> kv) {
  section_builder s("channel-sms1", kv);
  s.add("x-smpp-host", "smsc.example.com").add("x-smpp-system-id", "esme1");
  return s;
}

}  // namespace smsdrv::config::test
