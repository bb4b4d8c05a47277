// cfg_edit: one section's values changed, every other byte of the file as it was. Golden files
// in tests/host/golden/cfg_edit/ (<case>.in.cfg edited -> <case>.out.cfg).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/cfg_edit.hpp"
#include "host/cfg_file.hpp"

using smsdrv::host::cfg_change;
using smsdrv::host::edit_cfg_section;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string golden(const std::string& name) {
  return slurp(std::string(PROJECT_SOURCE_DIR) + "/tests/host/golden/cfg_edit/" + name);
}

std::string error_of(std::string_view text, std::vector<cfg_change> changes) {
  try {
    edit_cfg_section(text, "dms.cfg", "channel-a", changes);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE(
    "cfg edit: values in place, a commented-out option set, a new one appended, "
    "comments and other sections kept",
    "[cfg]") {
  const std::vector<cfg_change> changes{{"x-smpp-port", "2776"},
                                        {"password", "new\"pw#1"},
                                        {"x-failover-channel", "channel-b"},
                                        {"x-smpp-system-id", "esme"},
                                        {"x-smpp-host", " smsc.example "},
                                        {"x-smpp-system-type", std::nullopt},
                                        {"x-not-there", std::nullopt}};
  const std::string out =
      edit_cfg_section(golden("two_channels.in.cfg"), "dms.cfg", "channel-a", changes);
  CHECK(out == golden("two_channels.out.cfg"));
  // Read back: the values as given, the quoted one with its blanks.
  const auto cfg = smsdrv::host::parse_cfg(out, "dms.cfg");
  CHECK(cfg.find("channel-a")->find("x-smpp-host")->value == " smsc.example ");
  CHECK(cfg.find("channel-a")->find("password")->value == "new\"pw#1");
  CHECK(cfg.find("channel-b")->find("x-failover-channel") == nullptr);
}

TEST_CASE("cfg edit: CRLF line ends, a byte-order mark and a missing last line end are kept",
          "[cfg]") {
  const std::string in = "\xEF\xBB\xBF[channel-a]\r\n# note\r\nx-smpp-port = 1\r\nx = y";
  CHECK(edit_cfg_section(in, "dms.cfg", "channel-a", std::vector<cfg_change>{{"x", "z"}}) ==
        "\xEF\xBB\xBF[channel-a]\r\n# note\r\nx-smpp-port = 1\r\nx = z");
  CHECK(edit_cfg_section(in, "dms.cfg", "channel-a", std::vector<cfg_change>{{"n", "1"}}) ==
        "\xEF\xBB\xBF[channel-a]\r\n# note\r\nx-smpp-port = 1\r\nx = y\r\nn = 1");
  CHECK(edit_cfg_section("[channel-a]\n", "dms.cfg", "channel-a",
                         std::vector<cfg_change>{{"n", "1"}}) == "[channel-a]\nn = 1\n");
}

TEST_CASE("cfg edit: what no .cfg line can hold is refused, naming the option", "[cfg]") {
  const std::string in = "[channel-a]\nx = 1\n";
  CHECK(error_of(in, {{"password", "a\nb"}}) ==
        "option password: a value in a .cfg file cannot hold a line break or NUL");
  CHECK(error_of(in, {{"x y", "1"}}).starts_with("'x y' is not an option name"));
  CHECK(error_of("[channel-b]\n", {{"x", "1"}}) == "dms.cfg has no section [channel-a]");
  CHECK(error_of("[channel-a]\nbroken line\n", {{"x", "1"}}).starts_with("dms.cfg:2: malformed"));
  // A refused change among good ones: none is made (the caller gets no text at all).
  CHECK_FALSE(error_of(in, {{"x", "2"}, {"y", std::string("\0", 1)}}).empty());
}

TEST_CASE("cfg edit: replace_file swaps the whole file and keeps its mode", "[cfg]") {
  std::string dir = (std::filesystem::temp_directory_path() / "cfg-edit-XXXXXX").string();
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  const std::string path = std::string(dir) + "/dms.cfg";
  std::ofstream(path) << "[channel-a]\n";
  ::chmod(path.c_str(), 0600);
  smsdrv::host::replace_file(path, "[channel-a]\nx = 1\n");
  CHECK(slurp(path) == "[channel-a]\nx = 1\n");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(::access((path + ".dms-stub-new").c_str(), F_OK) != 0);
  CHECK_THROWS_WITH(smsdrv::host::replace_file(std::string(dir) + "/none.cfg", ""),
                    Catch::Contains("none.cfg"));
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}
