#include "in_process_sim.hpp"

#include <stdexcept>

namespace smsdrv::sim::test {

in_process_sim::in_process_sim(std::vector<std::string> flags) {
  std::vector<const char*> argv{"smsc-sim"};
  for (const std::string& f : flags)
    argv.push_back(f.c_str());
  sim_config config;
  const std::string error = parse_command_line(static_cast<int>(argv.size()), argv.data(), config);
  if (!error.empty()) throw std::invalid_argument("smsc-sim flags: " + error);
  server_ = std::make_unique<server>(std::move(config), events_);
  thread_ = std::thread([this] { server_->run(); });
  if (!events_.wait("listening")) throw std::runtime_error("the simulator did not start");
}

in_process_sim::~in_process_sim() {
  server_->stop();
  thread_.join();
}

}  // namespace smsdrv::sim::test
