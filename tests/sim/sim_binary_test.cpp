// The real smsc-sim program and the npm smpp SMSC (tests/interop/smsc-server.js) as child
// processes, spoken to over loopback and through their stdin/stdout protocol.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "child_process.hpp"
#include "sim_client.hpp"
#include "smpp/command_status.hpp"
#include "smpp/tlv.hpp"
#include "subprocess.hpp"

using namespace smsdrv;
using namespace smsdrv::sim::test;
using namespace std::chrono_literals;
namespace cs = smpp::command_status;
using smpp::command_id;

namespace {

std::filesystem::path temp_file(std::string_view name) {
  return std::filesystem::temp_directory_path() /
         (std::string(name) + "-" + std::to_string(::getpid()));
}

bool have_npm_smpp() {
  return std::system("command -v node >/dev/null 2>&1") == 0 &&
         std::filesystem::exists(std::filesystem::path(SMSDRV_INTEROP_DIR) / "node_modules/smpp");
}

}  // namespace

TEST_CASE("smsc-sim binary: listening first, port file, submissions, stdin MO, stats, exit",
          "[sim][binary]") {
  const auto port_file = temp_file("smsc-sim-port");
  child_process sim({SMSC_SIM_PATH, "--account", "esme:secret", "--port-file", port_file.string(),
                     "--dlr-delay-ms", "50"});
  const auto first = sim.next_line(5s);
  REQUIRE(first);
  const event listening(*first);
  REQUIRE(listening.name() == "listening");
  const auto port = static_cast<std::uint16_t>(listening.num("port"));
  REQUIRE(port != 0);
  std::ifstream pf(port_file);
  unsigned from_file = 0;
  pf >> from_file;
  CHECK(from_file == port);
  std::filesystem::remove(port_file);

  sim_client c(port);
  CHECK(c.bind("transceiver", "esme", "nope") == cs::esme_rinvpaswd);
  REQUIRE(c.bind("transceiver", "esme", "secret") == cs::esme_rok);
  const auto resp = c.submit("4917600000002", "via the binary", 1);
  CHECK(resp.header.command_status == cs::esme_rok);
  const auto submitted = sim.wait("submit_sm");
  REQUIRE(submitted);
  CHECK(submitted->str("short_message") == "766961207468652062696e617279");

  auto receipt = c.read_deliver_sm();
  REQUIRE(receipt);
  CHECK(std::get<smpp::deliver_sm>(receipt->decode().body).esm_class == 0x04);
  c.send(smpp::deliver_sm_resp{}, 0, receipt->header.sequence_number);

  sim.write_line(R"({"cmd":"mo","from":"4917600000009","to":"12345","text":"stdin MO"})");
  auto mo = c.read_deliver_sm();
  REQUIRE(mo);
  CHECK(std::get<smpp::deliver_sm>(mo->decode().body).short_message == "stdin MO");
  c.send(smpp::deliver_sm_resp{}, 0, mo->header.sequence_number);
  REQUIRE(sim.wait("deliver_sm_resp", [](const event& e) { return e.str("kind") == "mo"; }));

  sim.write_line(R"({"cmd":"stats"})");
  const auto stats = sim.wait("stats");
  REQUIRE(stats);
  CHECK(stats->num("submissions_ok") == 1);
  CHECK(stats->num("deliver_sm_acked") == 2);
  sim.write_line(R"({"cmd":"exit"})");
  CHECK(sim.wait_exit(5s) == 0);
}

TEST_CASE("smsc-sim binary: a bad flag is named and refused", "[sim][binary]") {
  child_process sim({SMSC_SIM_PATH, "--throttle", "fast"});
  CHECK(sim.wait_exit(5s) == 2);
}

TEST_CASE("smsc-sim binary: a bad flag prints the error and one line pointing at --help",
          "[sim][binary]") {
  smsdrv::test::subprocess sim({SMSC_SIM_PATH, "--throttle", "fast"});
  CHECK(sim.wait(5s) == 2);
  const std::string err = sim.stderr_text();
  // The error stays on the screen: two lines, not the usage.
  CHECK(std::count(err.begin(), err.end(), '\n') == 2);
  CHECK(err.starts_with("smsc-sim: --throttle 'fast': "));
  CHECK(err.find("smsc-sim --help") != std::string::npos);
  CHECK(err.find("usage:") == std::string::npos);
}

