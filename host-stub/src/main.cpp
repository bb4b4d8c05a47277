// dms-stub: the reference host (docs/esp.md, docs/deployment.md).
#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "console/console_app.hpp"
#include "console/console_auth.hpp"
#include "console/console_server.hpp"
#include "console/settings_api.hpp"
#include "console/status_json.hpp"
#include "host/cli.hpp"
#include "host/drivers.hpp"
#include "host/event_loop.hpp"
#include "host/log_privacy.hpp"
#include "host/logger.hpp"
#include "host/prometheus.hpp"
#include "host/reloader.hpp"
#include "host/request_reader.hpp"
#include "host/runtime.hpp"
#include "host/served_config.hpp"
#include "host/test_sms.hpp"

namespace {

using namespace smsdrv::host;

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

// SIGINT, SIGTERM and SIGHUP are blocked in every thread (drivers' threads inherit the mask) and
// read from a signalfd by the main loop; SIGPIPE is ignored so that a closed stdout is an EPIPE.
int take_over_signals() {
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

// Every driver's samples; drivers of ABI 1.0 have none. Any thread (smsdrv.h: metrics() may
// overlap other calls).
std::vector<driver_metrics> collect_metrics(driver_list& drivers, const logger& log) {
  std::vector<driver_metrics> all;
  for (auto& d : drivers) {
    try {
      if (auto samples = d->instance->metrics()) all.push_back({d->name, std::move(*samples)});
    } catch (const std::exception& e) {
      log.log(SMSDRV_LOG_WARN, d->name, "metrics: {}", e.what());
    }
  }
  return all;
}

int serve(const run_options& options, const logger& log, int signal_fd) {
  std::string dir = options.drivers;
  if (dir.empty()) {
    const auto found = default_drivers_dir(options.config);
    if (!found)
      throw std::runtime_error("no media-channel-drivers folder at or above the folder of " +
                               options.config + "; say where the drivers are with --drivers DIR");
    dir = *found;
  }
  // Declared before the drivers, which call it until they are destroyed.
  wakeup main_wake;
  driver_list drivers = load_drivers(dir, log);
  const std::string server_root = server_root_of(dir);
  // Everything dms-stub decides itself is checked before any driver sees a section.
  std::unique_ptr<served_config> serving =
      read_served_config(options.config, drivers, server_root, log);
  for (auto& d : drivers)
    d->start(log, main_wake, options.app_name);
  configure_all(*serving, drivers, log);
  // The drivers accepted the masking sections; dms-stub's own lines follow the same rules.
  log.set_masking(serving->masking);
  runtime rt(options, log, drivers, serving->plan.channels, main_wake);
  rt.pii = &serving->pii;
  publish_channels(rt);
  const size_t served = serving->plan.channels.size();
  reloader reload(rt, std::move(serving), options.config, server_root);
  smsdrv::console::settings_api settings(rt, reload, options.config);
  // Declared after the drivers, rt and reload: stopped before they are destroyed.
  const smsdrv::console::console_backend backend{
      [&drivers, &log] { return prometheus_text(collect_metrics(drivers, log)); },
      [&rt, &drivers, &log] {
        return smsdrv::console::channels_json(rt.status.snapshot(), collect_metrics(drivers, log),
                                              std::chrono::system_clock::now());
      },
      [&rt] { return smsdrv::console::tests_json(rt.tests.snapshot()); },
      [&rt](const std::string& channel, const std::string& to, const std::string& text) {
        const test_sms_result r = send_test_sms(rt, channel, to, text);
        return smsdrv::console::test_sms_answer{r.status == SMSDRV_OK, r.id, r.status_name,
                                                r.error};
      },
      [&settings](const std::string& channel) { return settings.page(channel); },
      [&settings](const std::string& channel, std::string_view body) {
        return settings.apply(channel, body);
      }};
  std::optional<smsdrv::console::console_app> metrics_app;
  std::optional<smsdrv::console::console_server> metrics;
  if (options.metrics_port) {
    metrics_app.emplace(nullptr, backend);
    metrics.emplace("--metrics-port", "127.0.0.1", *options.metrics_port, *metrics_app, log);
    log.log(SMSDRV_LOG_INFO, "dms-stub", "metrics for Prometheus on http://127.0.0.1:{}/metrics",
            metrics->port());
  }
  std::optional<smsdrv::console::console_app> console_app;
  std::optional<smsdrv::console::console_server> console;
  if (!options.console_address.empty()) {
    console_app.emplace(std::make_unique<smsdrv::console::console_auth>(
                            smsdrv::console::read_token_file(options.console_token_file)),
                        backend);
    console.emplace("--console", options.console_address, options.console_port, *console_app, log);
    const bool v6 = options.console_address.find(':') != std::string::npos;
    log.log(SMSDRV_LOG_INFO, "dms-stub", "console on http://{}{}{}:{}/ (token from {})",
            v6 ? "[" : "", options.console_address, v6 ? "]" : "", console->port(),
            options.console_token_file);
  }
  if (metrics || console)
    for (const auto& d : drivers)
      if (!d->instance->has_metrics())
        log.log(SMSDRV_LOG_INFO, d->name, "this driver reports no metrics (driver ABI before 1.1)");
  log.log(SMSDRV_LOG_INFO, "dms-stub", "serving {} channel(s); reading requests on stdin", served);
  request_reader reader(rt, STDIN_FILENO);
  std::thread reader_thread([&reader] { reader.run(); });
  try {
    event_loop loop(rt, signal_fd, STDOUT_FILENO, &reload);
    return loop.run(reader_thread);
  } catch (...) {
    // Drivers must not be shut down while the reader may still call send(); a settings change
    // the console waits for is answered "stopping".
    rt.tasks.close();
    rt.stopping.store(true);
    rt.reader_stop.signal();
    if (reader_thread.joinable()) reader_thread.join();
    throw;
  }
}

int run(const run_options& options) {
  const logger log(options.log_level);
  // Until the options file is read: passwords hidden, everything else as it is.
  log.set_masking(std::make_shared<const smsdrv::privacy::masking>(
      smsdrv::privacy::masking_settings{}, nullptr));
  const int signal_fd = take_over_signals();
  int status = exit_failure;
  try {
    status = serve(options, log, signal_fd);
  } catch (const std::exception& e) {
    log.write(SMSDRV_LOG_ERROR, "dms-stub", e.what());
  }
  if (signal_fd >= 0) ::close(signal_fd);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  command_line cl;
  try {
    cl = parse_command_line(args);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "dms-stub: %s\n", e.what());
    return exit_usage;
  }
  switch (cl.what) {
    case command_line::action::help:
      std::fputs(usage_text(), stdout);
      return 0;
    case command_line::action::version:
      std::printf("dms-stub %s (driver ABI %u.%u)\n", SMSDRV_VERSION, SMSDRV_ABI_MAJOR,
                  SMSDRV_ABI_MINOR);
      return 0;
    case command_line::action::run:
      break;
  }
  return run(cl.run);
}
