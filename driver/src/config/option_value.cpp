#include "config/option_value.hpp"

#include "config/redis_url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <regex>

#include "config/text_util.hpp"
#include "flow/error_policy.hpp"
#include "http/gateway_url.hpp"
#include "smpp/smpp_time.hpp"

namespace smsdrv::config {
namespace {

value_check accept(typed_value v, const enum_choice* choice = nullptr) {
  return value_check{std::move(v), {}, choice};
}

value_check refuse(std::string problem) {
  return value_check{{}, std::move(problem), nullptr};
}

// Whole decimal number with an optional sign; false when it is not one or exceeds int64.
bool parse_int(std::string_view text, std::int64_t& out) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string join_names(std::span<const enum_choice> choices, std::string_view separator = ", ") {
  std::string out;
  for (const auto& c : choices) {
    if (!out.empty()) out += separator;
    out += c.name.empty() ? "\"\"" : std::string(c.name);
  }
  return out;
}

std::string join_aliases(std::span<const enum_choice> choices) {
  std::string out;
  for (const auto& c : choices) {
    std::string_view rest = c.aliases;
    while (!rest.empty()) {
      std::size_t bar = rest.find('|');
      if (!out.empty()) out += ", ";
      out += rest.substr(0, bar);
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    }
  }
  return out;
}

const enum_choice* match_choice(std::span<const enum_choice> choices, std::string_view text) {
  std::string wanted = normalized_name(text);
  for (const auto& c : choices) {
    if (normalized_name(c.name) == wanted) return &c;
    std::string_view rest = c.aliases;
    while (!rest.empty()) {
      std::size_t bar = rest.find('|');
      if (normalized_name(rest.substr(0, bar)) == wanted) return &c;
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    }
  }
  return nullptr;
}

// "; did you mean 'transceiver'?" when a choice name or alias is close to text.
std::string choice_suggestion(std::span<const enum_choice> choices, std::string_view text) {
  std::string wanted = normalized_name(text);
  if (wanted.size() < 4) return {};
  std::string_view best;
  std::size_t best_distance = 3;
  auto consider = [&](std::string_view name) {
    std::size_t d = edit_distance(wanted, normalized_name(name));
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  };
  for (const auto& c : choices) {
    consider(c.name);
    std::string_view rest = c.aliases;
    while (!rest.empty()) {
      std::size_t bar = rest.find('|');
      consider(rest.substr(0, bar));
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    }
  }
  return best.empty() ? std::string() : fmt::format("; did you mean '{}'?", best);
}

// A secret's length is not shown either: only the rule.
std::string too_long(const option_def& def, std::size_t has) {
  if (def.secret) return fmt::format("must be at most {} characters", def.max);
  return fmt::format("must be at most {} characters (has {})", def.max, has);
}

value_check check_integer(const option_def& def, std::string_view raw) {
  std::int64_t v = 0;
  if (!parse_int(trim(raw), v) || v < def.min || v > def.max) {
    if (def.unit.empty())
      return refuse(fmt::format("must be a whole number from {} to {}", def.min, def.max));
    return refuse(
        fmt::format("must be a whole number of {} from {} to {}", def.unit, def.min, def.max));
  }
  return accept(v);
}

value_check check_boolean(std::string_view raw) {
  static constexpr std::string_view truthy[] = {"true", "yes", "on", "1"};
  static constexpr std::string_view falsy[] = {"false", "no", "off", "0"};
  std::string v = normalized_name(trim(raw));
  for (auto t : truthy)
    if (v == t) return accept(true);
  for (auto f : falsy)
    if (v == f) return accept(false);
  return refuse("must be true or false (also yes/no, on/off, 1/0)");
}

value_check check_enumeration(const option_def& def, std::string_view raw) {
  if (const enum_choice* c = match_choice(def.choices, trim(raw))) return accept(c->value, c);
  std::string aliases = join_aliases(def.choices);
  return refuse(fmt::format("must be one of {}{}{}", join_names(def.choices),
                            aliases.empty() ? "" : fmt::format(" (also {})", aliases),
                            choice_suggestion(def.choices, trim(raw))));
}

// Printable ASCII: SMPP v3.4 §3.1 C-Octet Strings carry ASCII; control characters only confuse.
// For a secret only the rule is named: not the character, not where it is.
std::string ascii_problem(const option_def& def, std::string_view raw) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto b = static_cast<unsigned char>(raw[i]);
    if (b < 0x20 || b >= 0x7F) {
      if (def.secret) return "must be printable ASCII";
      std::size_t end = i + 1;
      while (end < raw.size() && (static_cast<unsigned char>(raw[end]) & 0xC0) == 0x80)
        ++end;
      return fmt::format("must be printable ASCII ('{}' at character {} is not)",
                         printable(raw.substr(i, end - i)), i + 1);
    }
  }
  if (def.max > 0 && raw.size() > static_cast<std::size_t>(def.max))
    return too_long(def, raw.size());
  return {};
}

