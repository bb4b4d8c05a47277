#include "http/response_classifier.hpp"

#include <fmt/format.h>

#include <boost/regex.hpp>

#include "text/utf8.hpp"

namespace smsdrv::http {
namespace {

using std::chrono::milliseconds;

// RFC 9110 §15 reason phrases of the statuses a gateway is likely to send.
std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return {};
  }
}

std::string with_detail(std::string_view what, std::string_view detail,
                        const secret_masker& secrets) {
  if (detail.empty()) return std::string(what);
  return fmt::format("{}: {}", what, body_excerpt(detail, secrets, 200));
}

outcome transport_outcome(const exchange& e, const secret_masker& secrets) {
  lost l;
  l.failure = e.failure;
  switch (e.failure) {
    case transport_failure::resolve:
    case transport_failure::connect:
    case transport_failure::proxy:
    case transport_failure::tls:
      // No connection to the gateway carried the request.
      l.when = lost_when::before_write;
      break;
    case transport_failure::timeout:
    case transport_failure::connection_lost:
    case transport_failure::protocol:
    case transport_failure::local:
    case transport_failure::none:
      l.when = e.request_written ? lost_when::after_write : lost_when::before_write;
      break;
  }
  const std::string_view what = [&]() -> std::string_view {
    switch (e.failure) {
      case transport_failure::resolve:
        return "the gateway's host name did not resolve";
      case transport_failure::connect:
        return "could not connect to the gateway";
      case transport_failure::proxy:
        return "the proxy refused the connection to the gateway";
      case transport_failure::tls:
        return "TLS with the gateway failed";
      case transport_failure::timeout:
        return e.request_written ? "no response within x-http-request-timeout"
                                 : "the request could not be sent within x-http-request-timeout";
      case transport_failure::connection_lost:
        return e.request_written ? "the connection was lost before a complete response"
                                 : "the connection was lost before the request was sent";
      case transport_failure::protocol:
        return "the gateway's response is not valid HTTP/1.1";
      case transport_failure::local:
      case transport_failure::none:
        return "the request failed on our side";
    }
    return "the request failed";
  }();
  std::string text = with_detail(what, e.detail, secrets);
  l.text = l.when == lost_when::before_write
               ? fmt::format("not sent, the gateway never got it: {}", text)
               : fmt::format(
                     "outcome unknown, the request was sent and the gateway may have "
                     "taken it: {}",
                     text);
  return l;
}

milliseconds pause_for(const exchange& e, const response_rules& rules) {
  if (!e.retry_after) return rules.default_pause;
  const milliseconds given = *e.retry_after;
  if (given > rules.max_pause) return rules.max_pause;
  return given;
}

}  // namespace

struct message_id_pattern::impl {
  boost::regex re;
};

std::variant<message_id_pattern, std::string> message_id_pattern::compile(
    std::string_view pattern) {
  if (pattern.empty()) return std::string("is empty");
  try {
    auto p = std::make_shared<impl>();
    p->re.assign(pattern.begin(), pattern.end(), boost::regex::perl);
    message_id_pattern out;
    out.impl_ = std::move(p);
    return out;
  } catch (const boost::regex_error& e) {
    return fmt::format("is not a valid regular expression: {}", e.what());
  }
}

std::optional<secret_masker::span> message_id_pattern::locate(std::string_view body) const {
  if (!impl_) return std::nullopt;
  try {
    boost::match_results<std::string_view::const_iterator> m;
    if (!boost::regex_search(body.begin(), body.end(), m, impl_->re)) return std::nullopt;
    const auto& g = m.size() > 1 && m[1].matched ? m[1] : m[0];
    return secret_masker::span{static_cast<std::size_t>(g.first - body.begin()),
                               static_cast<std::size_t>(g.second - body.begin())};
  } catch (const std::runtime_error&) {
    // Boost.Regex gives up on a search that grows too complex instead of recursing forever.
    return std::nullopt;
  }
}

std::optional<std::string> message_id_pattern::find(std::string_view body) const {
  const auto at = locate(body);
  if (!at) return std::nullopt;
  return std::string(body.substr(at->begin, at->end - at->begin));
}

std::string_view failure_name(transport_failure f) noexcept {
  switch (f) {
    case transport_failure::none:
      return "none";
    case transport_failure::resolve:
      return "resolve";
    case transport_failure::connect:
      return "connect";
    case transport_failure::proxy:
      return "proxy";
    case transport_failure::tls:
      return "tls";
    case transport_failure::timeout:
      return "timeout";
    case transport_failure::connection_lost:
      return "connection_lost";
    case transport_failure::protocol:
      return "protocol";
    case transport_failure::local:
      return "local";
  }
  return "unknown";
}

