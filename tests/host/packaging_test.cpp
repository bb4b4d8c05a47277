// packaging/install.sh, uninstall_custom.sh and the CMake install component, into temporary
// server roots; the installed folder is then run by dms-stub.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "stub_fixture.hpp"

using namespace smsdrv::test;
namespace fs = std::filesystem;

namespace {

const std::string install_sh = std::string(PROJECT_SOURCE_DIR) + "/packaging/install.sh";
const std::string channel = "media-channel-drivers/channel-smsmms";

struct result {
  int status;
  std::string output;  // stdout and stderr
};

result run(const std::vector<std::string>& argv) {
  spawn_options options;
  options.pipe_stdin = false;
  subprocess p(argv, options);
  const auto status = p.wait(60s);
  REQUIRE(status.has_value());
  std::string out;
  while (auto line = p.read_line(0ms))
    out += *line + "\n";
  out += p.stderr_text();
  INFO(out);
  return {*status, out};
}

// A build tree with the fake driver as the driver module.
std::string fake_build(temp_dir& dir) {
  dir.copy(FAKE_DRIVER_PATH, "build/driver/libsmsmms.so");
  return dir.file("build");
}

bool executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IXUSR) != 0;
}

}  // namespace

TEST_CASE("packaging: install.sh lays out the channel folder, uninstall removes it",
          "[packaging]") {
  temp_dir work;
  temp_dir root;
  root.write("media-channel-drivers/channel-other/keep.txt", "another driver");
  const auto build = fake_build(work);

  const auto installed = run({"bash", install_sh, root.path(), "--from", build});
  REQUIRE(installed.status == 0);
  const std::string folder = root.file(channel);
  CHECK(executable(folder + "/libsmsmms.so"));
  CHECK(read_file(folder + "/logging-filter-smsmms.json").find("\"patterns\"") !=
        std::string::npos);
  if (fs::exists(std::string(PROJECT_SOURCE_DIR) + "/cfg/SmsMmsDriver.cfg"))
    CHECK(fs::exists(folder + "/Configuration/SmsMmsDriver.cfg"));
  else
    CHECK(installed.output.find("cfg/SmsMmsDriver.cfg is missing") != std::string::npos);
  for (const char* f : {"README.md", "simple-sms-paging.jsonl", "sms-inbound.jsonl",
                        "sms-outbound.jsonl", "simple-mms/README.md"})
    CHECK(fs::exists(folder + "/Business Process Examples/" + f));
  CHECK(executable(folder + "/uninstall/uninstall_custom.sh"));
  CHECK(fs::exists(folder + "/.channel-smsmms"));
  // Nothing of the assembly is left next to it.
  for (const auto& e : fs::directory_iterator(root.file("media-channel-drivers")))
    CHECK((e.path().filename() == "channel-smsmms" || e.path().filename() == "channel-other"));

  SECTION("a second install needs --force") {
    const auto again = run({"bash", install_sh, root.path(), "--from", build});
    CHECK(again.status == 1);
    CHECK(again.output.find("already exists") != std::string::npos);
    CHECK(run({"bash", install_sh, root.path(), "--from", build, "--force"}).status == 0);
    CHECK(fs::exists(folder + "/libsmsmms.so"));
  }
  SECTION("uninstall removes exactly the folder") {
    const auto removed = run({folder + "/uninstall/uninstall_custom.sh"});
    CHECK(removed.status == 0);
    CHECK_FALSE(fs::exists(folder));
    CHECK(fs::exists(root.file("media-channel-drivers/channel-other/keep.txt")));
  }
}

