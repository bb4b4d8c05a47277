// dms-stub: the reference host (docs/esp.md, docs/deployment.md).
#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host/cfg_file.hpp"
#include "host/channel_plan.hpp"
#include "host/cli.hpp"
#include "host/drivers.hpp"
#include "host/event_loop.hpp"
#include "host/log_privacy.hpp"
#include "host/logger.hpp"
#include "host/metrics_server.hpp"
#include "host/pii.hpp"
#include "host/prometheus.hpp"
#include "host/request_reader.hpp"
#include "host/runtime.hpp"

namespace {

using namespace smsdrv::host;

constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

// SIGINT and SIGTERM are blocked in every thread (drivers' threads inherit the mask) and read
// from a signalfd by the main loop; SIGPIPE is ignored so that a closed stdout is an EPIPE.
int take_over_signals() {
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

void configure_all(const cfg_file& cfg, const channel_plan& plan, driver_list& drivers,
                   const logger& log) {
  auto apply = [&](loaded_driver& d, const cfg_section& s) {
    smsdrv::key_values options;
    std::vector<uint32_t> lines;
    options.reserve(s.options.size());
    lines.reserve(s.options.size());
    for (const auto& o : s.options) {
      options.emplace_back(o.key, o.value);
      lines.push_back(o.line);
    }
    try {
      d.instance->configure(s.name, options, cfg.source, lines);
    } catch (const smsdrv::error& e) {
      throw std::runtime_error(cfg.source + ":" + std::to_string(s.line) + ": driver " + d.name +
                               " refused [" + s.name + "]: " + e.what());
    }
    log.log(SMSDRV_LOG_DEBUG, d.name, "configured [{}]", s.name);
  };
  for (const cfg_section* s : plan.driver_wide)
    for (auto& d : drivers)
      apply(*d, *s);
  for (const auto& [s, index] : plan.channel_sections)
    apply(*drivers[index], *s);
}

// GET /metrics: every driver's samples; drivers of ABI 1.0 have none.
std::string render_metrics(driver_list& drivers, const logger& log) {
  std::vector<driver_metrics> all;
  for (auto& d : drivers) {
    try {
      if (auto samples = d->instance->metrics()) all.push_back({d->name, std::move(*samples)});
    } catch (const std::exception& e) {
      log.log(SMSDRV_LOG_WARN, d->name, "metrics: {}", e.what());
    }
  }
  return prometheus_text(all);
}

int serve(const run_options& options, const logger& log, int signal_fd) {
  const cfg_file cfg = read_cfg_file(options.config);
  const pii_rules pii(cfg);
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
  std::vector<std::string> names;
  for (const auto& d : drivers)
    names.push_back(d->name);
  const channel_plan plan = plan_channels(cfg, names, log);
  for (auto& d : drivers)
    d->start(log, main_wake, options.app_name);
  configure_all(cfg, plan, drivers, log);
  // The drivers accepted the masking sections; dms-stub's own lines follow the same rules.
  log.set_masking(read_masking(cfg, server_root_of(dir)));
  // Declared after the drivers: stopped before they are destroyed.
  std::optional<metrics_server> metrics;
  if (options.metrics_port) {
    metrics.emplace(
        *options.metrics_port, [&drivers, &log] { return render_metrics(drivers, log); }, log);
    log.log(SMSDRV_LOG_INFO, "dms-stub", "metrics for Prometheus on http://127.0.0.1:{}/metrics",
            metrics->port());
    for (const auto& d : drivers)
      if (!d->instance->has_metrics())
        log.log(SMSDRV_LOG_INFO, d->name, "this driver reports no metrics (driver ABI before 1.1)");
  }
  log.log(SMSDRV_LOG_INFO, "dms-stub", "serving {} channel(s); reading requests on stdin",
          plan.channels.size());

  runtime rt(options, log, drivers, plan.channels, main_wake);
  rt.pii = &pii;
  request_reader reader(rt, STDIN_FILENO);
  std::thread reader_thread([&reader] { reader.run(); });
  try {
    event_loop loop(rt, signal_fd, STDOUT_FILENO);
    return loop.run(reader_thread);
  } catch (...) {
    // Drivers must not be shut down while the reader may still call send().
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
      std::printf("dms-stub %s (driver ABI %u.%u)\n", SMSDRV_HOST_VERSION, SMSDRV_ABI_MAJOR,
                  SMSDRV_ABI_MINOR);
      return 0;
    case command_line::action::run:
      break;
  }
  return run(cl.run);
}
