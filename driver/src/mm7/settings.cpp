#include "mm7/settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "config/option_value.hpp"
#include "config/text_util.hpp"
#include "host/cfg_file.hpp"

namespace smsdrv::mm7 {
namespace {

using config::option_type;
using ms = mms_settings;

constexpr std::string_view masked = "********";

constexpr config::enum_choice encodings[] = {
    {"base64", static_cast<std::int64_t>(transfer_encoding::base64), ""},
    {"binary", static_cast<std::int64_t>(transfer_encoding::binary), "8bit"},
};

std::string url_rule(std::string_view value) {
  auto parsed = parse_http_url(value);
  if (auto* problem = std::get_if<std::string>(&parsed)) return *problem;
  return {};
}

// "5.3.0": three dot-separated numbers (3GPP TS 23.140 §8.1.1 MM7Version).
std::string version_rule(std::string_view value) {
  int numbers = 0;
  std::size_t digits = 0;
  for (char c : value) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && digits > 0) {
      ++numbers;
      digits = 0;
    } else {
      return "must be an MM7 version: three numbers separated by dots, e.g. 5.3.0 or 6.8.0";
    }
  }
  if (digits == 0 || numbers != 2)
    return "must be an MM7 version: three numbers separated by dots, e.g. 5.3.0 or 6.8.0";
  return {};
}

std::string path_rule(std::string_view value) {
  if (value.empty() || value.front() != '/') return "must be an absolute path starting with '/'";
  for (char c : value)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#')
      return "must be a path without blanks, '?' or '#'";
  return {};
}

// The namespace is compared as a string: an absolute URI without blanks.
std::string namespace_rule(std::string_view value) {
  if (value.find(':') == std::string_view::npos)
    return "must be an absolute URI, e.g. " + std::string(rel6_namespace);
  for (char c : value)
    if (static_cast<unsigned char>(c) <= 0x20) return "must be a URI without blanks";
  return {};
}

constexpr auto integer = option_type::integer;
constexpr auto text_type = option_type::text;
constexpr auto boolean = option_type::boolean;

