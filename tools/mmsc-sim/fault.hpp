// What the simulated MMSC does wrong on purpose (docs/mmsc-sim.md, "Faults"). Every fault is a
// command-line flag and a key of the `fault` command, from one table (fault.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::mmsc_sim {

struct fault_config {
  int status = 1000;             // StatusCode of every SubmitRsp
  std::uint64_t fail_every = 0;  // every Nth SubmitReq answered with fail_status
  int fail_status = 3000;
  std::chrono::milliseconds delay{0};      // "slow": every answer waits this long
  std::chrono::milliseconds delay_max{0};  // > delay: uniform in delay..delay_max
  bool http_500 = false;                   // answer HTTP 500 with a plain text body
  int soap_fault = 0;                      // answer a SOAP Fault (RSErrorRsp) with this status
  bool drop = false;                       // read the request, close without answering
  std::uint64_t drop_every = 0;            // ... every Nth request only
  bool silent = false;                     // never answer (the connection stays open)
  bool wrong_transaction = false;          // answer with another TransactionID
  bool garbage = false;                    // answer HTTP 200 with a body that is not XML
};

// Sets one fault by name ("delay-ms", "status", ...) from its text value; "" or the problem.
std::string set_fault(fault_config& faults, std::string_view name, std::string_view value);

struct fault_row {
  std::string_view name;
  std::string_view value_help;
  std::string_view help;
};
const std::vector<fault_row>& fault_table();

// Every active fault as "name=value".
std::vector<std::string> describe(const fault_config& faults);

}  // namespace smsdrv::mmsc_sim
