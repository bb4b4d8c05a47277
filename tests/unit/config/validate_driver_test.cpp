#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/validate.hpp"
#include "section_builder.hpp"

using namespace smsdrv::config;
using smsdrv::config::test::section_builder;
using list = std::vector<std::string>;

namespace {

validation_result<driver_settings> validate(section_builder s, const driver_settings& base = {}) {
  return validate_driver_section(s.view(), base);
}

}  // namespace

TEST_CASE("driver-wide sections at their defaults are accepted") {
  auto r = validate(section_builder(
      "settings", {{"logging-filter-active", "false"},
                   {"logging-filter-spec",
                    "./media-channel-drivers/channel-smsmms/logging-filter-smsmms.json"}}));
  REQUIRE(r.ok());
  CHECK_FALSE(r.settings->logging_filter_active);
  CHECK(r.settings->logging_filter_spec ==
        "./media-channel-drivers/channel-smsmms/logging-filter-smsmms.json");

  auto empty = validate(section_builder("settings", {}));
  REQUIRE(empty.ok());
  CHECK(empty.settings->logging_filter_spec ==
        "./media-channel-drivers/channel-smsmms/logging-filter-smsmms.json");

  auto lf = validate(section_builder("log-filter", {{"default-filter-type", "copy"}}));
  REQUIRE(lf.ok());
  CHECK(lf.settings->default_filter_type == filter_rule{});

  driver_settings base;
  base.log_filter_data = {{"old", filter_rule{}}};
  auto data = validate(
      section_builder("log-filter-data", {{"_smsText", "copy"}, {"Subject", "COPY"}}), base);
  REQUIRE(data.ok());
  CHECK(data.settings->log_filter_data ==
        std::vector<std::pair<std::string, filter_rule>>{{"_smsText", {}}, {"Subject", {}}});
}

TEST_CASE("log masking options take their values") {
  auto settings = validate(section_builder(
      "settings", {{"logging-filter-active", "yes"}, {"logging-filter-spec", "/etc/spec.json"}}));
  REQUIRE(settings.ok());
  CHECK(settings.settings->logging_filter_active);
  CHECK(settings.settings->logging_filter_spec == "/etc/spec.json");

  auto lf = validate(section_builder("log-filter", {{"default-filter-type", "hide"}}));
  REQUIRE(lf.ok());
  CHECK(lf.settings->default_filter_type == filter_rule{filter_kind::hide, 0});

  auto data = validate(section_builder(
      "log-filter-data",
      {{"_smsText", "hide-last,4"}, {"PhoneNumber", "Unhide_First, 3"}, {"x-ref", "skip"}}));
  REQUIRE(data.ok());
  CHECK(data.settings->log_filter_data == std::vector<std::pair<std::string, filter_rule>>{
                                              {"_smsText", {filter_kind::hide_last, 4}},
                                              {"PhoneNumber", {filter_kind::unhide_first, 3}},
                                              {"x-ref", {filter_kind::skip, 0}}});
}

TEST_CASE("driver-wide sections report bad values, duplicates and unknown options") {
  auto r = validate(section_builder(
      "log-filter-data", {{"_smsText", "mask"}, {"Subject", "copy"}, {"Subject", "copy"}},
      "dms.cfg", 7));
  CHECK(r.errors ==
        list{"dms.cfg:7: [log-filter-data] _smsText = 'mask': must be copy, hide, skip, "
             "hide-first,N, hide-last,N, unhide-first,N or unhide-last,N (N from 1 to 65535)",
             "dms.cfg:9: [log-filter-data] Subject = 'copy': given twice (lines 8 and 9); keep "
             "one"});

  auto w = validate(
      section_builder("settings", {{"logging-filter-activ", "false"}, {"x-smpp-host", "smsc"}}));
  CHECK(w.ok());
  CHECK(w.warnings ==
        list{"[settings] logging-filter-activ: unknown option, ignored (did you mean "
             "'logging-filter-active'?)",
             "[settings] x-smpp-host: unknown option in this section, ignored (it belongs in a "
             "[channel-<name>] section)"});

  CHECK(validate(section_builder("channel-sms1", {})).errors ==
        list{"[channel-sms1] (section): not a driver-wide section (expected [settings], "
             "[log-filter] or [log-filter-data])"});
}
