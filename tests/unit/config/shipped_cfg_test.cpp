// The shipped cfg/SmsMmsDriver.cfg, read the way docs/options.md describes the format, is
// accepted by the validator as it stands (plus the two required options it leaves to the
// operator) without a single warning.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config/text_util.hpp"
#include "config/validate.hpp"
#include "section_builder.hpp"

using namespace smsdrv::config;
using smsdrv::config::test::section_builder;

namespace {

// Just enough of the documented .cfg format for this test: [section], option = value,
// whole-line # and ; comments, "quoted" values with \" and \\ escapes.
std::map<std::string, section_builder> read_cfg(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::map<std::string, section_builder> sections;
  section_builder* current = nullptr;
  std::string line;
  std::uint32_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view l = trim(line);
    if (l.empty() || l[0] == '#' || l[0] == ';') continue;
    if (l.front() == '[') {
      REQUIRE(l.back() == ']');
      std::string name(l.substr(1, l.size() - 2));
      current =
          &sections
               .try_emplace(name, name,
                            std::initializer_list<std::pair<std::string, std::string>>{}, path)
               .first->second;
      continue;
    }
    REQUIRE(current != nullptr);
    std::size_t eq = l.find('=');
    REQUIRE(eq != std::string_view::npos);
    std::string_view value = trim(l.substr(eq + 1));
    std::string unquoted;
    if (!value.empty() && value.front() == '"') {
      REQUIRE(value.size() >= 2);
      REQUIRE(value.back() == '"');
      for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\') ++i;
        unquoted += value[i];
      }
    } else {
      unquoted = value;
    }
    current->keys.emplace_back(trim(l.substr(0, eq)));
    current->values.push_back(unquoted);
    current->lines.push_back(number);
  }
  return sections;
}

}  // namespace

TEST_CASE("the shipped SmsMmsDriver.cfg is accepted as it stands") {
  auto sections = read_cfg(SMSDRV_SHIPPED_CFG);
  REQUIRE(sections.size() == 4);
  CHECK(sections.at("log-filter-data").keys.empty());  // only commented examples

  section_builder& channel = sections.at("channel-sms1");
  channel.lines.clear();
  channel.add("x-smpp-host", "smsc.example.com").add("x-smpp-system-id", "esme1");
  auto c = validate_channel_section(channel.view());
  CAPTURE(c.errors, c.warnings);
  REQUIRE(c.ok());
  CHECK(c.warnings.empty());
  CHECK(c.settings->smpp_empty_message == " ");

  driver_settings driver;
  for (const char* name : {"settings", "log-filter", "log-filter-data"}) {
    auto d = validate_driver_section(sections.at(name).view(), driver);
    CAPTURE(name, d.errors, d.warnings);
    REQUIRE(d.ok());
    CHECK(d.warnings.empty());
    driver = *d.settings;
  }
}
