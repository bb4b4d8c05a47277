// console_app.hpp - dms-stub's web console as a function from an HTTP request to its answer
// (docs/console.md). No I/O: console_server (Boost.Beast) carries the bytes.
//
//   GET  /, /console.css, /console.js   the page (no data in it; it asks the API)
//   POST /api/login      {"token": "..."} -> 204 and a session cookie; 401 for a wrong token
//   POST /api/logout     204, the cookie cleared
//   GET  /api/session    204 when authenticated, else 401 (the page's "am I logged in")
//   GET  /api/channels   every channel: driver, last state, counters (channels_json)
//   POST /api/test-sms   {"channel", "to", "text"} -> 202 {"id"}; 400 {"error"} when refused
//   GET  /api/test-sms   the last test messages, newest first, with outcome and report
//   GET  /api/settings/<channel>   the channel's section with the driver's option help
//   POST /api/settings/<channel>   changes -> 200 applied; 422 {"error", "fields"} refused
//   GET  /metrics        the drivers' metrics for Prometheus (text format 0.0.4)
//
// Everything but the page's three files needs authentication (console_auth.hpp); every request
// that changes state passes the cross-site check. In metrics-only mode (--metrics-port) only
// GET / and GET /metrics exist, without authentication, as before the console.
#ifndef SMSDRV_CONSOLE_CONSOLE_APP_HPP
#define SMSDRV_CONSOLE_CONSOLE_APP_HPP

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "console/console_auth.hpp"

namespace smsdrv::console {

struct request_view {
  std::string_view method;
  std::string_view target;  // path and query
  std::string_view body;
  std::function<std::string_view(std::string_view)> header;  // "" when absent
};

struct answer {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool head_only = false;  // HEAD: the body's length is sent, not the body
};

struct test_sms_answer {
  bool accepted = false;
  std::string id;           // when accepted
  std::string status_name;  // when not: SMSDRV_E_* and why
  std::string error;
};

// An API answer in JSON with its status.
struct json_answer {
  unsigned status = 200;
  std::string body;
};

struct console_backend {
  std::function<std::string()> metrics;        // Prometheus text of every driver
  std::function<std::string()> channels_json;  // {"channels":[...]}
  std::function<std::string()> tests_json;     // {"messages":[...]}
  std::function<test_sms_answer(const std::string& channel, const std::string& to,
                                const std::string& text)>
      send_test;
  // GET and POST /api/settings/<channel> (console/settings_api.hpp); unset: 404.
  std::function<json_answer(const std::string& channel)> settings;
  std::function<json_answer(const std::string& channel, std::string_view body)> apply_settings;
};

class console_app {
 public:
  // auth == nullptr: metrics-only mode.
  console_app(std::unique_ptr<console_auth> auth, console_backend backend)
      : auth_(std::move(auth)), backend_(std::move(backend)) {}

  answer handle(const request_view& r);

 private:
  answer handle_console(const request_view& r, std::string_view path);
  answer handle_metrics_only(const request_view& r, std::string_view path);

  std::unique_ptr<console_auth> auth_;
  console_backend backend_;
};

// The page's files, built into dms-stub (console_assets.cpp, generated from host-stub/console/).
struct asset {
  std::string_view path;  // "/console.js"
  std::string_view content_type;
  std::string_view body;
};
const std::vector<asset>& console_assets();

}  // namespace smsdrv::console

#endif  // SMSDRV_CONSOLE_CONSOLE_APP_HPP
