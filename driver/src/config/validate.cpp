#include "config/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <type_traits>

#include "config/option_table.hpp"
#include "config/option_value.hpp"
#include "config/text_util.hpp"
#include "http/gateway_url.hpp"
#include "http/response_classifier.hpp"

namespace smsdrv::config {
namespace {

constexpr std::string_view channel_prefix = "channel-";
constexpr std::string_view masked = "********";

template <class M>
struct member_traits;
template <class T, class C>
struct member_traits<T C::*> {
  using type = T;
  using owner = C;
};

template <class T>
struct is_duration : std::false_type {};
template <class R, class P>
struct is_duration<std::chrono::duration<R, P>> : std::true_type {};

// Moves v into target when the table row's value type fits the member; false when it does not
// (a mistake in the table, caught by the unit tests that validate every default).
template <class T>
bool assign(T& target, typed_value&& v) {
  if constexpr (std::is_same_v<T, bool>) {
    if (auto* b = std::get_if<bool>(&v)) {
      target = *b;
      return true;
    }
  } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    if (auto* n = std::get_if<std::int64_t>(&v)) {
      target = static_cast<T>(*n);
      return true;
    }
  } else if constexpr (std::is_same_v<T, std::vector<http_param>>) {
    return false;  // an indexed family, stored by validate_channel_section's sink
  } else if constexpr (is_duration<T>::value) {
    if (auto* n = std::get_if<std::int64_t>(&v)) {
      target = T(*n);
      return true;
    }
  } else {
    if (auto* x = std::get_if<T>(&v)) {
      target = std::move(*x);
      return true;
    }
  }
  return false;
}

template <class Settings>
bool store(Settings& settings, const settings_field& field, typed_value&& v) {
  return std::visit(
      [&](auto member) {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, std::monostate>) {
          return true;
        } else if constexpr (std::is_same_v<typename member_traits<M>::owner, Settings>) {
          return assign(settings.*member, std::move(v));
        } else {
          return false;
        }
      },
      field);
}

// Kept whole but printable: a rule that quotes part of the value (a TLV spec's bad token), and
// what names the place: file path, section, option. Only values are cut (printable()).
std::string whole(std::string_view text) {
  return printable(text, std::string_view::npos);
}

// Builds the messages of one section in the documented format.
class reporter {
 public:
  reporter(const section_view& s, std::vector<std::string>& errors,
           std::vector<std::string>& warnings)
      : s_(s), errors_(errors), warnings_(warnings) {}

  std::uint32_t line(std::size_t i) const { return i < s_.lines.size() ? s_.lines[i] : 0; }

  void error(std::uint32_t at, std::string_view option, std::string_view shown_value,
             std::string_view rule) {
    errors_.push_back(fmt::format("{}[{}] {} = '{}': {}", location(at), whole(s_.name),
                                  whole(option), shown_value, whole(rule)));
  }

  void error(std::uint32_t at, std::string_view option, std::string_view rule) {
    errors_.push_back(
        fmt::format("{}[{}] {}: {}", location(at), whole(s_.name), whole(option), whole(rule)));
  }

  void warning(std::uint32_t at, std::string_view option, std::string_view rule) {
    warnings_.push_back(
        fmt::format("{}[{}] {}: {}", location(at), whole(s_.name), whole(option), whole(rule)));
  }

  std::string location(std::uint32_t at) const {
    if (!s_.source.empty() && at != 0) return fmt::format("{}:{}: ", whole(s_.source), at);
    if (!s_.source.empty()) return fmt::format("{}: ", whole(s_.source));
    if (at != 0) return fmt::format("line {}: ", at);
    return {};
  }

 private:
  const section_view& s_;
  std::vector<std::string>& errors_;
  std::vector<std::string>& warnings_;
};

std::string shown_value(const option_def& def, std::string_view raw) {
  if (def.secret && !raw.empty()) return std::string(masked);
  if (def.type == option_type::path) return whole(raw);
  // A URL may carry an access token or a password: shown with them masked.
  if (def.type == option_type::url || def.type == option_type::proxy_url ||
      def.type == option_type::redis_url)
    return printable(http::masked_url(raw), 200);
  return printable(raw);
}

