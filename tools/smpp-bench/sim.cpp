#include "sim.hpp"

#include <stdexcept>

#include "json.hpp"

namespace smsdrv::bench {

using namespace std::chrono_literals;

sim_load load_between(const sim_stats& before, const sim_stats& after) {
  sim_load l;
  l.seconds = after.uptime_s - before.uptime_s;
  l.submissions = after.submissions - before.submissions;
  l.accepted = after.accepted - before.accepted;
  l.cpu_percent = l.seconds > 0 ? 100.0 * (after.cpu_s - before.cpu_s) / l.seconds : 0;
  return l;
}

sim_process::sim_process(const std::string& program, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {program, "--quiet", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  proc_ = std::make_unique<child>(argv);
  while (auto line = proc_->read_line_view(10s)) {
    const auto j = json_object::parse(*line);
    if (j && j->string("event") == "listening") {
      port_ = static_cast<int>(j->number("port").value_or(0));
      break;
    }
  }
  if (port_ <= 0) throw std::runtime_error(program + " did not report a listening port");
}

sim_process::~sim_process() {
  proc_->try_write("{\"cmd\":\"exit\"}\n");
  if (!proc_->wait(5s)) proc_->kill(9);
}

std::optional<sim_stats> sim_process::stats() {
  if (!proc_->try_write("{\"cmd\":\"stats\"}\n")) return std::nullopt;
  while (auto line = proc_->read_line_view(5s)) {
    const auto j = json_object::parse(*line);
    if (!j || j->string("event") != "stats") continue;
    sim_stats s;
    s.uptime_s = j->number("uptime_s").value_or(0);
    s.cpu_s = j->number("cpu_s").value_or(0);
    s.submissions = j->number("submissions").value_or(0);
    s.accepted = j->number("submissions_ok").value_or(0);
    return s;
  }
  return std::nullopt;
}

}  // namespace smsdrv::bench
