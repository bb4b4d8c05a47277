#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "host/cli.hpp"

using smsdrv::host::command_line;
using smsdrv::host::parse_command_line;

namespace {

std::string usage_error(const std::vector<std::string>& args) {
  try {
    parse_command_line(args);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("cli: run with every option", "[cli]") {
  const auto cl =
      parse_command_line({"run", "--config", "a.cfg", "--drivers", "d", "--linger", "1.5",
                          "--drain=0", "--app-name", "DMS_1", "--log-level", "debug"});
  REQUIRE(cl.what == command_line::action::run);
  CHECK(cl.run.config == "a.cfg");
  CHECK(cl.run.drivers == "d");
  CHECK(cl.run.linger.count() == 1500);
  CHECK(cl.run.drain.count() == 0);
  CHECK(cl.run.app_name == "DMS_1");
  CHECK(cl.run.log_level == 4);
  CHECK_FALSE(cl.run.metrics_port);
  CHECK(parse_command_line({"run", "--config", "a", "--metrics-port", "9464"}).run.metrics_port ==
        9464);
  CHECK(parse_command_line({"run", "--config", "a", "--metrics-port=0"}).run.metrics_port == 0);
}

TEST_CASE("cli: defaults", "[cli]") {
  const auto cl = parse_command_line({"run", "--config=x.cfg"});
  CHECK(cl.run.drivers.empty());
  CHECK(cl.run.linger.count() == 0);
  CHECK(cl.run.drain.count() == 30000);
  CHECK(cl.run.app_name == "dms-stub");
  CHECK(cl.run.log_level == 3);
}

TEST_CASE("cli: help and version", "[cli]") {
  CHECK(parse_command_line({"--help"}).what == command_line::action::help);
  CHECK(parse_command_line({"run", "--help"}).what == command_line::action::help);
  CHECK(parse_command_line({"--version"}).what == command_line::action::version);
  CHECK(std::string(smsdrv::host::usage_text()).find("--drivers DIR") != std::string::npos);
}

TEST_CASE("cli: usage errors say what is wrong", "[cli]") {
  CHECK(usage_error({}) == "missing command (try 'dms-stub --help')");
  CHECK(usage_error({"serve"}) == "unknown command 'serve' (try 'dms-stub --help')");
  CHECK(usage_error({"run"}) == "run needs --config FILE");
  CHECK(usage_error({"run", "--config"}) == "--config needs a value");
  CHECK(usage_error({"run", "--config", "a", "--metrics-port", "65536"}) ==
        "--metrics-port needs a TCP port from 0 to 65535 (0: any free one), not '65536'");
  CHECK(usage_error({"run", "--config", "a", "--metrics-port", "x"}) ==
        "--metrics-port needs a TCP port from 0 to 65535 (0: any free one), not 'x'");
  CHECK(usage_error({"run", "--config", "a", "--bogus"}) ==
        "unknown option '--bogus' (try 'dms-stub --help')");
  CHECK(usage_error({"run", "--config", "a", "--linger", "-1"}) ==
        "--linger needs a number of seconds >= 0, not '-1'");
  CHECK(usage_error({"run", "--config", "a", "--drain", "soon"}) ==
        "--drain needs a number of seconds >= 0, not 'soon'");
  CHECK(usage_error({"run", "--config", "a", "--log-level", "loud"}) ==
        "--log-level is one of error, warn, info, debug, trace, not 'loud'");
  CHECK(usage_error({"run", "--config", "a", "--app-name", ""}) == "--app-name must not be empty");
}
