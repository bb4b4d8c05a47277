#include "host/drivers.hpp"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <stdexcept>

namespace smsdrv::host {
namespace {

namespace fs = std::filesystem;

void on_notify(void* context) {
  static_cast<const callback_context*>(context)->wake->signal();
}

void on_log(void* context, int32_t level, const char* channel, const char* message) {
  const auto* c = static_cast<const callback_context*>(context);
  const std::string_view ch = channel != nullptr && channel[0] != '\0'
                                  ? std::string_view(channel)
                                  : std::string_view(c->driver_name);
  c->log->write(level, ch, message != nullptr ? message : "");
}

}  // namespace

loaded_driver::loaded_driver(const std::string& path) : module(path) {
  const smsdrv_driver_api& api = module.api();
  if (api.struct_size < SMSDRV_DRIVER_API_SIZE_1_0 ||
      SMSDRV_ABI_VERSION_MAJOR_OF(api.abi_version) != SMSDRV_ABI_MAJOR)
    throw smsdrv::error(SMSDRV_E_ABI_MISMATCH,
                        "driver module " + path + " has an incompatible function table (abi " +
                            std::to_string(SMSDRV_ABI_VERSION_MAJOR_OF(api.abi_version)) + "." +
                            std::to_string(SMSDRV_ABI_VERSION_MINOR_OF(api.abi_version)) + ", " +
                            std::to_string(api.struct_size) + " bytes)");
  if (api.driver_name == nullptr || api.driver_name[0] == '\0')
    throw smsdrv::error(SMSDRV_E_ABI_MISMATCH, "driver module " + path + " has no driver name");
  name = api.driver_name;
  callbacks.driver_name = name;
}

void loaded_driver::start(const logger& log, const wakeup& wake, const std::string& app_name) {
  callbacks.log = &log;
  callbacks.wake = &wake;
  smsdrv_host host{};
  host.struct_size = sizeof host;
  host.context = &callbacks;
  host.notify = on_notify;
  host.log = on_log;
  host.application_name = app_name.c_str();
  host.log_level = log.level();
  instance.emplace(module, host);
}

std::vector<std::string> find_driver_modules(const std::string& dir, const logger& log) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error("the drivers folder " + dir + " does not exist");
  std::vector<std::string> modules;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory() && entry.path().filename().string().rfind("channel-", 0) == 0)
      folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.is_regular_file() && entry.path().extension() == ".so")
        found.push_back(entry.path().string());
    if (found.empty())
      log.log(SMSDRV_LOG_WARN, "dms-stub", "{} has no driver module (*.so); skipped",
              folder.string());
    std::sort(found.begin(), found.end());
    modules.insert(modules.end(), found.begin(), found.end());
  }
  return modules;
}

std::optional<std::string> default_drivers_dir(const std::string& config_path) {
  std::error_code ec;
  fs::path dir = fs::absolute(config_path, ec).parent_path();
  if (ec) return std::nullopt;
  while (true) {
    const fs::path candidate = dir / "media-channel-drivers";
    if (fs::is_directory(candidate, ec)) return candidate.string();
    if (dir == dir.root_path() || dir.empty()) return std::nullopt;
    dir = dir.parent_path();
  }
}

std::string server_root_of(const std::string& drivers_dir) {
  std::error_code ec;
  const fs::path dir = fs::weakly_canonical(fs::absolute(drivers_dir, ec), ec);
  if (ec || dir.filename() != "media-channel-drivers") return {};
  return dir.parent_path().string();
}

driver_list load_drivers(const std::string& dir, const logger& log) {
  driver_list drivers;
  for (const auto& path : find_driver_modules(dir, log)) {
    auto d = std::make_unique<loaded_driver>(path);
    for (const auto& other : drivers)
      if (other->name == d->name)
        throw std::runtime_error("driver modules " + other->module.path() + " and " + path +
                                 " are both named '" + d->name +
                                 "'; a [channel-*] section could not tell them apart");
    log.log(SMSDRV_LOG_INFO, "dms-stub", "loaded driver {} {} from {}", d->name,
            d->module.api().driver_version ? d->module.api().driver_version : "?", path);
    drivers.push_back(std::move(d));
  }
  if (drivers.empty())
    throw std::runtime_error("no driver module found: expected " + dir + "/channel-*/*.so");
  return drivers;
}

}  // namespace smsdrv::host
