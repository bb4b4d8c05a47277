#include "mms_writer.hpp"

#include <fmt/format.h>

#include <string_view>

#include "cfg_writer.hpp"
#include "config/option_value.hpp"
#include "mm7/settings.hpp"

namespace smsdrv::options_gen {
namespace {

constexpr std::string_view cfg_header =
    R"(# mms.cfg - the MMS settings of one channel, named by its x-jsms-config-file option.
# Generated from the driver's table by smsdrv-options; docs/mms.md explains MMS over MM7 and
# docs/mms-settings.md every key.
#
# Same format as SmsMmsDriver.cfg: [section], "key = value", whole-line comments with # or ;.
# Keys without a default are commented out; url is required. Passwords are never logged.
)";

constexpr std::string_view sections[] = {"mmsc", "listener", "limits"};

constexpr std::string_view section_meaning(std::string_view s) {
  if (s == "mmsc") return "the MMSC's MM7 interface: where SendMMS goes (SubmitReq)";
  if (s == "listener")
    return "where the MMSC sends DeliverReq, DeliveryReportReq and ReadReplyReq (optional: "
           "without port the driver does not listen)";
  return "sizes, both ways";
}

std::string comment(const mm7::mms_option& row) {
  const auto& def = row.def;
  std::string c = fmt::format("# {}", def.meaning);
  if (def.type == config::option_type::integer || def.type == config::option_type::enumeration)
    c += fmt::format(" ({})", config::describe_values(def));
  if (def.type == config::option_type::boolean) c += " (true/false)";
  if (def.required) c += " [required]";
  if (def.secret) c += " [secret]";
  return c;
}

}  // namespace

std::string render_mms_cfg() {
  std::string out(cfg_header);
  for (std::string_view section : sections) {
    out += fmt::format("\n# [{}]: {}\n[{}]\n", section, section_meaning(section), section);
    bool first = true;
    for (const auto& row : mm7::mms_settings_table()) {
      if (row.section != section) continue;
      if (!first) out += '\n';
      first = false;
      out += comment(row) + '\n';
      const auto& def = row.def;
      // [listener] is optional and its keys need port: all commented out, defaults shown.
      if (section == "listener") {
        std::string value = cfg_value(def.has_default ? def.default_value : def.example);
        out += fmt::format("# {} ={}{}\n", def.name, value.empty() ? "" : " ", value);
      } else if (def.required && !def.example.empty())
        out += fmt::format("{} = {}\n", def.name, cfg_value(def.example));
      else if (def.has_default)
        out += fmt::format("{} = {}\n", def.name, cfg_value(def.default_value));
      else
        out += fmt::format("# {} ={}{}\n", def.name, def.example.empty() ? "" : " ",
                           cfg_value(def.example));
    }
  }
  return out;
}

std::string render_mms_markdown() {
  std::string out =
      "# MMS settings file reference\n\n"
      "Every key of the MMS settings file that a channel's `x-jsms-config-file` names, generated "
      "by `smsdrv-options mms-md` from the table in `driver/src/mm7/settings.cpp` (the shipped "
      "example `cfg/mms.cfg` comes from the same table). [mms.md](mms.md) explains MMS over "
      "MM7, the format and how values are checked.\n";
  for (std::string_view section : sections) {
    out += fmt::format("\n## [{}]\n\n{}.\n\n", section, section_meaning(section));
    out += "| key | values | default | meaning |\n|---|---|---|---|\n";
    for (const auto& row : mm7::mms_settings_table()) {
      if (row.section != section) continue;
      const auto& def = row.def;
      std::string values =
          row.values.empty() ? config::describe_values(def) : std::string(row.values);
      std::string flags;
      if (def.required) flags += " *required*";
      if (def.secret) flags += " *secret*";
      std::string shown_default =
          def.has_default ? fmt::format("`{}`", def.default_value) : std::string("—");
      out += fmt::format("| `{}` | {} | {} | {}{} |\n", def.name, values, shown_default,
                         def.meaning, flags);
    }
  }
  return out;
}

}  // namespace smsdrv::options_gen