const mms_option table[] = {
    {"mmsc",
     {.name = "url",
      .type = text_type,
      .has_default = false,
      .max = 2048,
      .required = true,
      .example = "https://mmsc.example.net/mm7",
      .meaning = "the MMSC's MM7 URL: every SubmitReq is POSTed there"},
     &ms::url,
     url_rule,
     "http:// or https:// URL"},
    {"mmsc",
     {.name = "failover-url",
      .type = text_type,
      .has_default = false,
      .max = 2048,
      .example = "https://mmsc2.example.net/mm7",
      .meaning = "a second MM7 URL, used while the first cannot be reached"},
     &ms::failover_url,
     url_rule,
     "http:// or https:// URL"},
    {"mmsc",
     {.name = "user",
      .type = text_type,
      .has_default = false,
      .max = 256,
      .example = "vasp1",
      .meaning = "user name of HTTP Basic authentication towards the MMSC (empty: none)"},
     &ms::user},
    {"mmsc",
     {.name = "password",
      .type = text_type,
      .has_default = false,
      .max = 256,
      .secret = true,
      .meaning = "password of HTTP Basic authentication towards the MMSC; never logged"},
     &ms::password},
    {"mmsc",
     {.name = "mm7-version",
      .type = option_type::ascii,
      .default_value = rel6_version,
      .max = 16,
      .meaning = "MM7Version of every request; 5.3.0 and 6.8.0 imply their namespace"},
     &ms::mm7_version,
     version_rule,
     "X.Y.Z"},
    {"mmsc",
     {.name = "namespace",
      .type = text_type,
      .has_default = false,
      .max = 512,
      .example = rel5_namespace,
      .meaning = "MM7 schema namespace (empty: REL-5-MM7-1-0 for 5.3.0, REL-6-MM7-1-4 for 6.8.0; "
                 "required for any other version)"},
     &ms::xml_namespace,
     namespace_rule,
     "absolute URI"},
    {"mmsc",
     {.name = "vasp-id",
      .type = text_type,
      .has_default = false,
      .max = 256,
      .example = "vasp1",
      .meaning = "VASPID of SenderIdentification (empty: left out)"},
     &ms::vasp_id},
    {"mmsc",
     {.name = "vas-id",
      .type = text_type,
      .has_default = false,
      .max = 256,
      .example = "service1",
      .meaning = "VASID of SenderIdentification (empty: left out)"},
     &ms::vas_id},
    {"mmsc",
     {.name = "service-code",
      .type = text_type,
      .has_default = false,
      .max = 256,
      .example = "gold-sp33-im42",
      .meaning = "ServiceCode of every SubmitReq, for the MMSC's billing (empty: left out)"},
     &ms::service_code},
    {"mmsc",
     {.name = "sender",
      .type = text_type,
      .has_default = false,
      .max = 256,
      .example = "12345",
      .meaning = "SenderAddress when a SendMMS gives none: a number, or an e-mail address when "
                 "it has an '@' (empty: left out, the MMSC decides)"},
     &ms::sender},
    {"mmsc",
     {.name = "transfer-encoding",
      .type = option_type::enumeration,
      .default_value = "base64",
      .choices = encodings,
      .meaning = "how binary parts travel: base64 (every MMSC reads it) or binary (a third "
                 "smaller)"},
     &ms::encoding},
    {"mmsc",
     {.name = "delivery-report",
      .type = boolean,
      .default_value = "false",
      .meaning = "ask for a delivery report of every SendMMS (a request may say otherwise)"},
     &ms::delivery_report},
    {"mmsc",
     {.name = "read-reply",
      .type = boolean,
      .default_value = "false",
      .meaning = "ask for a read reply of every SendMMS (a request may say otherwise)"},
     &ms::read_reply},
    {"mmsc",
     {.name = "connect-timeout",
      .type = integer,
      .default_value = "10",
      .min = 1,
      .max = 300,
      .unit = "seconds",
      .meaning = "longest wait for the connection (and TLS handshake) to the MMSC"},
     &ms::connect_timeout},
    {"mmsc",
     {.name = "response-timeout",
      .type = integer,
      .default_value = "60",
      .min = 1,
      .max = 3600,
      .unit = "seconds",
      .meaning = "longest wait for the SubmitRsp once the SubmitReq is sent; then the outcome "
                 "is unknown"},
     &ms::response_timeout},
    {"mmsc",
     {.name = "max-in-flight",
      .type = integer,
      .default_value = "10",
      .min = 1,
      .max = 1000,
      .meaning = "SubmitReq sent and not yet answered, at most (one HTTP connection each)"},
     &ms::max_in_flight},
    {"mmsc",
     {.name = "max-rate",
      .type = integer,
      .default_value = "0",
      .min = 0,
      .max = 100000,
      .unit = "per second",
      .meaning = "SubmitReq per second, at most (0: no limit but max-in-flight)"},
     &ms::max_rate},
    {"listener",
     {.name = "port",
      .type = integer,
      .has_default = false,
      .min = 1,
      .max = 65535,
      .example = "8080",
      .meaning = "TCP port where the MMSC's DeliverReq, DeliveryReportReq and ReadReplyReq "
                 "arrive (not given: no listener)"},
     &ms::listen_port},
    {"listener",
     {.name = "address",
      .type = option_type::host,
      .default_value = "0.0.0.0",
      .max = 253,
      .meaning = "local address the listener binds to"},
     &ms::listen_address},
    {"listener",
     {.name = "path",
      .type = text_type,
      .default_value = "/mm7",
      .max = 1024,
      .meaning = "the path the MMSC POSTs to; any other path is answered 404"},
     &ms::listen_path,
     path_rule,
     "absolute path"},
    {"listener",
     {.name = "user",
      .type = text_type,
      .has_default = false,
      .max = 256,
      .example = "mmsc",
      .meaning = "user name the MMSC must present (HTTP Basic); empty: no authentication"},
     &ms::listen_user},
    {"listener",
     {.name = "password",
      .type = text_type,
      .has_default = false,
      .max = 256,
      .secret = true,
      .meaning = "password the MMSC must present; never logged"},
     &ms::listen_password},
    {"listener",
     {.name = "tls-certificate",
      .type = option_type::path,
      .has_default = false,
      .max = 4096,
      .example = "/etc/smsmms/mm7-listener.pem",
      .meaning = "PEM file with the listener's certificate chain: the listener speaks HTTPS "
                 "(not given: plain HTTP)"},
     &ms::tls_certificate},
    {"listener",
     {.name = "tls-key",
      .type = option_type::path,
      .has_default = false,
      .max = 4096,
      .example = "/etc/smsmms/mm7-listener.key",
      .meaning = "PEM file with the private key of tls-certificate"},
     &ms::tls_key},
    {"listener",
     {.name = "tls-key-password",
      .type = text_type,
      .has_default = false,
      .max = 1024,
      .secret = true,
      .meaning = "password of tls-key when it is encrypted; never logged"},
     &ms::tls_key_password},
    {"listener",
     {.name = "ack-timeout",
      .type = integer,
      .default_value = "30",
      .min = 1,
      .max = 3600,
      .unit = "seconds",
      .meaning = "how long the host may take to take a DeliverReq; then the MMSC is told to "
                 "retry (never success)"},
     &ms::ack_timeout},
    {"listener",
     {.name = "request-timeout",
      .type = integer,
      .default_value = "30",
      .min = 1,
      .max = 3600,
      .unit = "seconds",
      .meaning = "longest time an MMSC may take to send one request; then the connection is "
                 "closed"},
     &ms::request_timeout},
    {"listener",
     {.name = "max-connections",
      .type = integer,
      .default_value = "64",
      .min = 1,
      .max = 10000,
      .meaning = "connections from MMSCs open at once, at most; more wait to be accepted"},
     &ms::max_connections},
    {"limits",
     {.name = "max-message-size",
      .type = integer,
      .default_value = "1048576",
      .min = 1024,
      .max = 104857600,
      .unit = "bytes",
      .meaning = "largest MM7 request body either way: a bigger SendMMS is refused, a bigger "
                 "DeliverReq answered 413"},
     &ms::max_message_size},
    {"limits",
     {.name = "max-parts",
      .type = integer,
      .default_value = "100",
      .min = 1,
      .max = 1000,
      .meaning = "most parts in one message either way"},
     &ms::max_parts},
};

