// Busy-loop processes beside a benchmark, to measure the driver on a machine whose cores are
// taken (a build running): each child spins at normal priority until the hog is destroyed.
#pragma once

#include <sys/types.h>

#include <vector>

namespace smsdrv::bench {

class cpu_hog {
 public:
  // Starts `processes` spinning children (none for 0). Throws std::runtime_error when fork fails.
  explicit cpu_hog(unsigned processes);
  ~cpu_hog();
  cpu_hog(const cpu_hog&) = delete;
  cpu_hog& operator=(const cpu_hog&) = delete;

  unsigned processes() const noexcept { return static_cast<unsigned>(pids_.size()); }
  // CPU seconds the children have used so far (they are busy only if this grows with wall time).
  double cpu_seconds() const;

 private:
  void stop() noexcept;

  std::vector<pid_t> pids_;
};

}  // namespace smsdrv::bench
