// cli.hpp - dms-stub's command line.
#ifndef SMSDRV_HOST_CLI_HPP
#define SMSDRV_HOST_CLI_HPP

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smsdrv::host {

struct run_options {
  std::string config;                   // --config FILE (required)
  std::string drivers;                  // --drivers DIR; empty: derived from the config's location
  std::chrono::milliseconds linger{0};  // --linger SECONDS
  std::chrono::milliseconds drain{30000};  // --drain SECONDS
  std::string app_name = "dms-stub";       // --app-name NAME
  int32_t log_level = 3;                   // --log-level (SMSDRV_LOG_*), info by default
  std::optional<uint16_t> metrics_port;    // --metrics-port: Prometheus endpoint on 127.0.0.1
  std::string console_address;             // --console ADDRESS:PORT ("" : no console)
  uint16_t console_port = 0;
  std::string console_token_file;  // --console-token-file FILE (required with --console)
};

struct command_line {
  enum class action { run, help, version };
  action what = action::help;
  run_options run;
};

// Parses argv (without argv[0]). Throws std::invalid_argument with a one-line explanation for a
// usage error (unknown command or option, missing or bad value).
command_line parse_command_line(const std::vector<std::string>& args);

// The --help text.
const char* usage_text() noexcept;

// "error" ... "trace" to SMSDRV_LOG_*, or nullopt.
std::optional<int32_t> parse_log_level(const std::string& name) noexcept;

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_CLI_HPP
