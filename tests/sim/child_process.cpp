#include "child_process.hpp"

#include <signal.h>

namespace smsdrv::sim::test {

namespace {

smsdrv::test::spawn_options options_for(const std::string& cwd) {
  smsdrv::test::spawn_options o;
  o.cwd = cwd;
  o.capture_stderr = false;  // the simulator's and the scripts' diagnostics go to the test log
  return o;
}

}  // namespace

child_process::child_process(const std::vector<std::string>& argv, const std::string& cwd)
    : process_(argv, options_for(cwd)) {}

child_process::~child_process() {
  try {
    process_.close_stdin();
    if (process_.running()) {
      process_.kill(SIGTERM);
      process_.wait(std::chrono::seconds(3));
    }
  } catch (...) {  // the subprocess's destructor still kills and reaps it
  }
}

}  // namespace smsdrv::sim::test