TEST_CASE("smsc-sim binary: --help lists the flags and every stdin command", "[sim][binary]") {
  smsdrv::test::subprocess sim({SMSC_SIM_PATH, "--help"});
  std::string out;
  while (auto line = sim.read_line(5s))
    out += *line + "\n";
  CHECK(sim.wait(5s) == 0);
  CHECK(out.find("--throttle") != std::string::npos);
  for (const char* cmd :
       {"mo", "mo-burst", "dlr", "unbind", "close", "fault", "inject", "stats", "exit"}) {
    INFO(cmd);
    CHECK(out.find(std::string("{\"cmd\":\"") + cmd + "\"") != std::string::npos);
  }
}

TEST_CASE("smsc-sim binary: a TLS certificate that does not load stops it", "[sim][binary]") {
  child_process sim({SMSC_SIM_PATH, "--tls-cert", "/nonexistent/server.pem"});
  CHECK(sim.wait_exit(5s) == 1);
}

TEST_CASE("smsc-sim binary: --quiet keeps listening and stats, --exit-on-eof stops",
          "[sim][binary]") {
  child_process sim({SMSC_SIM_PATH, "--quiet", "--exit-on-eof"});
  const auto first = sim.next_line(5s);
  REQUIRE(first);
  const event listening(*first);
  {
    sim_client c(static_cast<std::uint16_t>(listening.num("port")));
    REQUIRE(c.bind("transmitter", "esme", "x") == cs::esme_rok);
    CHECK(c.submit("1", "quiet").header.command_status == cs::esme_rok);
  }
  sim.write_line(R"({"cmd":"stats"})");
  const auto stats = sim.wait("stats");
  REQUIRE(stats);
  CHECK(stats->num("submissions") == 1);
  CHECK(sim.seen("bind").empty());
  sim.close_stdin();
  CHECK(sim.wait_exit(5s) == 0);
}

TEST_CASE("npm smsc-server.js: binds, submit_sm events with TLVs, receipts, 100 MO",
          "[sim][binary][interop]") {
  if (!have_npm_smpp()) {
    WARN("SKIPPED: node or tests/interop/node_modules is missing (npm ci in tests/interop)");
    return;
  }
  child_process server(
      {"node", "smsc-server.js", "--account", "esme:secret", "--dlr-delay-ms", "20"},
      SMSDRV_INTEROP_DIR);
  const auto listening = server.wait("listening", {}, 10s);
  REQUIRE(listening);
  sim_client c(static_cast<std::uint16_t>(listening->num("port")));
  CHECK(c.bind("transceiver", "esme", "wrong") == cs::esme_rinvpaswd);
  REQUIRE(c.bind("transceiver", "esme", "secret") == cs::esme_rok);

  smpp::submit_sm m;
  m.source_addr = "4915100000001";
  m.destination_addr = "4917600000002";
  m.short_message = "part one";
  m.registered_delivery = 1;
  m.tlvs.push_back({smpp::tlv_tag::sar_msg_ref_num, std::string_view("\x00\x2a", 2)});
  m.tlvs.push_back({smpp::tlv_tag::sar_total_segments, std::string_view("\x02", 1)});
  m.tlvs.push_back({smpp::tlv_tag::sar_segment_seqnum, std::string_view("\x01", 1)});
  c.send(m);
  const auto resp = c.read_response();
  REQUIRE(resp);
  CHECK(resp->header.command_status == cs::esme_rok);
  const auto e = server.wait("submit_sm");
  REQUIRE(e);
  CHECK(e->str("short_message") == "70617274206f6e65");
  CHECK(e->member_str("tlvs", "0x020c") == "002a");
  CHECK(e->member_str("tlvs", "0x020e") == "02");
  CHECK(e->num("registered_delivery") == 1);

  auto receipt = c.read_deliver_sm(5s);
  REQUIRE(receipt);
  const smpp::pdu rp = receipt->decode();
  CHECK(std::get<smpp::deliver_sm>(rp.body).esm_class == 0x04);
  c.send(smpp::deliver_sm_resp{}, 0, receipt->header.sequence_number);

  server.write_line(R"({"cmd":"mo","count":100,"text":"MO {n}"})");
  for (int n = 1; n <= 100; ++n) {
    auto mo = c.read_deliver_sm(5s);
    REQUIRE(mo);
    CHECK(std::get<smpp::deliver_sm>(mo->decode().body).short_message == "MO " + std::to_string(n));
    c.send(smpp::deliver_sm_resp{}, 0, mo->header.sequence_number);
  }
  for (int n = 0; n < 100; ++n)
    REQUIRE(server.wait("deliver_sm_resp", [](const event& ev) { return ev.str("kind") == "mo"; }));
  server.write_line(R"({"cmd":"exit"})");
  CHECK(server.wait_exit(5s) == 0);
}
