#include "sim_clock.hpp"

namespace smsdrv::sim {
namespace {

class system_time_source final : public time_source {
 public:
  time_point now() const noexcept override { return clock::now(); }
  std::time_t wall_now() const noexcept override { return std::time(nullptr); }
  double cpu_seconds() const noexcept override {
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
  }
};

}  // namespace

const time_source& system_time() noexcept {
  static const system_time_source source;
  return source;
}

}  // namespace smsdrv::sim