std::string status_text(int status) {
  const std::string_view phrase = reason_phrase(status);
  if (phrase.empty()) return fmt::format("HTTP {}", status);
  return fmt::format("HTTP {} {}", status, phrase);
}

std::string body_excerpt(std::string_view body, const secret_masker& secrets,
                         std::size_t characters) {
  const auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  // The whole body made printable: the masking below must see every occurrence, also one the
  // cut would split.
  const std::string clean = secrets.empty() ? std::string(body) : secrets.masked(body);
  std::string flat;
  flat.reserve(clean.size());
  bool blank = false;
  for (std::size_t i = 0; i < clean.size();) {
    const unsigned char b = static_cast<unsigned char>(clean[i]);
    if (is_blank(clean[i])) {
      blank = !flat.empty();
      ++i;
      continue;
    }
    if (blank) {
      flat += ' ';
      blank = false;
    }
    const text::utf8_char c = text::next_utf8(clean, i);
    if (c.length == 0 || c.code_point < 0x20 || c.code_point == 0x7F ||
        (c.code_point >= 0x80 && c.code_point < 0xA0)) {
      flat += fmt::format("\\x{:02x}", b);
      i += 1;
    } else {
      flat.append(clean, i, c.length);
      i += c.length;
    }
  }
  // Collapsing blanks and escaping can join the pieces of a secret the first pass did not see.
  const std::string shown = secrets.empty() ? std::move(flat) : secrets.masked(flat);
  if (shown.empty()) return "(empty body)";
  std::string out;
  std::size_t i = 0;
  for (std::size_t count = 0; i < shown.size() && count < characters; ++count) {
    // Valid UTF-8 but where a secret that is not valid UTF-8 was masked inside a character.
    const text::utf8_char c = text::next_utf8(shown, i);
    const std::size_t length = c.length == 0 ? 1 : c.length;
    out.append(shown, i, length);
    i += length;
  }
  if (i < shown.size()) out += "...";
  return out;
}

outcome classify(const exchange& e, const response_rules& rules, const secret_masker& secrets) {
  if (e.failure != transport_failure::none) return transport_outcome(e, secrets);
  const int s = e.status;
  const std::string status = status_text(s);
  if (s >= 200 && s <= 299) {
    if (!rules.success_contains.empty() &&
        e.body.find(rules.success_contains) == std::string_view::npos)
      return refused{s, refusal::permanent, milliseconds(0),
                     fmt::format("{} without the success string (x-http-success-contains) in the "
                                 "body: {}",
                                 status, body_excerpt(e.body, secrets))};
    accepted a;
    if (rules.message_id) {
      if (const auto at = rules.message_id->locate(e.body)) {
        // An id that carries a secret, or any part of one (an echo of the request that the
        // pattern cut), is not an id to keep.
        if (!secrets.empty() && secrets.overlaps(e.body, *at))
          a.note = "the message id x-http-message-id-regex found contains a secret; not kept";
        else
          a.message_id = std::string(e.body.substr(at->begin, at->end - at->begin));
      } else {
        a.note = fmt::format("x-http-message-id-regex found no message id in the body: {}",
                             body_excerpt(e.body, secrets));
      }
    }
    return a;
  }
  switch (s) {
    case 407:
      // A forwarding proxy refused our credentials: the gateway never saw the request.
      return lost{lost_when::before_write, transport_failure::proxy, s,
                  fmt::format("not sent, the gateway never got it: the proxy refused our "
                              "credentials ({}; check x-http-proxy-user and "
                              "x-http-proxy-password): {}",
                              status, body_excerpt(e.body, secrets))};
    case 502:
    case 504:
      // An intermediary's answer: the gateway behind it may have taken the request.
      return lost{lost_when::after_write, transport_failure::none, s,
                  fmt::format("outcome unknown, the request was sent and the gateway may have "
                              "taken it: {} from an intermediary: {}",
                              status, body_excerpt(e.body, secrets))};
    case 408:
      return refused{s, refusal::retry, rules.default_pause,
                     fmt::format("{} (the gateway did not get the whole request): {}", status,
                                 body_excerpt(e.body, secrets))};
    case 429:
    case 503:
      return refused{s, refusal::pause, pause_for(e, rules),
                     fmt::format("{}: {}", status, body_excerpt(e.body, secrets))};
    default:
      break;
  }
  if (s >= 300 && s <= 399)
    return refused{s, refusal::permanent, milliseconds(0),
                   fmt::format("{} (redirects are not followed: set x-http-url to the address the "
                               "gateway names): {}",
                               status, body_excerpt(e.body, secrets))};
  std::string text = fmt::format("{}: {}", status, body_excerpt(e.body, secrets));
  if (!e.detail.empty()) text += fmt::format(" ({})", body_excerpt(e.detail, secrets, 200));
  return refused{s, refusal::permanent, milliseconds(0), std::move(text)};
}

}  // namespace smsdrv::http