struct other_section {
  std::span<const option_def> table;
  std::string_view label;
};

// "unknown option, ignored (did you mean 'x-smpp-host'?)" or, for an option of another
// section, where it belongs.
std::string unknown_option_rule(std::string_view key, std::span<const option_def> table,
                                std::span<const other_section> others) {
  for (const auto& other : others)
    if (find_option(other.table, key))
      return fmt::format("unknown option in this section, ignored (it belongs in {})", other.label);
  std::string_view best;
  std::size_t best_distance = 3;
  for (const auto& row : table) {
    // The distance is at least the difference in length: skip names that cannot be close.
    std::size_t longer = std::max(key.size(), row.name.size());
    if (longer - std::min(key.size(), row.name.size()) >= best_distance) continue;
    std::size_t d = edit_distance(key, row.name);
    if (d < best_distance) {
      best_distance = d;
      best = row.name;
    }
  }
  if (best.empty()) return "unknown option, ignored";
  return fmt::format("unknown option, ignored (did you mean '{}'?)", best);
}

std::string supported_choices(const option_def& def) {
  std::string out;
  for (const auto& c : def.choices) {
    if (!c.supported) continue;
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

// The rule a checked value breaks because its feature is not there yet, or "".
std::string not_supported_rule(const option_def& def, const value_check& checked) {
  if (!def.supported) {
    if (def.has_default && check_value(def, def.default_value).value == checked.value) return {};
    if (!def.has_default)
      return fmt::format("{} is not supported yet by this driver version ({}); remove it", def.name,
                         def.feature);
    return fmt::format(
        "{} is not supported yet by this driver version ({}); remove it or set the default '{}'",
        def.name, def.feature, def.default_value);
  }
  if (checked.choice && !checked.choice->supported)
    return fmt::format("{} is not supported yet by this driver version ({}); use {}",
                       checked.choice->name, def.feature, supported_choices(def));
  return {};
}

using value_sink =
    std::function<bool(std::string_view key, const option_def& def, typed_value&& value)>;

struct section_rules {
  std::span<const option_def> table;
  const option_def* any_key = nullptr;  // every key is this option ([log-filter-data])
  std::span<const other_section> others;
  // A channel's kind: its options marked required are required; nullopt when x-gateway-type
  // itself is wrong (then no kind's options are asked for).
  std::optional<option_gateway> gateway = option_gateway::any;
};

bool is_required(const option_def& def, const section_rules& rules) {
  if (!def.required || !rules.gateway) return false;
  const option_gateway kind = gateway_of(def);
  return kind == option_gateway::any || kind == *rules.gateway;
}

// An indexed family's N: 1 to max_index, written without leading zeros.
std::string index_problem(const option_def& def, std::string_view key) {
  const auto n = option_index(def, key);
  const std::string_view digits = key.substr(def.name.size() - 3);
  if (n && *n >= 1 && *n <= def.max_index && digits.front() != '0') return {};
  return fmt::format("the <N> of {} must be a whole number from 1 to {} without leading zeros",
                     def.name, def.max_index);
}

bool arrays_consistent(const section_view& s, reporter& report) {
  if (s.keys.size() == s.values.size() && (s.lines.empty() || s.lines.size() == s.keys.size()))
    return true;
  report.error(0, "(section)",
               fmt::format("internal error: {} keys, {} values and {} line numbers given",
                           s.keys.size(), s.values.size(), s.lines.size()));
  return false;
}

// What apply_section saw, for the rules between options.
struct applied {
  std::map<std::string_view, std::uint32_t> lines;  // line of each option given (0: unknown)
  std::set<std::string_view> refused;               // options with an error of their own
};

// Checks and stores every given value, then the defaults of the options not given.
applied apply_section(const section_view& s, const section_rules& rules, reporter& report,
                      const value_sink& sink) {
  std::map<std::string_view, std::size_t> first_index;
  applied seen;
  for (std::size_t i = 0; i < s.keys.size(); ++i) {
    std::string_view key = s.keys[i];
    std::string_view raw = s.values[i];
    std::uint32_t at = report.line(i);
    const option_def* def = rules.any_key ? rules.any_key : find_option(rules.table, key);
    if (!def) {
      report.warning(at, key, unknown_option_rule(key, rules.table, rules.others));
      continue;
    }
    if (auto [it, inserted] = first_index.emplace(key, i); !inserted) {
      seen.refused.insert(key);
      std::uint32_t first_line = report.line(it->second);
      report.error(at, key, shown_value(*def, raw),
                   first_line != 0 && at != 0
                       ? fmt::format("given twice (lines {} and {}); keep one", first_line, at)
                       : std::string("given twice; keep one"));
      continue;
    }
    seen.lines.emplace(key, at);
    std::string problem;
    value_check checked;
    if (def->max_index > 0) problem = index_problem(*def, key);
    if (problem.empty() && !def->has_default && raw.empty()) {
      if (!is_required(*def, rules)) continue;
      problem = "is required";
    } else if (problem.empty()) {
      checked = check_value(*def, raw);
      problem = checked.problem.empty() ? not_supported_rule(*def, checked) : checked.problem;
    }
    if (problem.empty() && !sink(key, *def, std::move(checked.value)))
      problem = "internal error: the option table stores this value in a member of another type";
    if (!problem.empty()) {
      seen.refused.insert(key);
      report.error(at, key, shown_value(*def, raw), problem);
    }
  }
  for (const auto& def : rules.table) {
    if (first_index.contains(def.name) || def.max_index > 0) continue;
    if (is_required(def, rules)) {
      report.error(0, def.name, "required option is missing");
      continue;
    }
    if (!def.has_default) continue;
    value_check checked = check_value(def, def.default_value);
    if (!checked.problem.empty() || !sink(def.name, def, std::move(checked.value)))
      report.error(0, def.name, printable(def.default_value),
                   "internal error: the default of this option is not valid");
  }
  return seen;
}

// mutual needs our key and certificate; TLS options without TLS are a forgotten x-smpp-tls-mode
// (the link would silently go out in plain TCP), so they are pointed out. Whether the file can
// be read and opened with its passwords is checked by the driver (io/tls_client.hpp).
void check_tls_rules(const channel_settings& c, const applied& seen, reporter& report) {
  constexpr std::string_view mode = "x-smpp-tls-mode";
  constexpr std::string_view path = "x-smpp-tls-path-to-certificate";
  auto line_of = [&](std::string_view option) {
    auto it = seen.lines.find(option);
    return it == seen.lines.end() ? 0u : it->second;
  };
  if (seen.refused.contains(mode)) return;
  if (c.smpp_tls_mode == tls_mode::mutual && c.smpp_tls_path_to_certificate.empty() &&
      !seen.refused.contains(path)) {
    report.error(
        line_of(mode), mode, "mutual",
        fmt::format("needs {}: a PKCS#12 file with our private key and certificate", path));
  }
  if (c.smpp_tls_mode != tls_mode::none) return;
  const std::pair<std::string_view, bool> set[] = {
      {path, !c.smpp_tls_path_to_certificate.empty()},
      {"x-smpp-tls-certificate-file-password", !c.smpp_tls_certificate_file_password.empty()},
      {"x-smpp-tls-certificate-password", !c.smpp_tls_certificate_password.empty()},
      {"x-smpp-tls-host-name", !c.smpp_tls_host_name.empty()},
      {"x-smpp-tls-version", c.smpp_tls_version != tls_version::tls1_2},
      {"x-smpp-tls-verification", c.smpp_tls_verification != tls_verification::full},
  };
  for (const auto& [option, given] : set) {
    if (given && !seen.refused.contains(option))
      report.warning(line_of(option), option,
                     fmt::format("ignored: {} is none, so the link is plain TCP (set it to single "
                                 "or mutual for TLS)",
                                 mode));
  }
}

// Rules between options, checked once the options involved are valid on their own.
void check_channel_rules(const channel_settings& c, const applied& seen, reporter& report) {
  constexpr std::string_view receive = "x-smpp-receive-timeout";
  constexpr std::string_view enquire = "x-smpp-enquire-link-timeout";
  if (!seen.refused.contains(receive) && !seen.refused.contains(enquire) &&
      c.smpp_receive_timeout <= c.smpp_enquire_link_timeout) {
    auto it = seen.lines.find(receive);
    report.error(it == seen.lines.end() ? 0 : it->second, receive,
                 std::to_string(c.smpp_receive_timeout.count()),
                 fmt::format("must be longer than {} ({} seconds), or an idle link is dropped "
                             "before an enquire_link can keep it alive",
                             enquire, c.smpp_enquire_link_timeout.count()));
  }
  auto line_of = [&](std::string_view option) {
    auto it = seen.lines.find(option);
    return it == seen.lines.end() ? 0u : it->second;
  };
  constexpr std::string_view failover_host = "x-smpp-failover-host";
  if (c.smpp_failover_host.empty()) {
    // The other failover options configure a secondary SMSC that is not there (the probe
    // interval at its default is what the shipped SmsMmsDriver.cfg sets).
    constexpr std::string_view probe = "x-smpp-failover-probe-interval";
    const option_def* probe_def = find_option(channel_options(), probe);
    const bool probe_changed =
        probe_def != nullptr && seen.lines.contains(probe) &&
        check_value(*probe_def, probe_def->default_value).value !=
            typed_value(static_cast<std::int64_t>(c.smpp_failover_probe_interval.count()));
    const std::pair<std::string_view, bool> dependent[] = {
        {"x-smpp-failover-port", c.smpp_failover_port != 0},
        {"x-smpp-failover-system-id", !c.smpp_failover_system_id.empty()},
        {"x-smpp-failover-password", !c.smpp_failover_password.empty()},
        {probe, probe_changed},
    };
    for (const auto& [option, given] : dependent)
      if (given && !seen.refused.contains(option))
        report.error(line_of(option), option,
                     fmt::format("has no effect without {}; set {} or remove this option",
                                 failover_host, failover_host));
  } else if (!seen.refused.contains(failover_host) && !seen.refused.contains("x-smpp-host") &&
             !seen.refused.contains("x-smpp-port") &&
             !seen.refused.contains("x-smpp-failover-port")) {
    const std::uint16_t port = c.smpp_failover_port != 0 ? c.smpp_failover_port : c.smpp_port;
    auto lower = [](std::string_view h) {
      std::string out(h);
      for (char& ch : out)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      return out;
    };
    // Host names ignore case (RFC 4343); another spelling of the same address is not caught.
    if (lower(c.smpp_failover_host) == lower(c.smpp_host) && port == c.smpp_port)
      report.error(line_of(failover_host), failover_host, printable(c.smpp_failover_host),
                   fmt::format("names the primary SMSC ({}:{}, x-smpp-host and x-smpp-port); the "
                               "failover SMSC must be another host or port",
                               c.smpp_host, c.smpp_port));
  }
  check_tls_rules(c, seen, report);
}

// The x-shared-limits-* options describe the SMSC account shared by every host through Redis
// (docs/scaling.md); without x-shared-limits-redis-url the channel limits itself and would ignore
// them silently, so one given a value other than its default is refused (the shipped
// SmsMmsDriver.cfg sets each at its default, and stays accepted). A URL refused on its own is
// reported once, not once more for every option that needs it.
void check_shared_limits_rules(const section_view& s, const channel_settings& c,
                               const applied& seen, reporter& report) {
  constexpr std::string_view url = "x-shared-limits-redis-url";
  constexpr std::string_view prefix = "x-shared-limits-";
  if (!c.shared_limits_redis_url.empty() || seen.refused.contains(url)) return;
  for (std::size_t i = 0; i < s.keys.size() && i < s.values.size(); ++i) {
    const std::string_view key = s.keys[i];
    if (!key.starts_with(prefix) || key == url || seen.refused.contains(key)) continue;
    const option_def* def = find_option(channel_options(), key);
    if (def == nullptr) continue;
    const value_check given = check_value(*def, s.values[i]);
    if (def->has_default ? given.value == check_value(*def, def->default_value).value
                         : s.values[i].empty())
      continue;
    report.error(report.line(i), key, shown_value(*def, s.values[i]),
                 fmt::format("needs {}: without Redis this channel limits itself and this option "
                             "has no effect; set {} or remove this option",
                             url, url));
  }
}

// x-gateway-type as given (nullopt when its value is wrong: that error is reported with the
// others), smpp when not given.
std::optional<option_gateway> gateway_kind_of(const section_view& s) {
  const option_def* def = find_option(channel_options(), "x-gateway-type");
  std::optional<option_gateway> kind = option_gateway::smpp;
  for (std::size_t i = 0; def != nullptr && i < s.keys.size() && i < s.values.size(); ++i) {
    if (s.keys[i] != def->name) continue;
    const value_check v = check_value(*def, s.values[i]);
    if (!v.problem.empty()) return std::nullopt;
    kind = static_cast<gateway_type>(std::get<std::int64_t>(v.value)) == gateway_type::http
               ? option_gateway::http
               : option_gateway::smpp;
  }
  return kind;
}

// Options of the other gateway kind are ignored; one given a value other than its default is
// pointed out (a shipped .cfg sets every option at its default, and stays quiet).
void warn_other_gateway_options(const section_view& s, option_gateway kind, reporter& report) {
  for (std::size_t i = 0; i < s.keys.size() && i < s.values.size(); ++i) {
    const option_def* def = find_option(channel_options(), s.keys[i]);
    if (def == nullptr) continue;
    const option_gateway of = gateway_of(*def);
    if (of == option_gateway::any || of == kind) continue;
    const value_check given = check_value(*def, s.values[i]);
    if (!given.problem.empty()) continue;  // reported as an error already
    if (def->has_default ? given.value == check_value(*def, def->default_value).value
                         : s.values[i].empty())
      continue;
    report.warning(report.line(i), s.keys[i],
                   kind == option_gateway::http
                       ? "ignored: x-gateway-type is http, and this option configures SMPP "
                         "gateways"
                       : "ignored: x-gateway-type is smpp (the default), and this option "
                         "configures HTTP gateways; set x-gateway-type = http to use it");
  }
}

// The rules between the options of an HTTP gateway channel, once each is valid on its own.
void check_http_rules(const channel_settings& c, const applied& seen, reporter& report) {
  auto line_of = [&](std::string_view option) {
    auto it = seen.lines.find(option);
    return it == seen.lines.end() ? 0u : it->second;
  };
  auto param_key = [](const http_param& p) {
    return fmt::format("{}-{}", p.secret ? "x-http-password-param" : "x-http-param", p.index);
  };
  auto shown_param = [](const http_param& p) {
    return p.secret ? std::string(masked) : printable(fmt::format("{}={}", p.name, p.value));
  };
  // One parameter per N, and no name twice: a gateway reading the first or the last of two
  // would silently take the wrong one.
  const std::pair<std::string_view, const std::string*> predefined[] = {
      {"x-http-destination-param", &c.http_destination_param},
      {"x-http-message-param", &c.http_message_param},
      {"x-http-sender-param", &c.http_sender_param},
  };
  for (std::size_t i = 0; i < c.http_params.size(); ++i) {
    const http_param& p = c.http_params[i];
    const std::string key = param_key(p);
    if (i > 0 && c.http_params[i - 1].index == p.index) {
      report.error(line_of(key), key, shown_param(p),
                   fmt::format("{} is given too; x-http-param-<N> and x-http-password-param-<N> "
                               "share their numbers, so use another N",
                               param_key(c.http_params[i - 1])));
      continue;
    }
    for (const auto& [option, name] : predefined)
      if (!name->empty() && *name == p.name)
        report.error(line_of(key), key, shown_param(p),
                     fmt::format("the parameter '{}' is {} already", printable(p.name), option));
    for (std::size_t j = 0; j < i; ++j)
      if (c.http_params[j].name == p.name && c.http_params[j].index != p.index)
        report.error(line_of(key), key, shown_param(p),
                     fmt::format("the parameter '{}' is {} already", printable(p.name),
                                 param_key(c.http_params[j])));
  }
  if (!c.http_message_id_regex.empty() && !seen.refused.contains("x-http-message-id-regex")) {
    auto compiled = http::message_id_pattern::compile(c.http_message_id_regex);
    if (auto* problem = std::get_if<std::string>(&compiled))
      report.error(line_of("x-http-message-id-regex"), "x-http-message-id-regex",
                   printable(c.http_message_id_regex), *problem);
  }
  // Flash and overwrite need the parameter that asks the gateway for them.
  const std::tuple<std::string_view, bool, std::string_view, const std::string*> needs[] = {
      {"x-http-flash", c.http_flash, "x-http-flash-param", &c.http_flash_param},
      {"x-http-overwrite", c.http_overwrite, "x-http-overwrite-param", &c.http_overwrite_param},
  };
  for (const auto& [option, on, param, value] : needs)
    if (on && value->empty() && !seen.refused.contains(param))
      report.error(line_of(option), option, "true",
                   fmt::format("needs {}: the parameter that asks this gateway for it", param));
  // The proxy: its port from the URL or x-http-proxy-port, credentials only with a proxy.
  constexpr std::string_view proxy = "x-http-proxy-url";
  if (c.http_proxy_url.empty()) {
    const std::pair<std::string_view, bool> dependent[] = {
        {"x-http-proxy-port", c.http_proxy_port != 0},
        {"x-http-proxy-user", !c.http_proxy_user.empty()},
        {"x-http-proxy-password", !c.http_proxy_password.empty()},
    };
    for (const auto& [option, given] : dependent)
      if (given && !seen.refused.contains(option))
        report.error(
            line_of(option), option,
            fmt::format("has no effect without {}; set {} or remove this option", proxy, proxy));
  } else if (!seen.refused.contains(proxy) && !seen.refused.contains("x-http-proxy-port")) {
    auto parsed = http::parse_proxy_url(c.http_proxy_url);
    const auto* p = std::get_if<http::proxy_url>(&parsed);
    if (p != nullptr && p->port == 0 && c.http_proxy_port == 0)
      report.error(line_of(proxy), proxy, printable(http::masked_url(c.http_proxy_url), 200),
                   "has no port: give it in the URL (http://proxy:3128) or as x-http-proxy-port");
    if (p != nullptr && p->port != 0 && c.http_proxy_port != 0 && p->port != c.http_proxy_port)
      report.error(
          line_of("x-http-proxy-port"), "x-http-proxy-port", std::to_string(c.http_proxy_port),
          fmt::format("differs from the port {} in {}; give the port once", p->port, proxy));
    if (!c.http_proxy_password.empty() && c.http_proxy_user.empty())
      report.error(line_of("x-http-proxy-password"), "x-http-proxy-password",
                   "needs x-http-proxy-user: Basic authentication sends both");
  }
  // TLS options with a plain http:// gateway are a mistake worth pointing out.
  auto url = http::parse_gateway_url(c.http_url);
  const auto* u = std::get_if<http::gateway_url>(&url);
  if (u != nullptr && !u->https) {
    const std::pair<std::string_view, bool> tls[] = {
        {"x-http-tls-path-to-certificate", !c.http_tls_path_to_certificate.empty()},
        {"x-http-tls-certificate-file-password", !c.http_tls_certificate_file_password.empty()},
        {"x-http-tls-version", c.http_tls_version != tls_version::tls1_2},
        {"x-http-tls-verification", c.http_tls_verification != tls_verification::full},
    };
    for (const auto& [option, given] : tls)
      if (given && !seen.refused.contains(option))
        report.warning(line_of(option), option,
                       "ignored: x-http-url is http://, so the gateway is reached without TLS "
                       "(use https:// for TLS)");
  }
}

}  // namespace

section_kind classify_section(std::string_view name) {
  if (name.size() > channel_prefix.size() && name.starts_with(channel_prefix))
    return section_kind::channel;
  if (name == "settings") return section_kind::settings;
  if (name == "log-filter") return section_kind::log_filter;
  if (name == "log-filter-data") return section_kind::log_filter_data;
  return section_kind::other;
}

validation_result<channel_settings> validate_channel_section(const section_view& section) {
  validation_result<channel_settings> result;
  reporter report(section, result.errors, result.warnings);
  if (!arrays_consistent(section, report)) return result;
  if (classify_section(section.name) != section_kind::channel) {
    report.error(0, "(section)", "not a channel section (expected [channel-<name>])");
    return result;
  }
  static const other_section others[] = {
      {settings_options(), "[settings]"},
      {log_filter_options(), "[log-filter]"},
  };
  channel_settings out;
  out.channel = std::string(section.name);
  const std::optional<option_gateway> kind = gateway_kind_of(section);
  section_rules rules{channel_options(), nullptr, others, kind};
  applied seen = apply_section(
      section, rules, report, [&](std::string_view key, const option_def& def, typed_value&& v) {
        if (def.max_index == 0) return store(out, def.field, std::move(v));
        // x-http-param-<N> / x-http-password-param-<N>: "<name>=<value>", checked.
        const auto* text = std::get_if<std::string>(&v);
        const auto n = option_index(def, key);
        if (text == nullptr || !n) return false;
        const std::size_t eq = text->find('=');
        out.http_params.push_back({*n, text->substr(0, eq), text->substr(eq + 1), def.secret});
        return true;
      });
  std::stable_sort(out.http_params.begin(), out.http_params.end(),
                   [](const http_param& a, const http_param& b) { return a.index < b.index; });
  if (kind) warn_other_gateway_options(section, *kind, report);
  if (kind == option_gateway::http)
    check_http_rules(out, seen, report);
  else if (kind == option_gateway::smpp) {
    check_channel_rules(out, seen, report);
    check_shared_limits_rules(section, out, seen, report);
  }
  if (!out.failover_channel.empty() && out.failover_channel == out.channel)
    report.error(
        seen.lines.contains("x-failover-channel") ? seen.lines.at("x-failover-channel") : 0,
        "x-failover-channel", printable(out.failover_channel),
        "names this channel itself; name another [channel-<name>] section");
  if (result.errors.empty()) result.settings = std::move(out);
  return result;
}

validation_result<driver_settings> validate_driver_section(const section_view& section,
                                                           const driver_settings& current) {
  validation_result<driver_settings> result;
  reporter report(section, result.errors, result.warnings);
  if (!arrays_consistent(section, report)) return result;
  static const other_section channel_other[] = {{channel_options(), "a [channel-<name>] section"}};
  driver_settings out = current;
  section_rules rules;
  switch (classify_section(section.name)) {
    case section_kind::settings:
      rules = {settings_options(), nullptr, channel_other};
      break;
    case section_kind::log_filter:
      rules = {log_filter_options(), nullptr, channel_other};
      break;
    case section_kind::log_filter_data:
      rules = {{}, &log_filter_data_option(), {}};
      out.log_filter_data.clear();
      break;
    case section_kind::channel:
    case section_kind::other:
      report.error(0, "(section)",
                   "not a driver-wide section (expected [settings], [log-filter] or "
                   "[log-filter-data])");
      return result;
  }
  apply_section(section, rules, report,
                [&](std::string_view key, const option_def& def, typed_value&& v) {
                  if (&def != rules.any_key) return store(out, def.field, std::move(v));
                  auto* rule = std::get_if<filter_rule>(&v);
                  if (rule) out.log_filter_data.emplace_back(std::string(key), *rule);
                  return rule != nullptr;
                });
  if (result.errors.empty()) result.settings = std::move(out);
  return result;
}

std::string channel_option_problem(const section_view& section, std::string_view option,
                                   std::string_view rule) {
  std::vector<std::string> errors, warnings;
  reporter report(section, errors, warnings);
  const option_def* def = find_option(channel_options(), option);
  for (std::size_t i = 0; i < section.keys.size() && i < section.values.size(); ++i) {
    if (section.keys[i] != option) continue;
    report.error(report.line(i), option,
                 def ? shown_value(*def, section.values[i]) : printable(section.values[i]), rule);
    return errors.front();
  }
  report.error(0, option, rule);
  return errors.front();
}

}  // namespace smsdrv::config