value_check check_ascii(const option_def& def, std::string_view raw) {
  std::string problem = ascii_problem(def, raw);
  if (!problem.empty()) return refuse(std::move(problem));
  return accept(std::string(raw));
}

// UTF-8 text without control characters (tab allowed), at most def.max characters.
std::string text_problem(const option_def& def, std::string_view raw) {
  auto length = utf8_length(raw);
  if (!length) return "must be valid UTF-8";
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto b = static_cast<unsigned char>(raw[i]);
    if ((b < 0x20 && b != '\t') || b == 0x7F) {
      if (def.secret) return "must not contain control characters";
      return fmt::format("must not contain control characters (\\x{:02x} found)", b);
    }
  }
  if (def.max > 0 && *length > static_cast<std::size_t>(def.max)) return too_long(def, *length);
  return {};
}

value_check check_text(const option_def& def, std::string_view raw) {
  std::string problem = text_problem(def, raw);
  if (!problem.empty()) return refuse(std::move(problem));
  return accept(std::string(raw));
}

value_check check_host(const option_def& def, std::string_view raw) {
  bool ok = !raw.empty();
  for (char c : raw)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == ':');
  if (!ok) return refuse("must be a host name or IP address (letters, digits, '.', '-' and ':')");
  // One ':' is "host:port" (an IPv6 address has at least two): the port has its own option.
  if (std::count(raw.begin(), raw.end(), ':') == 1)
    return refuse("must be a host name or IP address without a port (the port is its own option)");
  if (raw.size() > static_cast<std::size_t>(def.max)) return refuse(too_long(def, raw.size()));
  return accept(std::string(raw));
}

value_check check_service_type(const option_def& def, std::string_view raw) {
  if (const enum_choice* c = match_choice(def.choices, raw)) return accept(std::string(c->name), c);
  // Imported settings may say "Other" for "a value of my own": sent as written it would be a
  // service_type no SMSC defines (SMPP v3.4 §5.2.11).
  if (normalized_name(trim(raw)) == "other")
    return refuse(fmt::format(
        "'Other' is the choice other gateways offer for a service_type of your own: give that "
        "value itself (at most {} printable ASCII characters, as the SMSC defines it), or one "
        "of {}",
        def.max, join_names(def.choices)));
  if (ascii_problem(def, raw).empty()) return accept(std::string(raw));
  return refuse(fmt::format(
      "must be one of {} (also {}) or another service_type of at most {} printable ASCII "
      "characters",
      join_names(def.choices), join_aliases(def.choices), def.max));
}

value_check check_ton_npi(const option_def& def, std::string_view raw) {
  std::string_view v = trim(raw);
  std::int64_t n = 0;
  if (all_digits(v) && parse_int(v, n) && n <= 255) return accept(n);
  if (!all_digits(v))
    if (const enum_choice* c = match_choice(def.choices, v)) return accept(c->value, c);
  return refuse(fmt::format("must be a number from 0 to 255 or one of {}{}",
                            join_names(def.choices), choice_suggestion(def.choices, v)));
}

value_check check_regex(const option_def& def, std::string_view raw) {
  if (raw.size() > static_cast<std::size_t>(def.max)) return refuse(too_long(def, raw.size()));
  try {
    // From a std::string: libstdc++ 12's scanner reads the character after a final '(' (one
    // past the end of the pattern), which is in bounds only when a terminator follows.
    std::string pattern(raw);
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return refuse(fmt::format("is not a valid regular expression (ECMAScript): {}", e.what()));
  }
  return accept(std::string(raw));
}

