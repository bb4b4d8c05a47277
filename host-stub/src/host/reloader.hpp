// reloader.hpp - SIGHUP: the options file read again and what changed applied while dms-stub
// serves (served_config.hpp, docs/esp.md "Reloading the options file"). Main thread only.
#ifndef SMSDRV_HOST_RELOADER_HPP
#define SMSDRV_HOST_RELOADER_HPP

#include <memory>
#include <string>
#include <string_view>

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

 private:
  runtime& rt_;
  std::unique_ptr<served_config> serving_;
  std::string path_;
  std::string server_root_;
};

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_RELOADER_HPP
