// reloader.hpp - SIGHUP: the options file read again and what changed applied while dms-stub
// serves (served_config.hpp, docs/esp.md "Reloading the options file"); and the console's
// settings page: one channel's section changed, written back to the file and applied alone
// (docs/console.md "Settings"). Main thread only.
#ifndef SMSDRV_HOST_RELOADER_HPP
#define SMSDRV_HOST_RELOADER_HPP

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/cfg_edit.hpp"

#include "host/runtime.hpp"
#include "host/served_config.hpp"

namespace smsdrv::host {

class reloader {
 public:
  // serving: what rt.channels and rt.pii point into now; the reloader keeps it alive.
  reloader(runtime& rt, std::unique_ptr<served_config> serving, std::string path,
           std::string server_root)
      : rt_(rt),
        serving_(std::move(serving)),
        path_(std::move(path)),
        server_root_(std::move(server_root)) {}

  // Reads the file again and applies what changed, holding the reader back meanwhile; a file
  // with any error changes nothing and every error is logged. `cause` names why ("SIGHUP").
  void reload(std::string_view cause);

  // What apply_section did.
  struct section_outcome {
    enum class result {
      applied,     // written to the file; the channel replaced, or unchanged when nothing differs
      refused,     // dms-stub or the driver refused the section: nothing changed
      not_served,  // no such channel is served
      failed,      // the file could not be read, parsed or written: nothing changed
      stopping,    // dms-stub is stopping: nothing changed (set by the caller)
    };
    result what = result::failed;
    bool replaced = false;  // applied: the channel was configured anew
    std::string error;      // refused, not_served, failed: the loader's or driver's messages
  };

  // The console's "Apply": changes made to the [channel] section of the options file as it is
  // on disk (cfg_edit: comments, order and other sections kept), checked as a reload checks
  // (dms-stub's rules, then the driver's configure(), which changes nothing when it refuses),
  // then the file replaced and the served configuration updated for this channel alone: other
  // sections are taken as served, so edits made to them by hand wait for the next SIGHUP.
  // Values never reach the log; option names do.
  section_outcome apply_section(const std::string& channel, std::span<const cfg_change> changes);

 private:
  // Makes next the served configuration (under the configuration lock, held by the caller).
  void commit(std::unique_ptr<served_config> next, const reload_outcome& out);

  runtime& rt_;
  std::unique_ptr<served_config> serving_;
  std::string path_;
  std::string server_root_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_RELOADER_HPP
