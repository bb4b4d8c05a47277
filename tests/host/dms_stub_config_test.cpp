// dms-stub start-up: module loading, section dispatch, configuration errors, command line.
#include <catch2/catch.hpp>

#include <string>

#include "stub_fixture.hpp"

using namespace smsdrv::test;

namespace {

// Runs dms-stub to completion with empty input; returns (exit status, stderr).
std::pair<int, std::string> run_to_end(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {DMS_STUB_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  stub s(argv);
  const int status = s.finish();
  return {status, s.log()};
}

size_t position(const std::string& log, const std::string& needle) {
  const auto at = log.find(needle);
  INFO("looking for: " << needle << "\nin:\n" << log);
  REQUIRE(at != std::string::npos);
  return at;
}

}  // namespace

TEST_CASE("config: driver-wide sections go to every driver first, channels to their driver",
          "[stub][config]") {
  stub_setup setup;
  setup.add_module("channel-fakeb", FAKE_DRIVER_B_PATH, "libfakeb.so");
  const auto cfg = setup.config(R"([channel-a]
driver = fakeb
inbound-route = 1:a
[settings]
logging-filter-active = false
[channel-b]
driver = fake
[log-filter]
default-filter-type = copy
[log-filter-data]
_smsText = hide
[other]
x = 1
)");
  auto s = setup.start(cfg);
  for (const char* ch : {"channel-a", "channel-b"}) {
    const std::string id = std::string("r-") + ch;
    s->send(R"({"id":")" + id + R"(","request":"SendSMS","channel":")" + ch +
            R"(","userData":{"_smsDestNumber":"1"}})");
    CHECK(s->response(id).ok());
  }
  REQUIRE(s->finish() == 0);
  const std::string& log = s->log();
  for (const std::string driver : {"[fake]", "[fakeb]"}) {
    const auto settings = position(log, driver + " fake: configured [settings]");
    const auto filter = position(log, driver + " fake: configured [log-filter] ");
    const auto data = position(log, driver + " fake: configured [log-filter-data]");
    CHECK(settings < filter);
    CHECK(filter < data);
    const auto channel = position(log, driver + " fake: configured [channel-");
    CHECK(data < channel);
  }
  position(log, "[fakeb] fake: configured [channel-a] options=2");
  position(log, "[fake] fake: configured [channel-b] options=1");
  CHECK(log.find("[fake] fake: configured [channel-a]") == std::string::npos);
  CHECK(log.find("[fakeb] fake: configured [channel-b]") == std::string::npos);
  position(log, "dms.cfg:12: section [other] is not for channel drivers; ignored");
}

TEST_CASE("config: several drivers need driver = <name>", "[stub][config]") {
  stub_setup setup;
  setup.add_module("channel-fakeb", FAKE_DRIVER_B_PATH, "libfakeb.so");
  SECTION("missing") {
    const auto cfg = setup.config("[channel-a]\ninbound-route = 1:a\n");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    position(log,
             "dms.cfg:1: [channel-a]: several drivers are loaded (fake, fakeb); say which "
             "one this channel uses with driver = <name>");
  }
  SECTION("unknown") {
    const auto cfg = setup.config("[channel-a]\n\ndriver = smsmms\n");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    position(log,
             "dms.cfg:3: [channel-a] driver = \"smsmms\": no loaded driver has that name "
             "(loaded: fake, fakeb)");
  }
}

TEST_CASE("config: a refused section stops the start with the driver's explanation",
          "[stub][config]") {
  stub_setup setup;
  const auto cfg = setup.config("[settings]\n[channel-sms1]\nx-smpp-host = h\nfake-refuse = yes\n");
  const auto [status, log] = run_to_end({"run", "--config", cfg});
  CHECK(status == 1);
  position(log, "dms.cfg:2: driver fake refused [channel-sms1]: SMSDRV_E_BAD_CONFIG: " +
                    setup.dir().file("dms.cfg") +
                    ":4: [channel-sms1] fake-refuse = \"yes\": refused as asked");
  CHECK(log.find("serving") == std::string::npos);
}

TEST_CASE("config: structural and routing errors name file:line", "[stub][config]") {
  stub_setup setup;
  SECTION("cfg syntax") {
    const auto cfg = setup.config("[settings]\nlogging-filter-active = \"true\n");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    position(log, "dms.cfg:2: option logging-filter-active: unterminated quote");
  }
  SECTION("a session regex without a chat endpoint") {
    const auto cfg = setup.config("[channel-sms1]\ninbound-route = 1:a\nsession-by-text = ^x\n");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    position(log,
             "dms.cfg:3: [channel-sms1] session-by-text = \"^x\": a session regex needs a "
             "chat-session endpoint");
    CHECK(log.find("fake: configured") == std::string::npos);  // nothing was applied
  }
}