constexpr std::string_view sections[] = {"mmsc", "listener", "limits"};

template <class T>
struct is_duration : std::false_type {};
template <class R, class P>
struct is_duration<std::chrono::duration<R, P>> : std::true_type {};

// Stores a checked value into its member; the table's types are tested to fit (unit tests
// validate every default).
void store(mms_settings& s, const mms_field& field, config::typed_value&& v, std::string_view raw) {
  std::visit(
      [&](auto member) {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, std::monostate>) {
          return;
        } else {
          auto& target = s.*member;
          using T = std::remove_reference_t<decltype(target)>;
          if constexpr (std::is_same_v<T, http_url>) {
            target = std::get<http_url>(parse_http_url(raw));
          } else if constexpr (std::is_same_v<T, std::optional<http_url>>) {
            target = std::get<http_url>(parse_http_url(raw));
          } else if constexpr (std::is_same_v<T, bool>) {
            target = std::get<bool>(v);
          } else if constexpr (std::is_same_v<T, std::string>) {
            target = std::move(std::get<std::string>(v));
          } else if constexpr (is_duration<T>::value) {
            target = T(std::get<std::int64_t>(v));
          } else {
            target = static_cast<T>(std::get<std::int64_t>(v));
          }
        }
      },
      field);
}

class checker {
 public:
  checker(std::string source, mms_settings_result& out) : source_(std::move(source)), out_(out) {}

  std::string where(std::uint32_t line) const {
    if (line == 0) return fmt::format("{}: ", config::printable(source_, std::string_view::npos));
    return fmt::format("{}:{}: ", config::printable(source_, std::string_view::npos), line);
  }

  void error(std::uint32_t line, std::string_view section, const config::option_def& def,
             std::string_view raw, std::string_view rule) {
    std::string shown = def.secret && !raw.empty() ? std::string(masked) : config::printable(raw);
    out_.errors.push_back(
        fmt::format("{}[{}] {} = '{}': {}", where(line), section, def.name, shown, rule));
  }

  void error(std::uint32_t line, std::string_view section, std::string_view key,
             std::string_view rule) {
    out_.errors.push_back(fmt::format("{}[{}] {}: {}", where(line), section, key, rule));
  }

  void warning(std::uint32_t line, std::string_view text) {
    out_.warnings.push_back(where(line) + std::string(text));
  }

 private:
  std::string source_;
  mms_settings_result& out_;
};

const mms_option* find(std::string_view section, std::string_view key) {
  for (const auto& row : table)
    if (row.section == section && row.def.name == key) return &row;
  return nullptr;
}

std::string unknown_key_text(std::string_view section, std::string_view key) {
  for (const auto& row : table)
    if (row.def.name == key)
      return fmt::format("[{}] {}: unknown key in this section, ignored (it belongs in [{}])",
                         section, config::printable(key), row.section);
  std::string_view best;
  std::size_t best_distance = 3;
  for (const auto& row : table) {
    if (row.section != section) continue;
    std::size_t d = config::edit_distance(key, row.def.name);
    if (d < best_distance) {
      best_distance = d;
      best = row.def.name;
    }
  }
  if (best.empty())
    return fmt::format("[{}] {}: unknown key, ignored", section, config::printable(key));
  return fmt::format("[{}] {}: unknown key, ignored (did you mean '{}'?)", section,
                     config::printable(key), best);
}

bool known_section(std::string_view name) {
  return std::find(std::begin(sections), std::end(sections), name) != std::end(sections);
}

// The line of key in section, 0 when not given.
std::uint32_t line_of(const host::cfg_file& file, std::string_view section, std::string_view key) {
  if (const auto* s = file.find(section))
    if (const auto* o = s->find(key)) return o->line;
  return 0;
}

bool given(const host::cfg_file& file, std::string_view section, std::string_view key) {
  if (const auto* s = file.find(section)) return s->find(key) != nullptr;
  return false;
}

