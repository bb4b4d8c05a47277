// What mmsc-sim is told on its command line (docs/mmsc-sim.md lists every flag).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fault.hpp"

namespace smsdrv::mmsc_sim {

struct credentials {
  std::string user;
  std::string password;
};

struct sim_config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: the system picks one
  std::string port_file;          // the chosen port is written there (atomically)
  std::string path = "/mm7";      // where SubmitReq is POSTed; other paths get 404
  // Accepted VASP credentials (HTTP Basic); empty: no authentication asked for.
  std::vector<credentials> accounts;
  // Where DeliverReq, DeliveryReportReq and ReadReplyReq go (the driver's listener).
  std::string vasp_url;
  credentials vasp_credentials;  // presented to the VASP; empty user: none
  // https: the CAs trusted for the VASP's certificate, whose name must match the URL's host
  // (DNS name or IP address); "" = the system's CAs.
  std::string vasp_ca_file;
  std::string mm7_version = "6.8.0";
  std::string xml_namespace;  // "" = from the version (5.3.0, 6.8.0)
  std::uint64_t first_id = 1;
  // A DeliveryReportReq follows every accepted SubmitReq that asked for one (or all, with
  // dlr_always), dlr_delay after it, with this MMStatus ("" = none at all).
  std::string dlr_status = "Retrieved";
  bool dlr_always = false;
  std::chrono::milliseconds dlr_delay{100};
  // A ReadReplyReq follows every accepted SubmitReq that asked for one, with this MMStatus.
  std::string read_status = "Read";
  std::chrono::milliseconds read_delay{200};
  // A request to the VASP that is not answered 1000 is sent again after this long.
  std::chrono::milliseconds redeliver_after{2'000};
  std::uint32_t max_attempts = 0;  // 0: no limit
  std::chrono::milliseconds post_timeout{30'000};
  std::uint32_t vasp_connections = 4;  // requests to the VASP in flight, at most
  std::uint64_t max_body = 16 * 1024 * 1024;
  bool quiet = false;        // no per-request events
  bool record_parts = true;  // submit events carry each part's bytes (base64)
  bool exit_on_eof = false;
  std::chrono::milliseconds stats_interval{0};
  std::uint64_t seed = 1;
  fault_config faults;
};

// Parses argv into config. Returns "" or a message naming the flag and the problem; "help" when
// --help was given.
std::string parse_command_line(int argc, const char* const* argv, sim_config& config);

std::string usage();

}  // namespace smsdrv::mmsc_sim
