// settings_api.hpp - the console's settings page behind /api/settings/<channel>
// (settings_json.hpp for the bodies, docs/console.md "Settings"). Runs on the console's thread:
// it reads the options file and the driver's shipped options file itself, and hands an apply to
// the main thread (runtime::tasks), which alone changes what is served (reloader::apply_section),
// waiting for its outcome.
//
// Answers: 200 the page / applied; 400 an unreadable body; 404 no such channel; 409 the options
// file cannot be read or no longer has the section; 422 {"error", "fields"} values refused by
// dms-stub's or the driver's rules, nothing changed; 500 the file could not be written, nothing
// changed; 503 dms-stub is stopping, or did not take the change in time.
#ifndef SMSDRV_CONSOLE_SETTINGS_API_HPP
#define SMSDRV_CONSOLE_SETTINGS_API_HPP

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "console/console_app.hpp"
#include "host/reloader.hpp"
#include "host/runtime.hpp"

namespace smsdrv::console {

class settings_api {
 public:
  settings_api(host::runtime& rt, host::reloader& reload, std::string config_path)
      : rt_(rt), reload_(reload), config_path_(std::move(config_path)) {}

  json_answer page(const std::string& channel);
  json_answer apply(const std::string& channel, std::string_view body);

  // How long apply() waits for the main thread.
  static constexpr std::chrono::seconds apply_wait{30};

 private:
  host::runtime& rt_;
  host::reloader& reload_;
  std::string config_path_;
};

}  // namespace smsdrv::console

#endif  // SMSDRV_CONSOLE_SETTINGS_API_HPP