value_check check_tlv_spec(std::string_view raw) {
  auto parsed = smpp::parse_tlv_spec(raw);
  if (auto* e = std::get_if<smpp::tlv_spec_error>(&parsed))
    return refuse(fmt::format("is not a valid TLV spec: {}", e->message()));
  return accept(std::move(std::get<std::vector<smpp::tlv_item>>(parsed)));
}

value_check check_smpp_time(std::string_view raw) {
  if (auto e = smpp::validate_smpp_time(raw))
    return refuse(fmt::format("is not a valid SMPP time (YYMMDDhhmmsstnnp or YYMMDDhhmmss000R): {}",
                              e->message()));
  return accept(std::string(raw));
}

value_check check_path(const option_def& def, std::string_view raw) {
  std::string problem = text_problem(def, raw);
  if (raw.empty()) problem = "must be a file path";
  if (!problem.empty()) return refuse(std::move(problem));
  return accept(std::string(raw));
}

value_check check_endpoint_list(std::string_view raw) {
  constexpr std::string_view shape =
      "<tenant>:<endpoint> (paging), optionally followed by ', <tenant>:<endpoint>' (chat "
      "session)";
  std::vector<endpoint_ref> out;
  std::string_view rest = raw;
  for (;;) {
    std::size_t comma = rest.find(',');
    std::string_view entry = trim(rest.substr(0, comma));
    std::size_t colon = entry.find(':');
    endpoint_ref e;
    std::string_view tenant = colon == std::string_view::npos ? entry : entry.substr(0, colon);
    std::string_view name =
        colon == std::string_view::npos ? std::string_view() : entry.substr(colon + 1);
    auto [end, ec] = std::from_chars(tenant.data(), tenant.data() + tenant.size(), e.tenant);
    bool name_ok = !name.empty();
    for (char c : name)
      name_ok = name_ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
    if (!all_digits(tenant) || ec != std::errc() || end != tenant.data() + tenant.size() ||
        !name_ok)
      return refuse(
          fmt::format("must be {}; '{}' is not <tenant>:<endpoint>", shape, printable(entry)));
    e.endpoint = std::string(name);
    out.push_back(std::move(e));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (out.size() > 2)
    return refuse(fmt::format("must be {}; {} endpoints given", shape, out.size()));
  return accept(std::move(out));
}

value_check check_error_policy(std::string_view raw) {
  auto parsed = flow::error_policy::parse(raw);
  if (auto* e = std::get_if<flow::error_policy_error>(&parsed))
    return refuse(fmt::format("is not a valid error policy: {}", e->message()));
  return accept(std::string(raw));
}

value_check check_log_filter(std::string_view raw) {
  if (auto rule = privacy::parse_filter_rule(raw)) return accept(*rule);
  return refuse(fmt::format(
      "must be copy, hide, skip, hide-first,N, hide-last,N, unhide-first,N or unhide-last,N "
      "(N from 1 to {})",
      privacy::max_filter_count));
}

value_check check_url(const option_def& def, std::string_view raw) {
  if (raw.size() > static_cast<std::size_t>(def.max)) return refuse(too_long(def, raw.size()));
  auto parsed = http::parse_gateway_url(raw);
  if (auto* problem = std::get_if<std::string>(&parsed)) return refuse(std::move(*problem));
  return accept(std::string(raw));
}

value_check check_redis_url(const option_def& def, std::string_view raw) {
  if (raw.size() > static_cast<std::size_t>(def.max)) return refuse(too_long(def, raw.size()));
  auto parsed = parse_redis_url(raw);
  if (auto* problem = std::get_if<std::string>(&parsed)) return refuse(std::move(*problem));
  return accept(std::string(raw));
}

value_check check_proxy_url(const option_def& def, std::string_view raw) {
  if (raw.size() > static_cast<std::size_t>(def.max)) return refuse(too_long(def, raw.size()));
  auto parsed = http::parse_proxy_url(raw);
  if (auto* problem = std::get_if<std::string>(&parsed)) return refuse(std::move(*problem));
  return accept(std::string(raw));
}

// "<name>=<value>": the name is what the gateway expects, so it is taken exactly: no blanks
// (a blank around '=' would become part of the name or the value).
value_check check_name_value(const option_def& def, std::string_view raw) {
  const std::size_t eq = raw.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return refuse("must be <name>=<value>, e.g. user=myaccount");
  const std::string_view name = raw.substr(0, eq);
  for (char c : name) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7F)
      return refuse(
          "must be <name>=<value> with a name of printable characters and no blanks (write it "
          "without blanks around '=')");
  }
  std::string problem = text_problem(def, raw);
  if (!problem.empty()) return refuse(std::move(problem));
  return accept(std::string(raw));
}

