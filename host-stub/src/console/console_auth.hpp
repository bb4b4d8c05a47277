// console_auth.hpp - who may use dms-stub's web console (docs/console.md "Security").
//
// The operator's secret is a token in a file (--console-token-file): at least 24 printable
// characters on its first line, the file readable by its owner only (like an SSH key). A client
// proves it either with every request (`Authorization: Bearer <token>`, for scripts and
// Prometheus' `authorization.credentials_file`) or once, by posting the token to /api/login,
// which sets a session cookie (HttpOnly, SameSite=Strict): a random identifier, never the token.
//
// Cross-site requests: a request that changes state (any method but GET and HEAD) must carry the
// header `X-DMS-Console: 1` (a cross-site page cannot send a custom header without a CORS
// preflight, which the console never approves) and, when the browser sends an Origin, that
// Origin must be the console's own (`http://` + the Host header). Together with SameSite=Strict
// cookies this is the OWASP "custom request header" and "verifying origin" defence.
//
// Threads: one (the console's I/O thread).
#ifndef SMSDRV_CONSOLE_CONSOLE_AUTH_HPP
#define SMSDRV_CONSOLE_CONSOLE_AUTH_HPP

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace smsdrv::console {

// Reads and checks the token file. Throws std::runtime_error naming the option, the file and the
// rule broken (never a character of the token).
std::string read_token_file(const std::string& path);

// Constant-time comparison (the time taken does not depend on where the texts differ).
bool same_secret(std::string_view a, std::string_view b) noexcept;

class console_auth {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::size_t max_sessions = 64;
  static constexpr std::chrono::hours session_lifetime{12};
  static constexpr std::string_view cookie_name = "dms-console-session";

  explicit console_auth(std::string token) : token_(std::move(token)) {}

  // True when the Authorization header carries the token or the Cookie header a live session.
  bool authenticated(std::string_view authorization, std::string_view cookie,
                     clock::time_point now);

  // A login with `offered`: a new session's Set-Cookie value, or nullopt when it is not the
  // token. The oldest session goes when max_sessions are open.
  std::optional<std::string> login(std::string_view offered, clock::time_point now);
  // Ends the session the Cookie header names; returns the Set-Cookie value that clears it.
  std::string logout(std::string_view cookie);

 private:
  std::string token_;
  std::map<std::string, clock::time_point, std::less<>> sessions_;  // id -> expiry
};

// The cross-site check above. Returns "" when the request may change state, else why not.
std::string cross_site_problem(std::string_view method, std::string_view console_header,
                               std::string_view origin, std::string_view host);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace smsdrv::console

#endif  // SMSDRV_CONSOLE_CONSOLE_AUTH_HPP
