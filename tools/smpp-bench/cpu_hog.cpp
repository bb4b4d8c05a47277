#include "cpu_hog.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "process.hpp"

namespace smsdrv::bench {

cpu_hog::cpu_hog(unsigned processes) {
  for (unsigned i = 0; i < processes; ++i) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      const std::string why = std::strerror(errno);
      stop();
      throw std::runtime_error("fork for --cpu-hog: " + why);
    }
    if (pid == 0) {
      // Dies with the benchmark, whatever ends it. Nothing here allocates or locks: the parent
      // may have other threads.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      volatile unsigned long spin = 0;
      for (;;)
        spin = spin + 1;
    }
    pids_.push_back(pid);
  }
}

cpu_hog::~cpu_hog() {
  stop();
}

void cpu_hog::stop() noexcept {
  for (pid_t pid : pids_)
    ::kill(pid, SIGKILL);
  for (pid_t pid : pids_)
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  pids_.clear();
}

double cpu_hog::cpu_seconds() const {
  double s = 0;
  for (pid_t pid : pids_) {
    const proc_usage u = usage_of(pid);
    s += u.cpu_user_s + u.cpu_system_s;
  }
  return s;
}

}  // namespace smsdrv::bench
