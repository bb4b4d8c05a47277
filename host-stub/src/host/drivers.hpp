// drivers.hpp - finding, loading and starting the driver modules of a media-channel-drivers
// folder (the DMS deployment model, docs/deployment.md).
#ifndef SMSDRV_HOST_DRIVERS_HPP
#define SMSDRV_HOST_DRIVERS_HPP

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/logger.hpp"
#include "host/wakeup.hpp"
#include "smsdrv/smsdrv.hpp"

namespace smsdrv::host {

// What a driver's notify() and log() callbacks reach; lives as long as the driver.
struct callback_context {
  const logger* log = nullptr;
  const wakeup* wake = nullptr;
  std::string driver_name;
};

// One module and the driver instance made from it. Not movable: the driver keeps a pointer to
// callbacks. Members are destroyed in reverse order, so the instance goes before its module.
struct loaded_driver {
  // Loads the module; throws smsdrv::error naming the file (missing entry point, ABI mismatch).
  explicit loaded_driver(const std::string& path);
  loaded_driver(const loaded_driver&) = delete;
  loaded_driver& operator=(const loaded_driver&) = delete;

  // Creates the instance. Throws smsdrv::error with the driver's explanation.
  void start(const logger& log, const wakeup& wake, const std::string& app_name);

  smsdrv::module module;
  std::string name;  // the driver_name a section's "driver = ..." refers to
  callback_context callbacks;
  std::optional<smsdrv::driver> instance;
};

using driver_list = std::vector<std::unique_ptr<loaded_driver>>;

// Every DIR/channel-*/*.so, sorted by path. A channel-* folder without a module is reported
// through log (a half-removed installation) and skipped.
std::vector<std::string> find_driver_modules(const std::string& dir, const logger& log);

// The default --drivers: DIR/media-channel-drivers for the nearest DIR at or above the config
// file's folder that has one (the server root), or nullopt.
std::optional<std::string> default_drivers_dir(const std::string& config_path);

// The server root of a drivers folder: the folder holding it when it is named
// media-channel-drivers (the install layout), else "" (relative paths stay relative to the
// working directory). The drivers take relative paths in options from the same place.
std::string server_root_of(const std::string& drivers_dir);

// Loads every module found; throws std::runtime_error when there is none, when a module cannot
// be used, or when two modules share a driver name.
driver_list load_drivers(const std::string& dir, const logger& log);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_DRIVERS_HPP
