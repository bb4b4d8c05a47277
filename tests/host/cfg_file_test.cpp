#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "host/cfg_file.hpp"

using smsdrv::host::cfg_error;
using smsdrv::host::cfg_file;
using smsdrv::host::parse_cfg;
using smsdrv::host::read_cfg_file;

namespace {

// The message of the error parse_cfg throws for text, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse_cfg(text, "demo.cfg");
  } catch (const cfg_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("cfg: sections, options, comments and line numbers", "[cfg]") {
  const cfg_file f = parse_cfg(
      "# SMS/MMS driver options\n"
      "; another comment\n"
      "\n"
      "[settings]\n"
      "logging-filter-active = true\n"
      "   [ channel-sms1 ]   \n"
      "x-smpp-host=127.0.0.1\n"
      "\tx-smpp-port   =   2775  \n"
      "x-smpp-empty-message =\n"
      "inbound-route = 101:sms_endpoint, 101:chat_endpoint\n"
      "x-smpp-extraopt = { tlvItems: [ {tag:4401, typ:octets, val:2a03b44c6d0f} ] }\n"
      "session-by-text = ^#chat  # not a comment\n",
      "demo.cfg");
  REQUIRE(f.source == "demo.cfg");
  REQUIRE(f.sections.size() == 2);
  CHECK(f.sections[0].name == "settings");
  CHECK(f.sections[0].line == 4);
  REQUIRE(f.sections[0].options.size() == 1);
  CHECK(f.sections[0].options[0].key == "logging-filter-active");
  CHECK(f.sections[0].options[0].value == "true");
  CHECK(f.sections[0].options[0].line == 5);

  const auto* ch = f.find("channel-sms1");
  REQUIRE(ch != nullptr);
  CHECK(ch->line == 6);
  REQUIRE(ch->options.size() == 6);
  CHECK(ch->find("x-smpp-host")->value == "127.0.0.1");
  CHECK(ch->find("x-smpp-port")->value == "2775");
  CHECK(ch->find("x-smpp-port")->line == 8);
  CHECK(ch->find("x-smpp-empty-message")->value.empty());
  CHECK(ch->find("inbound-route")->value == "101:sms_endpoint, 101:chat_endpoint");
  CHECK(ch->find("x-smpp-extraopt")->value ==
        "{ tlvItems: [ {tag:4401, typ:octets, val:2a03b44c6d0f} ] }");
  CHECK(ch->find("session-by-text")->value == "^#chat  # not a comment");
  CHECK(ch->find("session-by-text")->line == 12);
  CHECK(ch->find("missing") == nullptr);
  CHECK(f.find("channel-none") == nullptr);
}

TEST_CASE("cfg: quoted values are literal with \\\" and \\\\ escapes", "[cfg]") {
  const cfg_file f = parse_cfg(
      "[channel-a]\n"
      "x-smpp-empty-message = \" \"\n"
      "empty = \"\"\n"
      "escaped = \"say \\\"hi\\\" \\\\ bye\"\n"
      "path = \"C:\\dir\\file\"\n"
      "hash = \"# kept ; too\"\n"
      "spaced = \"  a = b  \"   \n",
      "q.cfg");
  const auto& s = f.sections.at(0);
  CHECK(s.find("x-smpp-empty-message")->value == " ");
  CHECK(s.find("empty")->value.empty());
  CHECK(s.find("escaped")->value == "say \"hi\" \\ bye");
  CHECK(s.find("path")->value == "C:\\dir\\file");
  CHECK(s.find("hash")->value == "# kept ; too");
  CHECK(s.find("spaced")->value == "  a = b  ");
}

TEST_CASE("cfg: CRLF line ends and a byte-order mark are accepted", "[cfg]") {
  const cfg_file f =
      parse_cfg("\xEF\xBB\xBF[settings]\r\nlogging-filter-active = true\r\n", "w.cfg");
  REQUIRE(f.sections.size() == 1);
  CHECK(f.sections[0].name == "settings");
  CHECK(f.sections[0].options.at(0).value == "true");
}

TEST_CASE("cfg: an empty file has no sections", "[cfg]") {
  CHECK(parse_cfg("", "e.cfg").sections.empty());
  CHECK(parse_cfg("# only a comment\n\n", "e.cfg").sections.empty());
}

TEST_CASE("cfg: every structural error names file:line and the problem", "[cfg]") {
  CHECK(error_of("x = 1\n[s]\n") == "demo.cfg:1: option x appears before any [section]");
  CHECK(error_of("[s]\njust words\n") ==
        "demo.cfg:2: malformed line: expected [section], option = value, or a # comment (the "
        "line has no '=')");
  CHECK(error_of("[s]\n= 5\n") == "demo.cfg:2: malformed line: the option has no name");
  CHECK(error_of("[s]\nmy option = 5\n") ==
        "demo.cfg:2: malformed option name 'my': names contain no blanks, quotes or brackets");
  CHECK(error_of("[s]\n\na = \"open\n") ==
        "demo.cfg:3: option a: unterminated quote: the value starts with \" but has no closing \"");
  CHECK(error_of("[s]\na = \"ends with escape\\\"\n") ==
        "demo.cfg:2: option a: unterminated quote: the value starts with \" but has no closing \"");
  CHECK(error_of("[s]\na = \"x\" # c\n") ==
        "demo.cfg:2: option a: unexpected text after the closing quote (comments must be on a "
        "line of their own)");
  CHECK(error_of("[channel-a\n") ==
        "demo.cfg:1: malformed section header '[channel-a': missing ']'");
  CHECK(error_of("[a] # c\n") ==
        "demo.cfg:1: malformed section header '[a]': unexpected text after ']' (comments must be "
        "on a line of their own)");
  CHECK(error_of("[ ]\n") == "demo.cfg:1: malformed section header '[ ]': invalid section name");
  CHECK(error_of("[a]\n[b]\n[a]\n") == "demo.cfg:3: section [a] is already defined at line 1");
  CHECK(error_of("[a]\nx = 1\ny = 2\nx = 3\n") ==
        "demo.cfg:4: option x of [a] is already set at line 2");
}

TEST_CASE("cfg: no error repeats a value or what may be one", "[cfg]") {
  // A value is anything after '=', and a line without '=' may be "password: <secret>".
  const std::string secret = "Zq9xWv7L";
  for (const std::string& line :
       {"password: " + secret, "password " + secret, "= " + secret,
        "password = \"" + secret + "\"" + secret, "password = \"" + secret,
        "pass\"word " + secret + " = 1", "[channel-a] " + secret}) {
    INFO(line);
    const std::string e = error_of("[channel-a]\n" + line + "\n");
    CHECK_FALSE(e.empty());
    for (std::size_t i = 0; i + 3 <= secret.size(); ++i)
      CHECK(e.find(secret.substr(i, 3)) == std::string::npos);
  }
}

TEST_CASE("cfg: all problems are reported at once", "[cfg]") {
  try {
    parse_cfg("stray = 1\n[a]\nbad line\nb = \"x\n[a]\nignored = 1\n", "many.cfg");
    FAIL("expected a cfg_error");
  } catch (const cfg_error& e) {
    REQUIRE(e.source() == "many.cfg");
    REQUIRE(e.problems().size() == 4);
    CHECK(e.problems()[0].line == 1);
    CHECK(e.problems()[1].line == 3);
    CHECK(e.problems()[2].line == 4);
    CHECK(e.problems()[3].line == 5);
    // Options under a refused header are not reported again.
    CHECK(std::string(e.what()).find("ignored") == std::string::npos);
  }
}

TEST_CASE("cfg: read_cfg_file reads a file and names it", "[cfg]") {
  char path[] = "/tmp/cfg_file_test_XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  {
    std::ofstream out(path);
    out << "[settings]\nlogging-filter-active = false\n[channel-x\n";
  }
  try {
    read_cfg_file(path);
    FAIL("expected a cfg_error");
  } catch (const cfg_error& e) {
    CHECK(std::string(e.what()) ==
          std::string(path) + ":3: malformed section header '[channel-x': missing ']'");
  }
  std::remove(path);
  try {
    read_cfg_file(path);
    FAIL("expected a cfg_error");
  } catch (const cfg_error& e) {
    CHECK(std::string(e.what()) ==
          std::string(path) + ": cannot read the file: No such file or directory");
  }
}