TEST_CASE("packaging: the installed folder runs under dms-stub", "[packaging]") {
  temp_dir work;
  temp_dir root;
  REQUIRE(run({"bash", install_sh, root.path(), "--from", fake_build(work)}).status == 0);
  const auto cfg = root.write("dms.cfg", "[settings]\n[channel-sms1]\ninbound-route = 101:sms\n");
  stub s({DMS_STUB_PATH, "run", "--config", cfg});
  // The samples shipped in Business Process Examples are valid requests.
  for (const char* sample : {"simple-sms-paging.jsonl", "sms-inbound.jsonl", "sms-outbound.jsonl"})
    s.process().write(read_file(root.file(channel + "/Business Process Examples/" + sample)));
  REQUIRE(s.finish() == 0);
  const auto responses = s.seen("esp-response");
  CHECK(responses.size() == 7);
  for (const auto& r : responses) {
    INFO(r.raw);
    CHECK(r.ok());
  }
  CHECK(s.log().find("loaded driver fake 0.0.1-fake from " + root.file(channel) +
                     "/libsmsmms.so") != std::string::npos);
}

TEST_CASE("packaging: install.sh refuses what it cannot do", "[packaging]") {
  temp_dir work;
  temp_dir root;
  SECTION("no module") {
    work.write("empty-build/CMakeCache.txt", "");
    const auto r = run({"bash", install_sh, root.path(), "--from", work.file("empty-build")});
    CHECK(r.status == 1);
    CHECK(r.output.find("no libsmsmms.so under") != std::string::npos);
    CHECK_FALSE(fs::exists(root.file(channel)));
  }
  SECTION("no server root") {
    const auto r = run({"bash", install_sh, root.file("missing"), "--from", fake_build(work)});
    CHECK(r.status == 1);
    CHECK(r.output.find("does not exist") != std::string::npos);
  }
  SECTION("a folder it did not install") {
    root.write(channel + "/mine.txt", "not ours");
    const auto r = run({"bash", install_sh, root.path(), "--from", fake_build(work), "--force"});
    CHECK(r.status == 1);
    CHECK(r.output.find("is not an installed channel-smsmms folder") != std::string::npos);
    CHECK(fs::exists(root.file(channel + "/mine.txt")));
  }
  SECTION("usage") {
    CHECK(run({"bash", install_sh}).status == 2);
    CHECK(run({"bash", install_sh, root.path(), "--bogus"}).status == 1);
  }
}

TEST_CASE("packaging: uninstall_custom.sh removes nothing but an installed folder", "[packaging]") {
  temp_dir root;
  const std::string script = std::string(PROJECT_SOURCE_DIR) + "/packaging/uninstall_custom.sh";
  SECTION("run from the source tree") {
    const auto r = run({"bash", script});
    CHECK(r.status == 1);
    CHECK(r.output.find("refusing to remove") != std::string::npos);
    CHECK(fs::exists(script));
  }
  SECTION("a look-alike folder without the marker") {
    const auto copy = root.copy(script, channel + "/uninstall/uninstall_custom.sh");
    root.write(channel + "/data.txt", "keep");
    const auto r = run({"bash", copy});
    CHECK(r.status == 1);
    CHECK(r.output.find("no .channel-smsmms marker") != std::string::npos);
    CHECK(fs::exists(root.file(channel + "/data.txt")));
  }
  SECTION("the marker in a folder of another name") {
    const auto copy = root.copy(script, "media-channel-drivers/channel-x/uninstall/u.sh");
    root.write("media-channel-drivers/channel-x/.channel-smsmms", "");
    CHECK(run({"bash", copy}).status == 1);
    CHECK(fs::exists(root.file("media-channel-drivers/channel-x")));
  }
}

TEST_CASE("packaging: the CMake install component has the same layout", "[packaging]") {
  temp_dir root;
  const auto r = run({"cmake", "--install", PROJECT_BINARY_DIR, "--component", "channel-smsmms",
                      "--prefix", root.path()});
  REQUIRE(r.status == 0);
  const std::string folder = root.file(channel);
  CHECK(fs::exists(folder + "/logging-filter-smsmms.json"));
  CHECK(fs::exists(folder + "/Business Process Examples/simple-sms-paging.jsonl"));
  CHECK(fs::exists(folder + "/.channel-smsmms"));
  REQUIRE(executable(folder + "/uninstall/uninstall_custom.sh"));
  CHECK(run({folder + "/uninstall/uninstall_custom.sh"}).status == 0);
  CHECK_FALSE(fs::exists(folder));
}
