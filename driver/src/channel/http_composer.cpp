#include "channel/http_composer.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "channel/log_privacy.hpp"
#include "config/option_table.hpp"
#include "config/option_value.hpp"
#include "config/text_util.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::channel {
namespace {

std::string_view find(user_data data, std::string_view key) {
  for (const auto& [k, v] : data)
    if (k == key) return v;
  return {};
}

compose_result refuse(std::int32_t status, std::string text) {
  compose_result r;
  r.status = status;
  r.error = std::move(text);
  return r;
}

// A boolean override (x-smpp-flash, x-smpp-overwrite) checked by its option's rule.
std::optional<std::string> boolean_override(std::string_view key, std::string_view value,
                                            bool& out) {
  const config::option_def* def = config::find_option(config::channel_options(), key);
  if (def == nullptr) return fmt::format("{} has no option row", key);
  const config::value_check v = config::check_value(*def, value);
  if (!v.problem.empty())
    return fmt::format("{} '{}' {}", key, config::printable(value), v.problem);
  out = std::get<bool>(v.value);
  return std::nullopt;
}

}  // namespace

http_composer::http_composer(http_composer_settings settings)
    : settings_(std::move(settings)), builder_(settings_.request) {}

std::variant<http::sms_message, compose_result> http_composer::message_of(user_data data) const {
  http::sms_message m;
  m.destination = find(data, "_smsDestNumber");
  if (m.destination.empty())
    return refuse(SMSDRV_E_BAD_REQUEST, "SendSMS: _smsDestNumber is required");
  m.text = find(data, "_smsText");
  m.sender = find(data, "_smsSrcNumber");
  if (m.sender.empty()) m.sender = settings_.default_source;
  m.flash = settings_.flash;
  m.overwrite = settings_.overwrite;
  const auto keys = override_keys();
  for (const auto& [k, v] : data) {
    if (!k.starts_with("x-smpp-")) continue;
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      return refuse(SMSDRV_E_BAD_REQUEST,
                    fmt::format("{} is not a request key of this driver", config::printable(k)));
    if (v.empty()) continue;  // an empty value keeps the channel's option
    std::optional<std::string> problem;
    if (k == "x-smpp-flash")
      problem = boolean_override(k, v, m.flash);
    else if (k == "x-smpp-overwrite")
      problem = boolean_override(k, v, m.overwrite);
    if (problem) return refuse(SMSDRV_E_BAD_REQUEST, std::move(*problem));
  }
  return m;
}

compose_result http_composer::compose(user_data data, http_prepared_request& out) const {
  auto m = message_of(data);
  if (auto* refused = std::get_if<compose_result>(&m)) return std::move(*refused);
  if (auto problem = builder_.build(std::get<http::sms_message>(m), out.request))
    return refuse(SMSDRV_E_BAD_REQUEST, fmt::format("{} {}", problem->field, problem->rule));
  return {};
}

std::string http_composer::describe(user_data data, const privacy::masking* masking) const {
  auto m = message_of(data);
  if (auto* refused = std::get_if<compose_result>(&m)) return refused->error;
  return builder_.describe(std::get<http::sms_message>(m),
                           [masking](std::string_view key, std::string_view value) {
                             return shown(masking, key, value);
                           });
}

}  // namespace smsdrv::channel
