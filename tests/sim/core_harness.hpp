// Drives the simulator's core (smsc) directly with fake time: no sockets, no threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "sim_client.hpp"
#include "sim_events.hpp"
#include "smsc.hpp"

namespace smsdrv::sim::test {

struct collecting_sink final : event_sink {
  std::vector<std::string> lines;
  void emit(std::string_view line) override { lines.emplace_back(line); }
  // Events named `name` emitted so far (all when name is empty).
  std::vector<event> named(std::string_view name) const;
};

class core_harness {
 public:
  explicit core_harness(std::vector<std::string> flags = {});

  link& connect();
  // Feeds bytes to the link; everything must be consumed.
  void feed(link& l, std::string_view bytes);
  template <class Body>
  void send(link& l, const Body& body, std::uint32_t sequence_number, std::uint32_t status = 0) {
    std::string bytes;
    smpp::encode(body, sequence_number, bytes, status);
    feed(l, bytes);
  }
  // Takes the link's output and splits it into PDUs.
  std::vector<received_pdu> output(link& l);
  void advance(std::chrono::milliseconds d);
  // Binds with `mode` and returns the bind_*_resp status; PDUs that followed it (deliveries
  // waiting for this bind) are left in after_bind.
  std::uint32_t bind(link& l, std::string_view mode, std::string_view system_id = "esme",
                     std::string_view password = "pw");

  collecting_sink sink;
  // The core's clocks: calendar 2023-11-14 22:13:20 UTC, no CPU used; `now` is its steady time.
  fake_time time{time_point{std::chrono::hours(1000)}, 1'700'000'000};
  time_point now = time.steady;
  std::unique_ptr<smsc> core;
  std::uint32_t seq = 0;
  std::vector<received_pdu> after_bind;
};

}  // namespace smsdrv::sim::test
