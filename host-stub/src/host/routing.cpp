#include "host/routing.hpp"

#include <boost/regex.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

namespace smsdrv::host {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string where(const std::string& source, const cfg_section& section, const cfg_option& o) {
  return source + ":" + std::to_string(o.line) + ": [" + section.name + "] " + o.key + " = \"" +
         o.value + "\": ";
}

// "<tenant>:<endpoint>": a numeric tenant, an endpoint name of letters, digits, '_', '-', '.'
// (the rule the driver's option table applies too).
bool valid_endpoint(std::string_view e) {
  const auto colon = e.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == e.size()) return false;
  const std::string_view tenant = e.substr(0, colon);
  const std::string_view name = e.substr(colon + 1);
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto name_char = [&](char c) {
    return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' ||
           c == '.';
  };
  return std::all_of(tenant.begin(), tenant.end(), digit) &&
         std::all_of(name.begin(), name.end(), name_char);
}

}  // namespace

struct inbound_router::regexes {
  std::optional<boost::regex> by_address;
  std::optional<boost::regex> by_text;
};

inbound_router::inbound_router(const cfg_section& section, const std::string& source)
    : regexes_(std::make_unique<regexes>()) {
  if (const cfg_option* o = section.find("inbound-route"); o != nullptr) {
    std::vector<std::string_view> parts;
    std::string_view rest = o->value;
    while (true) {
      const auto comma = rest.find(',');
      parts.push_back(trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    const std::string rule =
        "expected <tenant>:<endpoint> (paging) or <tenant>:<endpoint>, <tenant>:<endpoint> "
        "(paging, chat session), e.g. 101:sms_endpoint";
    if (parts.size() > 2)
      throw std::invalid_argument(where(source, section, *o) + "too many endpoints; " + rule);
    for (const auto p : parts)
      if (!valid_endpoint(p))
        throw std::invalid_argument(where(source, section, *o) + "'" + std::string(p) +
                                    "' is not an endpoint; " + rule);
    paging_ = parts[0];
    if (parts.size() == 2) chat_ = parts[1];
  }
  auto compile = [&](const char* option, std::optional<boost::regex>& out) {
    const cfg_option* o = section.find(option);
    if (o == nullptr || o->value.empty()) return;
    if (chat_.empty())
      throw std::invalid_argument(where(source, section, *o) +
                                  "a session regex needs a chat-session endpoint: give "
                                  "inbound-route a second endpoint, e.g. 101:sms_endpoint, "
                                  "101:chat_endpoint");
    try {
      out.emplace(o->value, boost::regex::ECMAScript);
    } catch (const boost::regex_error& e) {
      throw std::invalid_argument(where(source, section, *o) + "not a valid regex: " + e.what());
    }
  };
  compile("session-by-address", regexes_->by_address);
  compile("session-by-text", regexes_->by_text);
}

inbound_router::~inbound_router() = default;
inbound_router::inbound_router(inbound_router&&) noexcept = default;
inbound_router& inbound_router::operator=(inbound_router&&) noexcept = default;

route inbound_router::pick(std::string_view from_addr, std::string_view text) const {
  bool gave_up = false;
  auto matches = [&gave_up](const std::optional<boost::regex>& re, std::string_view s) {
    if (!re) return false;
    try {
      return boost::regex_search(s.begin(), s.end(), *re);
    } catch (const std::runtime_error&) {
      gave_up = true;
      return false;
    }
  };
  if (!chat_.empty() &&
      (matches(regexes_->by_address, from_addr) || matches(regexes_->by_text, text)))
    return {chat_, "chat", gave_up};
  return {paging_, "paging", gave_up};
}

}  // namespace smsdrv::host
