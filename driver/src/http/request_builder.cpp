#include "http/request_builder.hpp"

#include <fmt/format.h>

#include "http/gateway_url.hpp"
#include "http/phone_number.hpp"
#include "text/utf8.hpp"

namespace smsdrv::http {
namespace {

bool valid_utf8(std::string_view s) {
  return text::find_invalid_utf8(s) == std::string_view::npos;
}

// A numeric sender loses its '+' like a destination; an alphanumeric one is sent as written.
std::string_view sender_value(std::string_view sender) {
  if (sender.size() > 1 && sender.front() == '+' &&
      sender.find_first_not_of("0123456789", 1) == std::string_view::npos)
    return sender.substr(1);
  return sender;
}

}  // namespace

std::string_view method_name(method m) noexcept {
  return m == method::get ? "GET" : "POST";
}

request_builder::request_builder(request_settings settings) : settings_(std::move(settings)) {
  const space_encoding sp = settings_.spaces;
  destination_name_ = form_encoded(settings_.destination_param, sp);
  message_name_ = form_encoded(settings_.message_param, sp);
  sender_name_ = form_encoded(settings_.sender_param, sp);
  extras_ = extra_suffix(true);
  extras_shown_ = extra_suffix(false);
  auto pair_of = [&](const std::optional<parameter>& p) {
    if (!p) return std::string();
    std::string out;
    append_pair(out, p->name, p->value);
    return out;
  };
  flash_pair_ = pair_of(settings_.flash);
  overwrite_pair_ = pair_of(settings_.overwrite);
  if (auto url = parse_gateway_url(settings_.url); auto* u = std::get_if<gateway_url>(&url))
    first_separator_ = u->has_query ? '&' : '?';
  // A URL ending in '?' (an empty query) takes the parameters right after it.
  if (!settings_.url.empty() && settings_.url.back() == '?') first_separator_ = '\0';

  for (const parameter& p : settings_.extra)
    if (p.secret) secrets_.add(p.value);
  // The URL's own secrets: its query value (an access token) and the password of its user
  // information (what masked_url hides).
  const std::string_view url = settings_.url;
  if (const std::size_t q = url.find('?'); q != std::string_view::npos) {
    std::string_view query = url.substr(q + 1);
    const std::size_t eq = query.find('=');
    secrets_.add(eq == std::string_view::npos ? query : query.substr(eq + 1));
  }
  if (const std::size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    const std::string_view rest = url.substr(scheme + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
      const std::string_view info = authority.substr(0, at);
      if (const std::size_t colon = info.find(':'); colon != std::string_view::npos)
        secrets_.add(info.substr(colon + 1));
    }
  }
}

void request_builder::append_pair(std::string& out, std::string_view name,
                                  std::string_view value) const {
  out += '&';
  append_form_encoded(out, name, settings_.spaces);
  out += '=';
  append_form_encoded(out, value, settings_.spaces);
}

std::string request_builder::extra_suffix(bool show_secrets) const {
  std::string out;
  for (const parameter& p : settings_.extra) {
    if (!p.secret || show_secrets) {
      append_pair(out, p.name, p.value);
      continue;
    }
    out += '&';
    append_form_encoded(out, p.name, settings_.spaces);
    out += '=';
    out += secret_masker::mask;
  }
  return out;
}

void request_builder::append_parameters(std::string& out, std::string_view destination,
                                        std::string_view text, std::string_view sender, bool flash,
                                        bool overwrite, std::string_view extras) const {
  const space_encoding sp = settings_.spaces;
  out += destination_name_;
  out += '=';
  append_form_encoded(out, destination, sp);
  out += '&';
  out += message_name_;
  out += '=';
  append_form_encoded(out, text, sp);
  if (!sender_name_.empty() && !sender.empty()) {
    out += '&';
    out += sender_name_;
    out += '=';
    append_form_encoded(out, sender, sp);
  }
  out += extras;
  if (flash) out += flash_pair_;
  if (overwrite) out += overwrite_pair_;
}

std::optional<build_problem> request_builder::build(const sms_message& m,
                                                    built_request& out) const {
  std::string problem;
  auto number = international_number(m.destination, problem);
  if (!number) return build_problem{"_smsDestNumber", std::move(problem)};
  if (m.text.size() > max_text_octets)
    return build_problem{
        "_smsText", fmt::format("has {} octets; one HTTP request carries at most {}", m.text.size(),
                                max_text_octets)};
  if (!valid_utf8(m.text)) return build_problem{"_smsText", "is not valid UTF-8"};
  if (!valid_utf8(m.sender)) return build_problem{"_smsSrcNumber", "is not valid UTF-8"};
  if (m.flash && !can_flash())
    return build_problem{"x-smpp-flash",
                         "asks for flash SMS, which this HTTP gateway cannot send "
                         "(x-http-flash-param is not set)"};
  if (m.overwrite && !can_overwrite())
    return build_problem{"x-smpp-overwrite",
                         "asks to overwrite a pending message, which this HTTP gateway cannot do "
                         "(x-http-overwrite-param is not set)"};

  out.verb = settings_.verb;
  out.url.clear();
  out.body.clear();
  const std::string_view sender =
      sender_name_.empty() ? std::string_view() : sender_value(m.sender);
  std::string& target = settings_.verb == method::get ? out.url : out.body;
  if (settings_.verb == method::get) {
    out.url.reserve(settings_.url.size() + m.text.size() * 3 + extras_.size() + 64);
    out.url = settings_.url;
    if (first_separator_ != '\0') out.url += first_separator_;
  } else {
    out.url = settings_.url;
    out.body.reserve(m.text.size() * 3 + extras_.size() + 64);
  }
  append_parameters(target, *number, m.text, sender, m.flash, m.overwrite, extras_);
  return std::nullopt;
}

std::string request_builder::describe(const sms_message& m, const value_shower& show) const {
  std::string problem;
  // User data as `show` gives it, not encoded: the line is read by people.
  std::string params =
      fmt::format("{}={}&{}={}", destination_name_,
                  show("_smsDestNumber", international_number(m.destination, problem).value_or("")),
                  message_name_, show("_smsText", m.text));
  if (!sender_name_.empty() && !m.sender.empty())
    params += fmt::format("&{}={}", sender_name_, show("_smsSrcNumber", sender_value(m.sender)));
  params += extras_shown_;
  if (m.flash) params += flash_pair_;
  if (m.overwrite) params += overwrite_pair_;
  const std::string url = masked_url(settings_.url);
  if (settings_.verb == method::get) {
    std::string out = fmt::format("GET {}", url);
    if (first_separator_ != '\0') out += first_separator_;
    return out + params;
  }
  return fmt::format("POST {} {}", url, params);
}

}  // namespace smsdrv::http
