// smsc-sim's server running on a thread of the test process, configured with the program's
// own command-line flags.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server.hpp"
#include "sim_events.hpp"

namespace smsdrv::sim::test {

class in_process_sim {
 public:
  explicit in_process_sim(std::vector<std::string> flags = {});
  ~in_process_sim();

  std::uint16_t port() const noexcept { return server_->port(); }
  sink_stream& events() noexcept { return events_; }
  void command(std::string json_line) { server_->command(std::move(json_line)); }

 private:
  sink_stream events_;
  std::unique_ptr<server> server_;
  std::thread thread_;
};

}  // namespace smsdrv::sim::test
