#include "cfg_writer.hpp"

#include <fmt/format.h>

#include <span>

#include "config/option_table.hpp"
#include "config/option_value.hpp"

namespace smsdrv::options_gen {
namespace {

using config::option_def;

constexpr std::string_view header =
    R"(# SmsMmsDriver.cfg - every option of the SMS/MMS channel driver with its default.
# Generated from the driver's option table by smsdrv-options; docs/options.md explains each
# option and how values are checked.
#
# Format: [section], then "option = value" lines; whole-line comments start with # or ;.
# A value in double quotes is taken literally (\" and \\ are escapes); otherwise the blanks
# around it are dropped. Options without a default are commented out: set x-smpp-host and
# x-smpp-system-id at least (an SMPP channel), or x-gateway-type = http with x-http-url,
# x-http-destination-param and x-http-message-param (an HTTP gateway: docs/http.md). Copy the
# [channel-sms1] section once per SMSC connection or HTTP gateway.
)";

std::string comment(const option_def& def) {
  std::string c = fmt::format("# {}", def.meaning);
  if (def.type == config::option_type::integer)
    c += fmt::format(" ({})", config::describe_values(def));
  if (def.type == config::option_type::boolean) c += " (true/false)";
  if (def.type == config::option_type::ton_npi) c += " (0-255 or a name)";
  if (def.type == config::option_type::enumeration) {
    std::string names;
    for (const auto& choice : def.choices)
      names += fmt::format("{}{}", names.empty() ? "" : ", ", choice.name);
    c += fmt::format(" ({})", names);
  }
  if (def.type == config::option_type::error_policy)
    c += " (<status>: fail | retry N [after D] | pause D[-D] [retry N], ...)";
  if (def.required)
    c += config::gateway_of(def) == config::option_gateway::http   ? " [required for HTTP]"
         : config::gateway_of(def) == config::option_gateway::smpp ? " [required for SMPP]"
                                                                   : " [required]";
  if (def.secret) c += " [secret]";
  if (def.scope == config::option_scope::host) c += " [host option]";
  if (!def.supported) c += fmt::format(" [not supported yet: {}]", def.feature);
  return c;
}

// "x-http-param-<N>" -> "x-http-param-1": an indexed family is shown by its first member.
std::string cfg_name(const option_def& def) {
  std::string name(def.name);
  if (def.max_index > 0 && name.ends_with("<N>")) name.replace(name.size() - 3, 3, "1");
  return name;
}

void write_option(std::string& out, const option_def& def) {
  out += comment(def) + '\n';
  const std::string name = cfg_name(def);
  if (def.has_default) {
    std::string value = cfg_value(def.default_value);
    out += value.empty() ? fmt::format("{} =\n", name) : fmt::format("{} = {}\n", name, value);
  } else if (def.example.empty()) {
    out += fmt::format("# {} =\n", name);
  } else {
    out += fmt::format("# {} = {}\n", name, cfg_value(def.example));
  }
}

void write_section(std::string& out, std::string_view name, std::span<const option_def> options) {
  out += fmt::format("\n[{}]\n", name);
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (i > 0) out += '\n';
    write_option(out, options[i]);
  }
}

}  // namespace

std::string cfg_value(std::string_view value) {
  bool quote =
      !value.empty() && (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' ||
                         value.back() == '\t' || value.front() == '"');
  for (char c : value)
    quote = quote || static_cast<unsigned char>(c) < 0x20;
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string render_cfg() {
  std::string out(header);
  write_section(out, "channel-sms1", config::channel_options());
  write_section(out, "settings", config::settings_options());
  write_section(out, "log-filter", config::log_filter_options());
  const option_def& data = config::log_filter_data_option();
  out += "\n[log-filter-data]\n";
  out += fmt::format("# <key> = <rule>: {}\n", data.meaning);
  for (std::string_view key : {"_smsText", "Subject", "FromAddr", "PhoneNumber", "_smsDestNumber"})
    out += fmt::format("# {} = {}\n", key, data.example);
  return out;
}

}  // namespace smsdrv::options_gen