TEST_CASE("config: a file without a [channel-<name>] section is refused, near misses named",
          "[stub][config]") {
  stub_setup setup;
  SECTION("an empty file") {
    const auto [status, log] = run_to_end({"run", "--config", setup.config("")});
    CHECK(status == 1);
    position(log, setup.dir().file("dms.cfg") +
                      ": no [channel-<name>] section: there is no channel to serve (the file has "
                      "no sections)");
    CHECK(log.find("serving") == std::string::npos);
  }
  SECTION("misspelt sections") {
    const auto cfg = setup.config(
        "[setings]\nx = 1\n[chanel-a]\nx-smpp-host = h\n[Channel_b]\n[channel-]\n[other]\n");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    const std::string file = setup.dir().file("dms.cfg");
    position(log, file + ": no [channel-<name>] section: there is no channel to serve");
    position(log, file + ":1: [setings]: did you mean [settings]?");
    position(log, file + ":3: [chanel-a]: did you mean [channel-a]?");
    position(log, file + ":5: [Channel_b]: did you mean [channel-b]?");
    position(log, file + ":6: [channel-]: a channel section needs a name after 'channel-'");
    CHECK(log.find("[other]: did you mean") == std::string::npos);
    CHECK(log.find("fake: configured") == std::string::npos);  // nothing was applied
    CHECK(log.find("serving") == std::string::npos);
  }
  SECTION("a near miss beside a channel: served, with a warning") {
    const auto cfg = setup.config("[channel-a]\n[chanel-b]\n");
    auto s = setup.start(cfg);
    REQUIRE(s->finish() == 0);
    position(s->log(), setup.dir().file("dms.cfg") +
                           ":2: section [chanel-b] is not for channel drivers; ignored (did you "
                           "mean [channel-b]?)");
  }
}

TEST_CASE("config: unusable modules are named", "[stub][config]") {
  stub_setup setup;
  const auto cfg = setup.config("[channel-sms1]\n");
  SECTION("no entry point") {
    setup.add_module("channel-bad", BAD_MODULE_NO_ENTRY_PATH, "libbad.so");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    position(log, "driver module " + setup.drivers_dir() +
                      "/channel-bad/libbad.so does not export smsdrv_driver_entry");
  }
  SECTION("another ABI major version") {
    setup.add_module("channel-bad", BAD_MODULE_ABI_PATH, "libbad.so");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    position(log, "driver module " + setup.drivers_dir() +
                      "/channel-bad/libbad.so does not implement ABI major version 1");
  }
  SECTION("not a shared object") {
    setup.dir().write("media-channel-drivers/channel-bad/libbad.so", "not an ELF file");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    position(log, "cannot load driver module " + setup.drivers_dir() + "/channel-bad/libbad.so");
  }
  SECTION("an empty channel folder is skipped with a warning") {
    setup.dir().write("media-channel-drivers/channel-empty/README", "");
    setup.dir().write("media-channel-drivers/not-a-channel/libx.so", "ignored: not channel-*");
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 0);
    position(log, "channel-empty has no driver module (*.so); skipped");
  }
}

TEST_CASE("config: where the drivers are", "[stub][config]") {
  stub_setup setup;
  const std::string text = "[channel-sms1]\n";
  SECTION("next to the config at the server root") {
    const auto [status, log] = run_to_end({"run", "--config", setup.config(text)});
    CHECK(status == 0);
    position(log, "loaded driver fake 0.0.1-fake from " + setup.drivers_dir());
  }
  SECTION("above a config inside the driver's Configuration folder") {
    const auto cfg = setup.dir().write(
        "media-channel-drivers/channel-fake/Configuration/SmsMmsDriver.cfg", text);
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 0);
    position(log, "loaded driver fake");
  }
  SECTION("--drivers elsewhere") {
    temp_dir other;
    const auto cfg = other.write("conf/dms.cfg", text);
    const auto [status, log] = run_to_end({"run", "--config", cfg});
    CHECK(status == 1);
    position(log, "no media-channel-drivers folder at or above the folder of " + cfg +
                      "; say where the drivers are with --drivers DIR");
    const auto [status2, log2] =
        run_to_end({"run", "--config", cfg, "--drivers", setup.drivers_dir()});
    CHECK(status2 == 0);
  }
  SECTION("no module at all") {
    temp_dir empty;
    empty.write("media-channel-drivers/README", "");
    const auto [status, log] = run_to_end({"run", "--config", empty.write("dms.cfg", text)});
    CHECK(status == 1);
    position(log, "no driver module found: expected " + empty.file("media-channel-drivers") +
                      "/channel-*/*.so");
  }
}

TEST_CASE("config: command line", "[stub][config]") {
  stub_setup setup;
  {
    stub s({DMS_STUB_PATH, "--help"});
    const auto first = s.process().read_line(10s);
    CHECK(first.value_or("").rfind("dms-stub - reference host", 0) == 0);
    CHECK(s.process().wait(10s) == 0);
  }
  {
    stub s({DMS_STUB_PATH, "run", "--config", "x.cfg", "--linger", "soon"});
    CHECK(s.process().wait(10s) == 2);
    CHECK(s.log() == "dms-stub: --linger needs a number of seconds >= 0, not 'soon'\n");
  }
}
