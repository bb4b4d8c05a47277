#include "core_harness.hpp"

#include <stdexcept>

namespace smsdrv::sim::test {

std::vector<event> collecting_sink::named(std::string_view name) const {
  std::vector<event> out;
  for (const std::string& l : lines) {
    event e(l);
    if (name.empty() || e.name() == name) out.push_back(std::move(e));
  }
  return out;
}

core_harness::core_harness(std::vector<std::string> flags) {
  std::vector<const char*> argv{"smsc-sim"};
  for (const std::string& f : flags)
    argv.push_back(f.c_str());
  sim_config config;
  const std::string error = parse_command_line(static_cast<int>(argv.size()), argv.data(), config);
  if (!error.empty()) throw std::invalid_argument(error);
  core = std::make_unique<smsc>(std::move(config), sink, time);
  core->listening("127.0.0.1", 2775, now);
}

link& core_harness::connect() {
  return core->open_link("127.0.0.1:1", now);
}

void core_harness::feed(link& l, std::string_view bytes) {
  const std::size_t used = core->on_bytes(l, bytes, now);
  if (used != bytes.size()) throw std::logic_error("the core left bytes unconsumed");
}

std::vector<received_pdu> core_harness::output(link& l) {
  std::string bytes;
  core->take_output(l, bytes);
  std::vector<received_pdu> out;
  while (smpp::check_frame(bytes).state == smpp::frame_state::ready) {
    const std::uint32_t n = smpp::check_frame(bytes).length;
    received_pdu r{bytes.substr(0, n), {}};
    r.header = smpp::read_header(r.frame);
    out.push_back(std::move(r));
    bytes.erase(0, n);
  }
  return out;
}

void core_harness::advance(std::chrono::milliseconds d) {
  now += d;
  time.steady = now;
  core->on_tick(now);
}

std::uint32_t core_harness::bind(link& l, std::string_view mode, std::string_view system_id,
                                 std::string_view password) {
  smpp::bind_body b;
  b.system_id = system_id;
  b.password = password;
  if (mode == "transmitter")
    send(l, smpp::bind_transmitter{b}, ++seq);
  else if (mode == "receiver")
    send(l, smpp::bind_receiver{b}, ++seq);
  else
    send(l, smpp::bind_transceiver{b}, ++seq);
  auto out = output(l);
  if (out.empty()) throw std::logic_error("no bind_resp");
  after_bind.assign(out.begin() + 1, out.end());
  return out.front().header.command_status;
}

}  // namespace smsdrv::sim::test
