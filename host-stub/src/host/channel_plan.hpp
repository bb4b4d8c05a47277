// channel_plan.hpp - which driver gets which section of the options file.
//
//   1. The driver-wide sections settings, log-filter and log-filter-data (those present, in that
//      order) go to every driver.
//   2. Each [channel-<name>] section goes, in file order, to the driver named by its
//      "driver = <driver_name>" option, or to the only driver when just one is loaded.
// Every section is passed whole (including driver, inbound-route ...): the driver validates it.
// [pii-rules], [pii-masks] and [pii-groups] are dms-stub's own (host/pii.hpp). Other sections
// are not for drivers and are ignored with a warning.
#ifndef SMSDRV_HOST_CHANNEL_PLAN_HPP
#define SMSDRV_HOST_CHANNEL_PLAN_HPP

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/cfg_file.hpp"
#include "host/logger.hpp"
#include "host/routing.hpp"

namespace smsdrv::host {

struct channel_entry {
  size_t driver;  // index into the driver list
  inbound_router router;
};

using channel_map = std::map<std::string, channel_entry, std::less<>>;

struct channel_plan {
  std::vector<const cfg_section*> driver_wide;
  std::vector<std::pair<const cfg_section*, size_t>> channel_sections;  // section, driver index
  channel_map channels;
};

// Decides everything before any driver sees a section, so that a wrong file changes nothing.
// driver_names[i] is the name of driver i. Throws std::invalid_argument naming source:line, also
// when the file has no [channel-<name>] section (with "did you mean" for near misses such as
// [chanel-a]).
channel_plan plan_channels(const cfg_file& cfg, const std::vector<std::string>& driver_names,
                           const logger& log);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_CHANNEL_PLAN_HPP
