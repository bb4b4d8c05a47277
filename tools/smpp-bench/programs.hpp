// The programs smpp-bench runs and the module it loads. Installed by the packages, they are next
// to smpp-bench (bin/) and in the driver's packaged channel folder; in a build tree, where the
// build put them. Flags override either (--module, --sim, ...).
#pragma once

#include <string>

namespace smsdrv::bench {

struct programs {
  std::string module;
  std::string sim;
  std::string flood;
  std::string dms_stub;
  std::string node = "node";
  std::string npm_client;
  std::string http_sink;
  std::string mmsc_sim;
};

// The installed layout when smpp-bench runs from it (a sibling smsc-sim exists), else the build's.
programs default_programs();

}  // namespace smsdrv::bench
