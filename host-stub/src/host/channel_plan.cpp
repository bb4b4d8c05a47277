#include "host/channel_plan.hpp"

#include <stdexcept>

#include "host/pii.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::host {
namespace {

constexpr std::string_view driver_wide_sections[] = {"settings", "log-filter", "log-filter-data"};

std::string list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

size_t pick_driver(const cfg_file& cfg, const cfg_section& s,
                   const std::vector<std::string>& names) {
  const std::string at = cfg.source + ":" + std::to_string(s.line) + ": [" + s.name + "]";
  if (const cfg_option* o = s.find("driver"); o != nullptr) {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == o->value) return i;
    throw std::invalid_argument(cfg.source + ":" + std::to_string(o->line) + ": [" + s.name +
                                "] driver = \"" + o->value +
                                "\": no loaded driver has that name (loaded: " + list(names) + ")");
  }
  if (names.size() == 1) return 0;
  throw std::invalid_argument(at + ": several drivers are loaded (" + list(names) +
                              "); say which one this channel uses with driver = <name>");
}

}  // namespace

channel_plan plan_channels(const cfg_file& cfg, const std::vector<std::string>& driver_names,
                           const logger& log) {
  channel_plan plan;
  for (const auto name : driver_wide_sections)
    if (const cfg_section* s = cfg.find(name)) plan.driver_wide.push_back(s);
  for (const auto& s : cfg.sections) {
    if (s.name.rfind("channel-", 0) == 0 && s.name.size() > 8) {
      const size_t driver = pick_driver(cfg, s, driver_names);
      inbound_router router(s, cfg.source);
      if (!router.has_route())
        log.log(SMSDRV_LOG_WARN, s.name,
                "{}:{}: no inbound-route: inbound messages are written without an endpoint",
                cfg.source, s.line);
      plan.channel_sections.emplace_back(&s, driver);
      plan.channels.emplace(s.name, channel_entry{driver, std::move(router)});
      continue;
    }
    bool known = false;
    for (const auto name : driver_wide_sections)
      known = known || s.name == name;
    for (const auto name : pii_sections)  // read by dms-stub itself
      known = known || s.name == name;
    if (!known)
      log.log(SMSDRV_LOG_WARN, "dms-stub",
              "{}:{}: section [{}] is not for channel drivers; ignored", cfg.source, s.line,
              s.name);
  }
  if (plan.channels.empty())
    log.log(SMSDRV_LOG_WARN, "dms-stub", "{}: no [channel-<name>] section: no channel to serve",
            cfg.source);
  return plan;
}

}  // namespace smsdrv::host
