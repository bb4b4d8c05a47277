#include "host/log_privacy.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/option_table.hpp"

using namespace smsdrv::host;

namespace {

struct user_data {
  std::vector<const char*> keys, values;
  user_data(std::initializer_list<std::pair<const char*, const char*>> kv) {
    for (const auto& [k, v] : kv) {
      keys.push_back(k);
      values.push_back(v);
    }
  }
  uint32_t count() const { return static_cast<uint32_t>(keys.size()); }
};

std::string error_of(const std::string& cfg) {
  try {
    read_masking(parse_cfg(cfg, "dms.cfg"));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("host masking: the sections the drivers get, read the same way", "[log-privacy]") {
  const auto m = read_masking(
      parse_cfg("[log-filter]\ndefault-filter-type = copy\n[log-filter-data]\n_smsText = hide\n"
                "_smsDestNumber = unhide-last,4\nx-ref = skip\n",
                "dms.cfg"));
  const user_data d{{"_smsDestNumber", "4917612345678"},
                    {"_smsText", "Hello \"you\"\n"},
                    {"x-ref", "C-1"},
                    {"extraopt", "{tlvItems:[]}"},
                    {"x-api-password", "pw"}};
  CHECK(masked_pairs(*m, d.count(), d.keys.data(), d.values.data()) ==
        "{_smsDestNumber=\"*********5678\", _smsText=\"****\", extraopt=\"{tlvItems:[]}\", "
        "x-api-password=\"****\"}");
  CHECK(masked_text(*m, "_smsDestNumber '4917612345678' has 13 characters; ref C-1", d.count(),
                    d.keys.data(), d.values.data()) ==
        "_smsDestNumber '*********5678' has 13 characters; ref ****");
  const user_data escaped{{"k", "a\"b\\c\x01"}};
  CHECK(masked_pairs(*m, 1, escaped.keys.data(), escaped.values.data()) ==
        "{k=\"a\\\"b\\\\c\\x01\"}");
}

TEST_CASE("host masking: the spec file when logging-filter-active", "[log-privacy]") {
  const std::string spec = "/tmp/smsdrv-host-spec-test.json";
  std::ofstream(spec) << R"({"keys": {"FromAddr": "hide"},
      "patterns": [{"name": "n", "regex": "[0-9]{6,}", "filter": "hide"}]})";
  const auto m = read_masking(parse_cfg(
      "[settings]\nlogging-filter-active = Yes\nlogging-filter-spec = " + spec + "\n", "dms.cfg"));
  CHECK(m->value("FromAddr", "4915550002") == "****");
  CHECK(m->line("id 123456") == "id ****");
  const auto off = read_masking(
      parse_cfg("[settings]\nlogging-filter-active = false\nlogging-filter-spec = " + spec + "\n",
                "dms.cfg"));
  CHECK(off->value("FromAddr", "4915550002") == "4915550002");
  std::remove(spec.c_str());
  CHECK(error_of("[settings]\nlogging-filter-active = maybe\n") ==
        "dms.cfg:2: [settings] logging-filter-active = \"maybe\": must be true or false");
  CHECK(error_of("[log-filter-data]\n_smsText = blur\n") ==
        "dms.cfg:2: [log-filter-data] _smsText = \"blur\": must be copy, hide, skip, "
        "hide-first,N, hide-last,N, unhide-first,N or unhide-last,N");
  CHECK(
      error_of("[settings]\nlogging-filter-active = true\nlogging-filter-spec = /nonexistent\n") ==
      "logging-filter-spec: /nonexistent: cannot be read: No such file or directory");
}

TEST_CASE("host masking: dms-stub's default spec path is the driver's", "[log-privacy]") {
  const auto* row =
      smsdrv::config::find_option(smsdrv::config::settings_options(), "logging-filter-spec");
  REQUIRE(row);
  CHECK(row->default_value == default_filter_spec);
}