void check_rules_between_keys(const host::cfg_file& file, mms_settings& s, checker& report) {
  // 3GPP TS 23.140 Annex L: the namespace follows the release of the version.
  if (!given(file, "mmsc", "namespace") || s.xml_namespace.empty()) {
    if (s.mm7_version == rel5_version)
      s.xml_namespace = std::string(rel5_namespace);
    else if (s.mm7_version == rel6_version)
      s.xml_namespace = std::string(rel6_namespace);
    else
      report.error(line_of(file, "mmsc", "mm7-version"), "mmsc", "namespace",
                   fmt::format("required with mm7-version {} (only 5.3.0 and 6.8.0 imply theirs)",
                               config::printable(s.mm7_version)));
  }
  if (!s.password.empty() && s.user.empty())
    report.error(line_of(file, "mmsc", "password"), "mmsc", "password",
                 "given without user: HTTP Basic needs both");
  if (s.failover_url && *s.failover_url == s.url)
    report.error(line_of(file, "mmsc", "failover-url"), "mmsc", "failover-url",
                 "is the same as url");

  const auto* listener = file.find("listener");
  s.listener_enabled = given(file, "listener", "port");
  if (listener && !listener->options.empty() && !s.listener_enabled)
    report.error(listener->line, "listener", "port",
                 "required when [listener] has keys (without it the driver does not listen)");
  if (!s.listen_password.empty() && s.listen_user.empty())
    report.error(line_of(file, "listener", "password"), "listener", "password",
                 "given without user: HTTP Basic needs both");
  if (s.tls_certificate.empty() != s.tls_key.empty())
    report.error(line_of(file, "listener", s.tls_key.empty() ? "tls-certificate" : "tls-key"),
                 "listener", s.tls_key.empty() ? "tls-key" : "tls-certificate",
                 "tls-certificate and tls-key go together");
  if (!s.tls_key_password.empty() && s.tls_key.empty())
    report.error(line_of(file, "listener", "tls-key-password"), "listener", "tls-key-password",
                 "given without tls-key");
  if (s.listener_enabled && s.listen_user.empty())
    report.warning(line_of(file, "listener", "port"),
                   "[listener] user: not set, so the listener accepts requests from anyone who "
                   "can reach it");
}

}  // namespace

std::span<const mms_option> mms_settings_table() {
  return table;
}

mms_settings_result parse_mms_settings(std::string_view text, std::string source) {
  mms_settings_result out;
  checker report(source, out);
  host::cfg_file file;
  try {
    file = host::parse_cfg(text, source);
  } catch (const host::cfg_error& e) {
    for (const auto& p : e.problems())
      out.errors.push_back(report.where(p.line) + p.text);
    return out;
  }

  mms_settings s;
  s.source = source;
  std::set<const mms_option*> seen;
  for (const auto& section : file.sections) {
    if (!known_section(section.name)) {
      report.warning(section.line,
                     fmt::format("[{}]: unknown section, ignored (the sections are [mmsc], "
                                 "[listener] and [limits])",
                                 config::printable(section.name)));
      continue;
    }
    for (const auto& option : section.options) {
      const mms_option* row = find(section.name, option.key);
      if (!row) {
        report.warning(option.line, unknown_key_text(section.name, option.key));
        continue;
      }
      seen.insert(row);
      if (!row->def.has_default && option.value.empty()) {  // empty: not set
        if (row->def.required)
          report.error(option.line, section.name, row->def.name, "required, must not be empty");
        continue;
      }
      config::value_check checked = config::check_value(row->def, option.value);
      std::string problem = checked.problem;
      if (problem.empty() && row->rule) problem = row->rule(option.value);
      if (!problem.empty()) {
        report.error(option.line, section.name, row->def, option.value, problem);
        continue;
      }
      store(s, row->field, std::move(checked.value), option.value);
    }
  }
  for (const auto& row : table) {
    if (seen.count(&row) != 0) continue;
    if (row.def.required) report.error(0, row.section, row.def.name, "required, not given");
    if (!row.def.has_default) continue;
    config::value_check checked = config::check_value(row.def, row.def.default_value);
    if (checked.problem.empty())
      store(s, row.field, std::move(checked.value), row.def.default_value);
    else
      report.error(0, row.section, row.def.name, "internal error: the default is refused");
  }
  if (!out.errors.empty()) return out;
  check_rules_between_keys(file, s, report);
  if (out.errors.empty()) out.settings = std::move(s);
  return out;
}

mms_settings_result read_mms_settings(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    mms_settings_result out;
    out.errors.push_back(fmt::format("{}: cannot be read: {}",
                                     config::printable(path, std::string_view::npos),
                                     std::strerror(errno)));
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_mms_settings(text.str(), path);
}

}  // namespace smsdrv::mm7
