// What the simulator is told on its command line (docs/smsc-sim.md lists every flag).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "account_limits.hpp"
#include "fault.hpp"
#include "receipt.hpp"

namespace smsdrv::sim {

struct account {
  std::string system_id;
  std::string password;
};

// An MO message given with --mo FROM:TO:TEXT.
struct mo_message {
  std::string from;
  std::string to;
  std::string text;
};

enum class id_format : std::uint8_t { hex, decimal, uuid };

// TLS on the listening port (docs/smsc-sim.md, "TLS"): with a certificate, every connection
// starts with a TLS handshake; with a client CA, the client must present a certificate it issued.
struct tls_options {
  std::string certificate;  // PEM: our certificate, then its chain
  std::string key;          // PEM: its private key (unencrypted)
  std::string client_ca;    // PEM: CA(s) for client certificates; "" = none asked for
  int max_version = 0;      // 0: the newest; else an OpenSSL version number (TLS1_2_VERSION, ...)

  bool enabled() const noexcept { return !certificate.empty(); }
};
enum class receipt_style : std::uint8_t { text, tlv, both };

struct sim_config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: the system picks one
  std::string port_file;          // the chosen port is written there (atomically)
  // Accepted binds; empty: every system_id / password is accepted.
  std::vector<account> accounts;
  // Limits over all binds of one system_id (docs/smsc-sim.md, "Account limits").
  std::vector<account_limit> limits;
  std::string smsc_system_id = "smsc-sim";  // system_id of our bind_resp
  bool quiet = false;                       // no per-PDU events
  bool exit_on_eof = false;                 // stop when stdin ends
  id_format ids = id_format::hex;
  std::uint64_t first_id = 1;
  receipt_style dlr_style = receipt_style::both;
  std::chrono::milliseconds dlr_delay{100};
  receipt_outcome dlr_outcome;  // DELIVRD err 000
  std::vector<mo_message> mo;
  // An unacknowledged deliver_sm is sent again after this long (docs/smsc-sim.md, "No loss").
  std::chrono::milliseconds redeliver_after{10'000};
  std::uint32_t deliver_window = 100;  // deliver_sm in flight per connection
  std::size_t store_size = 65'536;     // messages kept for query_sm / cancel_sm / receipts
  std::chrono::milliseconds stats_interval{0};
  std::chrono::milliseconds unbind_timeout{5'000};
  std::uint32_t max_command_length = 70'000;
  std::uint64_t seed = 1;  // random response delays
  fault_config faults;
  tls_options tls;
};

// Parses argv into `config`. Returns "" or a message naming the flag and the problem; "help"
// when --help was given, "version" for --version.
std::string parse_command_line(int argc, const char* const* argv, sim_config& config);

std::string usage();

}  // namespace smsdrv::sim
