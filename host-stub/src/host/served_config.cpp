#include "host/served_config.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "host/log_privacy.hpp"

namespace smsdrv::host {
namespace {

constexpr std::string_view driver_wide_names[] = {"settings", "log-filter", "log-filter-data"};

using pairs = std::vector<std::pair<std::string_view, std::string_view>>;

pairs sorted_options(const cfg_section& s) {
  pairs out;
  out.reserve(s.options.size());
  for (const cfg_option& o : s.options)
    out.emplace_back(o.key, o.value);
  std::sort(out.begin(), out.end());
  return out;
}

// The same options with the same values, wherever they stand in the file.
bool same_options(const cfg_section* a, const cfg_section* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return sorted_options(*a) == sorted_options(*b);
}

struct placed {
  const cfg_section* section;
  size_t driver;
};

std::map<std::string_view, placed> channels_of(const served_config& c) {
  std::map<std::string_view, placed> out;
  for (const auto& [s, driver] : c.plan.channel_sections)
    out.emplace(s->name, placed{s, driver});
  return out;
}

// Runs the undo steps in reverse; a step that fails is logged and the others still run.
void undo_all(std::vector<std::pair<std::string, std::function<void()>>>& undo, const logger& log) {
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
    try {
      it->second();
    } catch (const std::exception& e) {
      log.log(SMSDRV_LOG_ERROR, "dms-stub", "reload: could not undo ({}): {}", it->first, e.what());
    }
  }
  undo.clear();
}

}  // namespace

std::unique_ptr<served_config> read_served_config(const std::string& path,
                                                  const driver_list& drivers,
                                                  const std::string& server_root,
                                                  const logger& log) {
  auto c = std::make_unique<served_config>();
  c->cfg = read_cfg_file(path);
  std::vector<std::string> names;
  for (const auto& d : drivers)
    names.push_back(d->name);
  c->plan = plan_channels(c->cfg, names, log);
  c->pii = pii_rules(c->cfg);
  c->masking = read_masking(c->cfg, server_root);
  return c;
}

void configure_section(loaded_driver& d, const cfg_file& cfg, const cfg_section& s,
                       const logger& log) {
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
}

void configure_all(const served_config& config, driver_list& drivers, const logger& log) {
  for (const cfg_section* s : config.plan.driver_wide)
    for (auto& d : drivers)
      configure_section(*d, config.cfg, *s, log);
  for (const auto& [s, index] : config.plan.channel_sections)
    configure_section(*drivers[index], config.cfg, *s, log);
}

void apply_changes(const served_config& from, const served_config& to, driver_list& drivers,
                   std::chrono::milliseconds drain, const logger& log, reload_outcome& out) {
  const auto before = channels_of(from);
  const auto after = channels_of(to);
  // Everything a driver cannot do is found before anything changes.
  std::string cannot;
  auto needs_removal = [&](size_t driver, std::string_view channel, std::string_view why) {
    if (drivers[driver]->instance->has_remove_channel()) return;
    cannot += "\n[" + std::string(channel) + "] " + std::string(why) + ", but driver " +
              drivers[driver]->name +
              " cannot replace or remove a channel while it runs (driver ABI before 1.2): "
              "restart dms-stub to apply this";
  };
  for (const auto& [name, was] : before) {
    const auto now = after.find(name);
    if (now == after.end())
      needs_removal(was.driver, name, "was removed");
    else if (now->second.driver != was.driver)
      needs_removal(was.driver, name, "moved to another driver");
    else if (!same_options(was.section, now->second.section))
      needs_removal(was.driver, name, "changed");
  }
  if (!cannot.empty())
    throw std::runtime_error("the file changes what the drivers cannot change while running:" +
                             cannot);

  std::vector<std::pair<std::string, std::function<void()>>> undo;
  try {
    for (const std::string_view name : driver_wide_names) {
      const cfg_section* old_section = from.cfg.find(name);
      const cfg_section* new_section = to.cfg.find(name);
      if (same_options(old_section, new_section)) continue;
      // A section that is gone is given empty: its options go back to their defaults.
      const cfg_section reset{std::string(name), 0, {}};
      for (auto& d : drivers) {
        configure_section(*d, to.cfg, new_section ? *new_section : reset, log);
        undo.emplace_back("[" + std::string(name) + "] for driver " + d->name,
                          [&from, &d, &log, old_section, reset] {
                            configure_section(*d, from.cfg, old_section ? *old_section : reset,
                                              log);
                          });
      }
      out.driver_wide = true;
    }
    for (const auto& [name, now] : after) {
      const auto was = before.find(name);
      loaded_driver& d = *drivers[now.driver];
      if (was == before.end()) {
        configure_section(d, to.cfg, *now.section, log);
        undo.emplace_back("remove the added [" + std::string(name) + "]",
                          [&d, n = std::string(name)] { d.instance->remove_channel(n, 0); });
        out.added.emplace_back(name);
      } else if (was->second.driver != now.driver) {
        configure_section(d, to.cfg, *now.section, log);
        undo.emplace_back("remove [" + std::string(name) + "] from driver " + d.name,
                          [&d, n = std::string(name)] { d.instance->remove_channel(n, 0); });
        out.replaced.emplace_back(name);
      } else if (!same_options(was->second.section, now.section)) {
        configure_section(d, to.cfg, *now.section, log);
        // The old instance answers its queued requests SHUT_DOWN from now on, whatever follows.
        out.superseded.emplace_back(now.driver, std::string(name));
        undo.emplace_back("[" + std::string(name) + "] as it was",
                          [&from, &d, &log, s = was->second.section] {
                            configure_section(d, from.cfg, *s, log);
                          });
        out.replaced.emplace_back(name);
      } else {
        ++out.unchanged;
      }
    }
  } catch (...) {
    undo_all(undo, log);
    throw;
  }
  // Removals last: they cannot be undone (the channel drains), and nothing can fail any more.
  for (const auto& [name, was] : before) {
    const auto now = after.find(name);
    if (now != after.end() && now->second.driver == was.driver) continue;
    if (now != after.end()) out.superseded.emplace_back(was.driver, std::string(name));
    try {
      drivers[was.driver]->instance->remove_channel(std::string(name),
                                                    static_cast<uint32_t>(drain.count()));
    } catch (const std::exception& e) {
      log.log(SMSDRV_LOG_ERROR, "dms-stub", "reload: removing [{}] from driver {}: {}", name,
              drivers[was.driver]->name, e.what());
    }
    if (now == after.end()) out.removed.emplace_back(name);
  }
}

}  // namespace smsdrv::host
