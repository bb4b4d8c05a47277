// The simulator's notion of time. The core never reads a clock: it is built with a
// time_source and every call takes `now` (steady time). The shell passes system_time()
// and its now(); the tests pass a fake_time they move by hand.
#pragma once

#include <chrono>
#include <ctime>

namespace smsdrv::sim {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using std::chrono::milliseconds;

// Every clock the simulator reads, in one place.
class time_source {
 public:
  // Steady time: what the shell passes as `now`.
  virtual time_point now() const noexcept = 0;
  // Calendar seconds since the epoch: the base of receipt dates (SMPP v3.4 Appendix B).
  virtual std::time_t wall_now() const noexcept = 0;
  // CPU seconds used by the process: the `cpu_s` of the stats event.
  virtual double cpu_seconds() const noexcept = 0;

 protected:
  ~time_source() = default;
};

// The process's clocks: steady_clock, std::time, std::clock.
const time_source& system_time() noexcept;

// Time that moves only when a test moves it.
class fake_time final : public time_source {
 public:
  fake_time(time_point steady_start, std::time_t wall_start) noexcept
      : steady(steady_start), wall(wall_start) {}

  time_point steady;
  std::time_t wall;
  double cpu = 0;

  time_point now() const noexcept override { return steady; }
  std::time_t wall_now() const noexcept override { return wall; }
  double cpu_seconds() const noexcept override { return cpu; }
};

}  // namespace smsdrv::sim
