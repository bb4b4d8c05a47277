// served_config.hpp - what dms-stub serves from its options file, and changing it while it
// serves (SIGHUP, docs/esp.md "Reloading the options file").
//
// A reload reads the file whole and checks everything dms-stub decides itself (structure,
// channel plan, routes, session regexes, PII rules, masking) before any driver sees a section:
// a file with any error changes nothing, and every error is logged. Then only what differs is
// applied, in this order: driver-wide sections that changed go to every driver; added channels
// are configured; changed channels are configured again, which replaces them (smsdrv.h, ABI 1.2);
// a channel that moved to another driver is configured there; removed channels (and the old
// place of a moved one) are removed with the drain time. Unchanged channels are not touched.
// When a driver refuses a section, what was applied already is undone in reverse order
// (sections configured again as they were, added channels removed), so the file changes
// nothing here either.
#ifndef SMSDRV_HOST_SERVED_CONFIG_HPP
#define SMSDRV_HOST_SERVED_CONFIG_HPP

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/cfg_file.hpp"
#include "host/channel_plan.hpp"
#include "host/drivers.hpp"
#include "host/logger.hpp"
#include "host/pii.hpp"
#include "privacy/masking.hpp"

namespace smsdrv::host {

struct served_config {
  cfg_file cfg;
  channel_plan plan;  // points into cfg: a served_config never moves (held by unique_ptr)
  pii_rules pii;
  std::shared_ptr<const privacy::masking> masking;
};

// Reads and checks the file (it reaches no driver). Throws std::exception naming file:line.
std::unique_ptr<served_config> read_served_config(const std::string& path,
                                                  const driver_list& drivers,
                                                  const std::string& server_root,
                                                  const logger& log);

// Gives a section to a driver; throws std::runtime_error "file:line: driver X refused [s]: ...".
void configure_section(loaded_driver& driver, const cfg_file& cfg, const cfg_section& section,
                       const logger& log);

// Start-up: every driver-wide section to every driver, then each channel to its driver.
void configure_all(const served_config& config, driver_list& drivers, const logger& log);

// What one reload changed, for the log and for the requests that must be sent again.
struct reload_outcome {
  std::vector<std::string> added, replaced, removed;
  size_t unchanged = 0;
  bool driver_wide = false;  // [settings], [log-filter] or [log-filter-data] changed
  // Channels whose old instance answers its queued requests SMSDRV_E_SHUT_DOWN: (driver index,
  // channel) of the instance that is gone.
  std::vector<std::pair<size_t, std::string>> superseded;
};

// Applies the differences between `from` (served now) and `to` into `out`; throws
// std::runtime_error naming the problem after undoing what it had applied (out.superseded still
// lists the instances that went meanwhile). `drain`: what a removed channel's requests in flight
// get.
void apply_changes(const served_config& from, const served_config& to, driver_list& drivers,
                   std::chrono::milliseconds drain, const logger& log, reload_outcome& out);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_SERVED_CONFIG_HPP
