// smsc-sim: an SMPP v3.4 SMSC simulator for tests, demos and benchmarks (docs/smsc-sim.md).
// Events on stdout (JSON lines, `listening` first), commands on stdin (JSON lines), errors on
// stderr.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "config.hpp"
#include "server.hpp"

namespace {

// Events to stdout, written once per I/O event rather than once per line.
class stdout_sink final : public smsdrv::sim::event_sink {
 public:
  void emit(std::string_view line) override {
    buffer_.append(line);
    if (buffer_.size() > 64 * 1024) flush();
  }
  void flush() override {
    if (buffer_.empty()) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    std::fflush(stdout);
    buffer_.clear();
  }

 private:
  std::string buffer_;
};

}  // namespace

int main(int argc, char** argv) {
  smsdrv::sim::sim_config config;
  const std::string error = smsdrv::sim::parse_command_line(argc, argv, config);
  if (error == "help") {
    std::fputs(smsdrv::sim::usage().c_str(), stdout);
    return 0;
  }
  if (error == "version") {
    std::printf("smsc-sim %s\n", SMSDRV_VERSION);
    return 0;
  }
  if (!error.empty()) {
    // The error alone, so that it does not scroll away behind the usage.
    fmt::print(stderr, "smsc-sim: {}\nsmsc-sim --help lists every option and stdin command\n",
               error);
    return 2;
  }
  const bool exit_on_eof = config.exit_on_eof;
  stdout_sink sink;
  std::shared_ptr<smsdrv::sim::server> server;
  try {
    server = std::make_shared<smsdrv::sim::server>(std::move(config), sink);
  } catch (const std::exception& e) {
    // A --tls-* file that does not load, or an address that cannot be bound.
    fmt::print(stderr, "smsc-sim: cannot listen: {}\n", e.what());
    return 1;
  }
  server->handle_signals();
  // stdin is read by a helper thread that posts each line to the server's io_context (reading a
  // pipe, a terminal, a file or /dev/null alike). It holds the server, so a late line never
  // reaches a destroyed one; the process ends it on exit.
  std::thread([server, exit_on_eof] {
    std::string line;
    while (std::getline(std::cin, line))
      if (line.find_first_not_of(" \t\r") != std::string::npos) server->command(line);
    if (exit_on_eof) server->stop();
  }).detach();
  server->run();
  sink.flush();
  return 0;
}
