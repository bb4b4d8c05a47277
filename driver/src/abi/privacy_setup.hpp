// The masking rules of a driver instance (privacy/masking.hpp) from its driver-wide settings:
// [log-filter], [log-filter-data], and the logging-filter-spec file when logging-filter-active.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/driver_settings.hpp"
#include "privacy/masking.hpp"

namespace smsdrv::abi {

struct masking_setup {
  std::shared_ptr<const privacy::masking> masking;  // set exactly when errors is empty
  std::vector<std::string> errors;  // "[settings] logging-filter-spec: <file>: <where>: <problem>"
};

masking_setup build_masking(const config::driver_settings& settings);

}  // namespace smsdrv::abi
