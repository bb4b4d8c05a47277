// A blocking SMPP client for tests: raw control over what goes on the wire (garbage, pipelined
// batches) and PDUs read back with a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpp/codec.hpp"

namespace smsdrv::sim::test {

using namespace std::chrono_literals;

struct received_pdu {
  std::string frame;
  smpp::pdu_header header;

  smpp::command_id id() const noexcept { return static_cast<smpp::command_id>(header.command_id); }
  // Decodes the frame; the PDU's views point into `frame`.
  smpp::pdu decode() const;
};

class sim_client {
 public:
  explicit sim_client(std::uint16_t port);
  ~sim_client();
  sim_client(const sim_client&) = delete;
  sim_client& operator=(const sim_client&) = delete;

  void send_raw(std::string_view bytes);
  // Sends a PDU with the next sequence number (or `sequence_number`) and returns it.
  template <class Body>
  std::uint32_t send(const Body& body, std::uint32_t command_status = 0,
                     std::uint32_t sequence_number = 0) {
    const std::uint32_t seq = sequence_number != 0 ? sequence_number : ++last_sequence_;
    std::string out;
    smpp::encode(body, seq, out, command_status);
    send_raw(out);
    return seq;
  }
  // The next PDU, or nullopt when none arrives in time or the peer closed.
  std::optional<received_pdu> read(std::chrono::milliseconds timeout = 3s);
  // The next PDU that is not a deliver_sm (those are kept for read_deliver_sm()).
  std::optional<received_pdu> read_response(std::chrono::milliseconds timeout = 3s);
  std::optional<received_pdu> read_deliver_sm(std::chrono::milliseconds timeout = 3s);
  // True when the peer closes the connection within the timeout (PDUs before that are dropped).
  bool wait_closed(std::chrono::milliseconds timeout = 3s);
  // Bytes received and not yet framed (e.g. half a PDU before a close).
  const std::string& pending_bytes() const noexcept { return buf_; }

  // bind_<mode> and the bind_*_resp status.
  std::uint32_t bind(std::string_view mode, std::string_view system_id, std::string_view password);
  // submit_sm; returns the submit_sm_resp (or generic_nack).
  received_pdu submit(std::string_view destination, std::string_view text,
                      std::uint8_t registered_delivery = 0);

 private:
  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
  std::uint32_t last_sequence_ = 0;
  std::vector<received_pdu> held_;
};

}  // namespace smsdrv::sim::test
