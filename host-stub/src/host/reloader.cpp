#include "host/reloader.hpp"

#include <exception>

namespace smsdrv::host {
namespace {

std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& n : list)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

void reloader::reload(std::string_view cause) {
  const logger& log = rt_.log;
  log.log(SMSDRV_LOG_INFO, "dms-stub", "{}: reading {} again", cause, path_);
  std::unique_ptr<served_config> next;
  try {
    next = read_served_config(path_, rt_.drivers, server_root_, log);
  } catch (const std::exception& e) {
    log.log(SMSDRV_LOG_ERROR, "dms-stub", "{}: {} is not applied; nothing changed:\n{}", cause,
            path_, e.what());
    return;
  }
  reload_outcome out;
  {
    const auto lock = rt_.changing_config();
    try {
      apply_changes(*serving_, *next, rt_.drivers, rt_.options.drain, log, out);
    } catch (const std::exception& e) {
      // An instance replaced before the failure is gone even so: its queued requests go again.
      for (const auto& [driver, channel] : out.superseded)
        rt_.requests.mark_superseded(driver, channel);
      log.log(SMSDRV_LOG_ERROR, "dms-stub", "{}: {} is not applied; nothing changed:\n{}", cause,
              path_, e.what());
      return;
    }
    for (const auto& [driver, channel] : out.superseded)
      rt_.requests.mark_superseded(driver, channel);
    rt_.channels = &next->plan.channels;
    rt_.pii = &next->pii;
    serving_.swap(next);
    publish_channels(rt_);
  }
  log.set_masking(serving_->masking);
  if (out.added.empty() && out.replaced.empty() && out.removed.empty() && !out.driver_wide) {
    log.log(SMSDRV_LOG_INFO, "dms-stub", "{}: {} applied: no channel changed ({} unchanged)", cause,
            path_, out.unchanged);
    return;
  }
  std::string what;
  auto add = [&what](size_t n, std::string_view verb, const std::vector<std::string>& list) {
    if (n == 0) return;
    what += (what.empty() ? "" : "; ") + std::to_string(n) + " " + std::string(verb) +
            (list.empty() ? "" : " (" + names(list) + ")");
  };
  add(out.replaced.size(), "replaced", out.replaced);
  add(out.added.size(), "added", out.added);
  add(out.removed.size(), "removed", out.removed);
  add(out.unchanged, "unchanged", {});
  if (out.driver_wide) what += "; driver-wide sections changed";
  log.log(SMSDRV_LOG_INFO, "dms-stub", "{}: {} applied: {}", cause, path_, what);
}

}  // namespace smsdrv::host
