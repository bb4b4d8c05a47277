#include "sim_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace smsdrv::sim::test {

smpp::pdu received_pdu::decode() const {
  smpp::pdu p;
  const smpp::codec_status st = smpp::decode(frame, p);
  if (!st.ok()) throw std::runtime_error("test client: cannot decode: " + st.message());
  return p;
}

sim_client::sim_client(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error(std::string("test client: connect: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

sim_client::~sim_client() {
  if (fd_ >= 0) ::close(fd_);
}

void sim_client::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("test client: send failed");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::optional<received_pdu> sim_client::read(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const smpp::frame_check fc = smpp::check_frame(buf_);
    if (fc.state == smpp::frame_state::bad_length)
      throw std::runtime_error("test client: framing lost");
    if (fc.state == smpp::frame_state::ready) {
      received_pdu r{buf_.substr(0, fc.length), {}};
      r.header = smpp::read_header(r.frame);
      buf_.erase(0, fc.length);
      return r;
    }
    if (eof_) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0)
      eof_ = true;
    else
      buf_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<received_pdu> sim_client::read_response(std::chrono::milliseconds timeout) {
  for (;;) {
    auto r = read(timeout);
    if (!r || r->id() != smpp::command_id::deliver_sm) return r;
    held_.push_back(std::move(*r));
  }
}

std::optional<received_pdu> sim_client::read_deliver_sm(std::chrono::milliseconds timeout) {
  if (!held_.empty()) {
    received_pdu r = std::move(held_.front());
    held_.erase(held_.begin());
    return r;
  }
  for (;;) {
    auto r = read(timeout);
    if (!r || r->id() == smpp::command_id::deliver_sm) return r;
  }
}

bool sim_client::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0)
      eof_ = true;
    else
      buf_.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

std::uint32_t sim_client::bind(std::string_view mode, std::string_view system_id,
                               std::string_view password) {
  smpp::bind_body b;
  b.system_id = system_id;
  b.password = password;
  if (mode == "transmitter")
    send(smpp::bind_transmitter{b});
  else if (mode == "receiver")
    send(smpp::bind_receiver{b});
  else
    send(smpp::bind_transceiver{b});
  auto r = read_response();
  if (!r) throw std::runtime_error("test client: no bind_resp");
  return r->header.command_status;
}

received_pdu sim_client::submit(std::string_view destination, std::string_view text,
                                std::uint8_t registered_delivery) {
  smpp::submit_sm m;
  m.source_addr = "4915100000001";
  m.destination_addr = destination;
  m.short_message = text;
  m.registered_delivery = registered_delivery;
  send(m);
  auto r = read_response();
  if (!r) throw std::runtime_error("test client: no submit_sm_resp");
  return *r;
}

}  // namespace smsdrv::sim::test
