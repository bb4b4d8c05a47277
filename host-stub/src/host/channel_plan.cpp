#include "host/channel_plan.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <vector>

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

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// What a section name that no one reads was probably meant to be: "did you mean [channel-a]?"
// for [chanel-a], [Channel_a] or [channels-a]; the nearest known section within two edits; ""
// when nothing is near.
std::string near_miss(std::string_view name) {
  const std::string n = lower(name);
  if (n == "channel-" || n == "channel" || n == "channel_")
    return "a channel section needs a name after 'channel-'";
  // A prefix close to "channel", then a separator (or none) and the channel's name.
  for (size_t end = 5; end <= n.size() && end <= 10; ++end) {
    const std::string_view prefix = std::string_view(n).substr(0, end);
    if (edit_distance(prefix, "channel") > 2) continue;
    std::string_view rest = std::string_view(n).substr(end);
    const bool separated = !rest.empty() && (rest[0] == '-' || rest[0] == '_' || rest[0] == ' ' ||
                                             rest[0] == '.' || rest[0] == ':');
    if (separated) rest.remove_prefix(1);
    if (rest.empty() || (!separated && prefix != "channel")) continue;
    return "did you mean [channel-" + std::string(rest) + "]?";
  }
  std::string_view best;
  size_t best_distance = 3;
  auto consider = [&](std::string_view known) {
    if (const size_t d = edit_distance(n, known); d < best_distance) {
      best = known;
      best_distance = d;
    }
  };
  for (const auto known : driver_wide_sections)
    consider(known);
  for (const auto known : pii_sections)
    consider(known);
  return best.empty() ? std::string() : "did you mean [" + std::string(best) + "]?";
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
  std::string misses;  // near misses of the sections nobody reads, one line each
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
    if (known) continue;
    const std::string hint = near_miss(s.name);
    if (!hint.empty())
      misses += "\n" + cfg.source + ":" + std::to_string(s.line) + ": [" + s.name + "]: " + hint;
    log.log(SMSDRV_LOG_WARN, "dms-stub",
            "{}:{}: section [{}] is not for channel drivers; ignored{}", cfg.source, s.line, s.name,
            hint.empty() ? "" : " (" + hint + ")");
  }
  // Serving no channel is never what was meant: a misspelt header, the wrong file.
  if (plan.channels.empty())
    throw std::invalid_argument(cfg.source +
                                ": no [channel-<name>] section: there is no channel to serve" +
                                (cfg.sections.empty() ? " (the file has no sections)" : misses));
  return plan;
}

}  // namespace smsdrv::host