value_check check_channel_name(std::string_view raw) {
  constexpr std::string_view prefix = "channel-";
  bool ok = raw.size() > prefix.size() && raw.starts_with(prefix);
  for (char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    ok = ok && b > 0x20 && b < 0x7F && c != '[' && c != ']';
  }
  if (!ok) return refuse("must name another channel section: channel-<name>");
  return accept(std::string(raw));
}

}  // namespace

value_check check_value(const option_def& def, std::string_view raw) {
  if (def.null_is_unset && normalized_name(trim(raw)) == "null") return accept(std::string());
  switch (def.type) {
    case option_type::text:
      return check_text(def, raw);
    case option_type::ascii:
      return check_ascii(def, raw);
    case option_type::host:
      return check_host(def, raw);
    case option_type::integer:
      return check_integer(def, raw);
    case option_type::boolean:
      return check_boolean(raw);
    case option_type::enumeration:
      return check_enumeration(def, raw);
    case option_type::service_type:
      return check_service_type(def, raw);
    case option_type::ton_npi:
      return check_ton_npi(def, raw);
    case option_type::regex:
      return check_regex(def, raw);
    case option_type::tlv_spec:
      return check_tlv_spec(raw);
    case option_type::smpp_time:
      return check_smpp_time(raw);
    case option_type::path:
      return check_path(def, raw);
    case option_type::endpoint_list:
      return check_endpoint_list(raw);
    case option_type::log_filter:
      return check_log_filter(raw);
    case option_type::error_policy:
      return check_error_policy(raw);
    case option_type::url:
      return check_url(def, raw);
    case option_type::proxy_url:
      return check_proxy_url(def, raw);
    case option_type::name_value:
      return check_name_value(def, raw);
    case option_type::channel_name:
      return check_channel_name(raw);
    case option_type::redis_url:
      return check_redis_url(def, raw);
  }
  return refuse("has an option type this version does not know");
}

std::string describe_values(const option_def& def) {
  auto limit = [&](std::string_view what) {
    return def.max > 0 ? fmt::format("{}, at most {} characters", what, def.max)
                       : std::string(what);
  };
  switch (def.type) {
    case option_type::text:
      return limit("text");
    case option_type::ascii:
      return limit("ASCII");
    case option_type::host:
      return "host name or IP address";
    case option_type::integer:
      return def.unit.empty() ? fmt::format("{}-{}", def.min, def.max)
                              : fmt::format("{}-{} {}", def.min, def.max, def.unit);
    case option_type::boolean:
      return "true/false (yes/no, on/off, 1/0)";
    case option_type::enumeration: {
      std::string aliases = join_aliases(def.choices);
      return aliases.empty() ? join_names(def.choices)
                             : fmt::format("{} (also {})", join_names(def.choices), aliases);
    }
    case option_type::service_type:
      return fmt::format("{} (also {}) or any other of at most {} characters",
                         join_names(def.choices), join_aliases(def.choices), def.max);
    case option_type::ton_npi:
      return fmt::format("0-255 or {}", join_names(def.choices));
    case option_type::regex:
      return limit("ECMAScript regex");
    case option_type::tlv_spec:
      return "TLV spec";
    case option_type::smpp_time:
      return "SMPP time";
    case option_type::path:
      return "file path";
    case option_type::endpoint_list:
      return "<tenant>:<endpoint>[, <tenant>:<endpoint>]";
    case option_type::log_filter:
      return "copy, hide, skip, hide-first,N, hide-last,N, unhide-first,N, unhide-last,N";
    case option_type::error_policy:
      return "<status>: fail | retry N [after D] | pause D[-D] [retry N], ...";
    case option_type::url:
      return "http(s)://host[:port][/path][?name=value]";
    case option_type::proxy_url:
      return "http://host[:port], https://host[:port] or host";
    case option_type::name_value:
      return "<name>=<value>";
    case option_type::channel_name:
      return "channel-<name>";
    case option_type::redis_url:
      return "redis://host[:port][/db]";
  }
  return {};
}

}  // namespace smsdrv::config
