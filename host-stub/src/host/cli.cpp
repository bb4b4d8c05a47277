#include "host/cli.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "smsdrv/smsdrv.h"

namespace smsdrv::host {
namespace {

// Non-negative decimal seconds ("30", "0.25") to milliseconds.
std::chrono::milliseconds parse_seconds(const std::string& option, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(seconds) ||
      seconds < 0 || seconds > 86400.0 * 365)
    throw std::invalid_argument(option + " needs a number of seconds >= 0, not '" + text + "'");
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000.0)));
}

}  // namespace

std::optional<int32_t> parse_log_level(const std::string& name) noexcept {
  if (name == "error") return SMSDRV_LOG_ERROR;
  if (name == "warn") return SMSDRV_LOG_WARN;
  if (name == "info") return SMSDRV_LOG_INFO;
  if (name == "debug") return SMSDRV_LOG_DEBUG;
  if (name == "trace") return SMSDRV_LOG_TRACE;
  return std::nullopt;
}

command_line parse_command_line(const std::vector<std::string>& args) {
  command_line cl;
  if (args.empty()) throw std::invalid_argument("missing command (try 'dms-stub --help')");
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") return cl;
  if (command == "--version") {
    cl.what = command_line::action::version;
    return cl;
  }
  if (command != "run")
    throw std::invalid_argument("unknown command '" + command + "' (try 'dms-stub --help')");
  cl.what = command_line::action::run;
  run_options& r = cl.run;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> inline_value;
    if (name == "--help" || name == "-h") {
      cl.what = command_line::action::help;
      return cl;
    }
    if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) throw std::invalid_argument(name + " needs a value");
      return args[++i];
    };
    if (name == "--config") {
      r.config = value();
    } else if (name == "--drivers") {
      r.drivers = value();
    } else if (name == "--linger") {
      r.linger = parse_seconds(name, value());
    } else if (name == "--drain") {
      r.drain = parse_seconds(name, value());
    } else if (name == "--app-name") {
      r.app_name = value();
    } else if (name == "--metrics-port") {
      const std::string port = value();
      char* end = nullptr;
      errno = 0;
      const long n = std::strtol(port.c_str(), &end, 10);
      if (port.empty() || end != port.c_str() + port.size() || errno != 0 || n < 0 || n > 65535)
        throw std::invalid_argument(
            "--metrics-port needs a TCP port from 0 to 65535 (0: any "
            "free one), not '" +
            port + "'");
      r.metrics_port = static_cast<uint16_t>(n);
    } else if (name == "--console") {
      // ADDRESS:PORT, [IPv6]:PORT, or PORT alone for 127.0.0.1.
      const std::string where = value();
      std::string address = "127.0.0.1", port = where;
      if (const auto colon = where.rfind(':'); colon != std::string::npos) {
        address = where.substr(0, colon);
        port = where.substr(colon + 1);
        if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
          address = address.substr(1, address.size() - 2);
      }
      char* end = nullptr;
      errno = 0;
      const long n = std::strtol(port.c_str(), &end, 10);
      if (address.empty() || port.empty() || end != port.c_str() + port.size() || errno != 0 ||
          n < 0 || n > 65535)
        throw std::invalid_argument(
            "--console needs ADDRESS:PORT (e.g. 127.0.0.1:8780; port 0 picks a free one), not '" +
            where + "'");
      r.console_address = address;
      r.console_port = static_cast<uint16_t>(n);
    } else if (name == "--console-token-file") {
      r.console_token_file = value();
    } else if (name == "--log-level") {
      const std::string level = value();
      const auto parsed = parse_log_level(level);
      if (!parsed)
        throw std::invalid_argument("--log-level is one of error, warn, info, debug, trace, not '" +
                                    level + "'");
      r.log_level = *parsed;
    } else {
      throw std::invalid_argument("unknown option '" + args[i] + "' (try 'dms-stub --help')");
    }
  }
  if (r.config.empty()) throw std::invalid_argument("run needs --config FILE");
  if (r.app_name.empty()) throw std::invalid_argument("--app-name must not be empty");
  if (!r.console_address.empty() && r.console_token_file.empty())
    throw std::invalid_argument(
        "--console needs --console-token-file FILE: every page and API call of the console is "
        "authenticated with the token in that file (docs/console.md)");
  if (r.console_address.empty() && !r.console_token_file.empty())
    throw std::invalid_argument("--console-token-file is only for --console ADDRESS:PORT");
  return cl;
}

const char* usage_text() noexcept {
  return R"(dms-stub - reference host for SMS/MMS channel drivers (docs/esp.md)

Usage:
  dms-stub run --config FILE [options]
  dms-stub --help | --version

Loads every driver module DIR/channel-*/*.so, configures it from the .cfg FILE, then reads
JSON-lines requests on stdin and writes JSON-lines events on stdout. Logs go to stderr.

Options of run:
  --config FILE       the options file: [settings], [log-filter], [log-filter-data] and one
                      [channel-<name>] section per channel
  --drivers DIR       where the channel-*/ module folders are. Default: the media-channel-drivers
                      folder of the server root, i.e. of the nearest directory at or above FILE's
                      directory that contains a media-channel-drivers/ folder
  --drain SECONDS     at end of input (or SIGTERM/SIGINT), wait at most this long for
                      outstanding responses; requests still open then fail with
                      SMSDRV_E_TIMEOUT (default 30). Also what a channel removed by a reload
                      gives its requests in flight
  --linger SECONDS    then keep receiving inbound traffic this long before unbinding (default 0)
  --app-name NAME     application name given to drivers (_umsInboundIxnSubmittedBy; default
                      dms-stub)
  --log-level LEVEL   error, warn, info (default), debug or trace; debug adds every request
                      and event (user data masked) and, with x-debug-mode, every PDU
  --metrics-port PORT serve the drivers' metrics for Prometheus on
                      http://127.0.0.1:PORT/metrics (loopback only; 0 picks a free port,
                      which the log names)
  --console ADDRESS:PORT
                      serve the web console (channels live; docs/console.md) and the metrics
                      (/metrics) on ADDRESS:PORT, e.g. 127.0.0.1:8780; keep it on loopback or
                      behind a TLS proxy. Port 0 picks a free one, which the log names
  --console-token-file FILE
                      the console's token: the first line of FILE (at least 24 characters,
                      FILE readable by its owner only). Browsers log in with it once; scripts
                      and Prometheus send it as "Authorization: Bearer <token>"

End of input, SIGINT or SIGTERM end the run the same way: drain, linger, unbind (a second
signal skips the rest of the drain and linger). SIGHUP reads FILE again and applies what changed
(added, changed and removed channels; a file with an error changes nothing). Exit status: 0
after a normal end, 1 when start-up or output fails, 2 for a usage error.
)";
}

}  // namespace smsdrv::host
