#include "host/reloader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace smsdrv::host {
namespace {

std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& n : list)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The whole file, or std::runtime_error naming it and the system's reason.
std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string changed_names(std::span<const cfg_change> changes) {
  std::string out;
  for (const cfg_change& c : changes)
    out += (out.empty() ? "" : ", ") + c.key;
  return out;
}

}  // namespace

void reloader::commit(std::unique_ptr<served_config> next, const reload_outcome& out) {
  for (const auto& [driver, channel] : out.superseded)
    rt_.requests.mark_superseded(driver, channel);
  rt_.channels = &next->plan.channels;
  rt_.pii = &next->pii;
  serving_.swap(next);
  publish_channels(rt_);
}

reloader::section_outcome reloader::apply_section(const std::string& channel,
                                                  std::span<const cfg_change> changes) {
  using result = section_outcome::result;
  const logger& log = rt_.log;
  section_outcome outcome;
  auto fail = [&](result what, std::string error) {
    outcome.what = what;
    outcome.error = std::move(error);
    log.log(SMSDRV_LOG_WARN, "dms-stub", "console: [{}] not applied; nothing changed:\n{}", channel,
            outcome.error);
    return outcome;
  };
  if (!serving_->plan.channels.contains(channel))
    return fail(result::not_served, "no channel '" + channel + "' is served");
  std::string text, edited;
  try {
    text = read_text(path_);
    edited = edit_cfg_section(text, path_, channel, changes);
  } catch (const cfg_error& e) {
    return fail(result::failed, e.what());
  } catch (const std::invalid_argument& e) {  // a name or value no .cfg line can hold
    return fail(result::refused, e.what());
  } catch (const std::exception& e) {
    return fail(result::failed, e.what());
  }
  // The served configuration with this one section as the edited file has it.
  auto next = std::make_unique<served_config>();
  try {
    const cfg_file edited_cfg = parse_cfg(edited, path_);
    next->cfg = serving_->cfg;
    const cfg_section* section = edited_cfg.find(channel);
    const auto place = std::find_if(next->cfg.sections.begin(), next->cfg.sections.end(),
                                    [&](const cfg_section& s) { return s.name == channel; });
    if (section == nullptr || place == next->cfg.sections.end())
      return fail(result::failed, path_ + " has no section [" + channel + "]");
    *place = *section;
    std::vector<std::string> names;
    for (const auto& d : rt_.drivers)
      names.push_back(d->name);
    next->plan = plan_channels(next->cfg, names, log);
    next->pii = pii_rules(next->cfg);
    next->masking = serving_->masking;
  } catch (const std::exception& e) {
    return fail(result::refused, e.what());
  }
  reload_outcome out;
  {
    const auto lock = rt_.changing_config();
    try {
      apply_changes(*serving_, *next, rt_.drivers, rt_.options.drain, log, out);
    } catch (const std::exception& e) {
      for (const auto& [driver, ch] : out.superseded)
        rt_.requests.mark_superseded(driver, ch);
      return fail(result::refused, e.what());
    }
    try {
      if (edited != text) replace_file(path_, edited);
    } catch (const std::exception& e) {
      // The file keeps what is served: the channel goes back to its section as it was.
      reload_outcome back;
      try {
        apply_changes(*next, *serving_, rt_.drivers, rt_.options.drain, log, back);
      } catch (const std::exception& undo) {
        log.log(SMSDRV_LOG_ERROR, "dms-stub", "console: [{}] could not be set back: {}", channel,
                undo.what());
      }
      for (const auto& [driver, ch] : out.superseded)
        rt_.requests.mark_superseded(driver, ch);
      for (const auto& [driver, ch] : back.superseded)
        rt_.requests.mark_superseded(driver, ch);
      return fail(result::failed, e.what());
    }
    commit(std::move(next), out);
  }
  outcome.what = result::applied;
  outcome.replaced = !out.replaced.empty();
  log.log(SMSDRV_LOG_INFO, "dms-stub", "console: [{}] {} ({}); {}", channel,
          edited != text ? "written to " + path_ : "unchanged in " + path_,
          changes.empty() ? std::string("no option given") : "options " + changed_names(changes),
          outcome.replaced ? "the channel is configured anew" : "the channel is as it was");
  return outcome;
}

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
    commit(std::move(next), out);
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
