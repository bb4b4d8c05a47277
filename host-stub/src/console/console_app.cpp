#include "console/console_app.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <optional>

namespace smsdrv::console {
namespace {

constexpr std::string_view text_plain = "text/plain; charset=utf-8";
constexpr std::string_view json_type = "application/json";
constexpr std::string_view settings_path = "/api/settings/";

answer plain(unsigned status, std::string body) {
  answer a;
  a.status = status;
  a.body = std::move(body);
  return a;
}

// An error as the page shows it: {"error": "..."}.
answer json_error(unsigned status, std::string_view text) {
  answer a;
  a.status = status;
  a.content_type = json_type;
  a.body = "{\"error\":\"";
  for (char c : text) {
    switch (c) {
      case '"':
        a.body += "\\\"";
        break;
      case '\\':
        a.body += "\\\\";
        break;
      case '\n':
        a.body += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          a.body += ' ';
        else
          a.body += c;
    }
  }
  a.body += "\"}";
  return a;
}

answer method_not_allowed(std::string_view allow) {
  answer a = plain(405, "method not allowed; this path takes " + std::string(allow) + "\n");
  a.headers.emplace_back("Allow", std::string(allow));
  return a;
}

bool reads(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

// A path segment with its %XX escapes decoded (RFC 3986 §2.1); nullopt when one is broken.
std::optional<std::string> percent_decoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) return std::nullopt;
    out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
    i += 2;
  }
  return out;
}

answer json(const json_answer& j) {
  answer a = plain(j.status, j.body);
  a.content_type = json_type;
  return a;
}

}  // namespace

answer console_app::handle(const request_view& r) {
  std::string_view path = r.target.substr(0, r.target.find('?'));
  answer a = auth_ ? handle_console(r, path) : handle_metrics_only(r, path);
  a.head_only = r.method == "HEAD";
  // The page is served by the console alone: no frames, no scripts or styles from elsewhere,
  // no guessing of types, no referrer, nothing cached.
  a.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
  a.headers.emplace_back("X-Content-Type-Options", "nosniff");
  a.headers.emplace_back("Referrer-Policy", "no-referrer");
  a.headers.emplace_back("Cache-Control", "no-store");
  return a;
}

answer console_app::handle_metrics_only(const request_view& r, std::string_view path) {
  if (!reads(r.method)) return method_not_allowed("GET, HEAD");
  if (path == "/metrics") {
    answer a = plain(200, backend_.metrics());
    a.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return a;
  }
  if (path == "/") return plain(200, "dms-stub: the drivers' metrics are at /metrics\n");
  return plain(404, "not found; try /metrics\n");
}

answer console_app::handle_console(const request_view& r, std::string_view path) {
  for (const asset& f : console_assets()) {
    if (f.path != path && !(path == "/" && f.path == "/index.html")) continue;
    if (!reads(r.method)) return method_not_allowed("GET, HEAD");
    answer a;
    a.content_type = f.content_type;
    a.body = f.body;
    return a;
  }
  const auto now = std::chrono::steady_clock::now();
  const bool changes = !reads(r.method);
  if (changes) {
    const std::string problem = cross_site_problem(r.method, r.header("X-DMS-Console"),
                                                   r.header("Origin"), r.header("Host"));
    if (!problem.empty()) return json_error(403, problem);
  }
  if (path == "/api/login") {
    if (r.method != "POST") return method_not_allowed("POST");
    rapidjson::Document d;
    d.Parse(r.body.data(), r.body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("token") || !d["token"].IsString())
      return json_error(400, "the body must be {\"token\": \"...\"}");
    auto cookie =
        auth_->login(std::string_view(d["token"].GetString(), d["token"].GetStringLength()), now);
    if (!cookie) return json_error(401, "this is not the console's token");
    answer a = plain(204, "");
    a.headers.emplace_back("Set-Cookie", std::move(*cookie));
    return a;
  }
  if (!auth_->authenticated(r.header("Authorization"), r.header("Cookie"), now)) {
    answer a = json_error(401, "log in first: the console's token (--console-token-file)");
    a.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"dms-stub console\"");
    return a;
  }
  if (path == "/api/logout") {
    if (r.method != "POST") return method_not_allowed("POST");
    answer a = plain(204, "");
    a.headers.emplace_back("Set-Cookie", auth_->logout(r.header("Cookie")));
    return a;
  }
  if (path == "/api/session") {
    if (!reads(r.method)) return method_not_allowed("GET, HEAD");
    return plain(204, "");
  }
  if (path == "/api/channels") {
    if (!reads(r.method)) return method_not_allowed("GET, HEAD");
    answer a = plain(200, backend_.channels_json());
    a.content_type = json_type;
    return a;
  }
  if (path == "/api/test-sms") {
    if (reads(r.method)) {
      answer a = plain(200, backend_.tests_json());
      a.content_type = json_type;
      return a;
    }
    if (r.method != "POST") return method_not_allowed("GET, HEAD, POST");
    rapidjson::Document d;
    d.Parse(r.body.data(), r.body.size());
    auto text_of = [&d](const char* name) -> std::optional<std::string> {
      if (!d.IsObject() || !d.HasMember(name) || !d[name].IsString()) return std::nullopt;
      return std::string(d[name].GetString(), d[name].GetStringLength());
    };
    const auto channel = text_of("channel"), to = text_of("to"), text = text_of("text");
    if (d.HasParseError() || !channel || !to || !text)
      return json_error(
          400, "the body must be {\"channel\": \"...\", \"to\": \"...\", \"text\": \"...\"}");
    const test_sms_answer sent = backend_.send_test(*channel, *to, *text);
    if (!sent.accepted) return json_error(400, sent.status_name + ": " + sent.error);
    answer a = plain(202, "{\"id\":\"" + sent.id + "\"}");
    a.content_type = json_type;
    return a;
  }
  if (path.starts_with(settings_path)) {
    const auto channel = percent_decoded(path.substr(settings_path.size()));
    if (!channel || channel->empty() || !backend_.settings || !backend_.apply_settings)
      return json_error(404, "no such page or API: " + std::string(path));
    if (reads(r.method)) return json(backend_.settings(*channel));
    if (r.method != "POST") return method_not_allowed("GET, HEAD, POST");
    return json(backend_.apply_settings(*channel, r.body));
  }
  if (path == "/metrics") {
    if (!reads(r.method)) return method_not_allowed("GET, HEAD");
    answer a = plain(200, backend_.metrics());
    a.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return a;
  }
  return json_error(404, "no such page or API: " + std::string(path));
}

}  // namespace smsdrv::console
