// The child process library (subprocess/) against real children: /bin/sh scripts that write,
// read, exit and die the ways the tests' and smpp-bench's peers do.
#include "subprocess/subprocess.hpp"

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <system_error>

using smsdrv::proc::spawn_options;
using smsdrv::proc::subprocess;
using namespace std::chrono_literals;

namespace {

subprocess sh(const std::string& script, const spawn_options& options = {}) {
  return subprocess({"/bin/sh", "-c", script}, options);
}

}  // namespace

TEST_CASE("lines of stdout in order; a last line without a newline; then the end") {
  auto p = sh("printf 'one\\ntwo\\n\\nlast'");
  CHECK(p.read_line(5s) == "one");
  const auto two = p.read_line_view(5s);
  REQUIRE(two);
  CHECK(*two == "two");
  CHECK(p.read_line(5s) == "");
  CHECK(p.read_line(5s) == "last");
  CHECK_FALSE(p.read_line(5s));
  CHECK(p.stdout_closed());
  CHECK(p.wait(5s) == 0);
}

TEST_CASE("a line larger than one read, and many lines in one read") {
  // 300000 'x' then a newline (more than the 256 KiB read chunk), then 20000 short lines.
  auto p = sh("head -c 300000 /dev/zero | tr '\\0' x; echo; seq 1 20000");
  const auto big = p.read_line(10s);
  REQUIRE(big);
  CHECK(big->size() == 300000);
  CHECK(big->find_first_not_of('x') == std::string::npos);
  for (int i = 1; i <= 20000; ++i) {
    const auto line = p.read_line_view(10s);
    REQUIRE(line);
    REQUIRE(*line == std::to_string(i));
  }
  CHECK_FALSE(p.read_line(5s));
}

TEST_CASE("stdin: what is written is read back; closing it is the child's end of input") {
  auto p = sh("while read l; do echo \"got $l\"; done; echo bye");
  p.write_line("a");
  CHECK(p.read_line(5s) == "got a");
  CHECK(p.try_write("b\n"));
  CHECK(p.read_line(5s) == "got b");
  p.close_stdin();
  CHECK(p.read_line(5s) == "bye");
  CHECK(p.wait(5s) == 0);
  CHECK_FALSE(p.try_write("c\n"));
  CHECK_THROWS_AS(p.write("c\n"), std::system_error);
}

TEST_CASE("writing to a child that has exited fails instead of killing the caller") {
  auto p = sh("exit 0");
  REQUIRE(p.wait(5s) == 0);
  const std::string block(1 << 20, 'x');  // more than a pipe holds
  CHECK_FALSE(p.try_write(block));
  CHECK_THROWS_AS(p.write(block), std::system_error);
}

TEST_CASE("a read that times out gives nothing and leaves the line for later") {
  auto p = sh("read go; echo late");
  CHECK_FALSE(p.read_line(50ms));
  CHECK(p.running());
  p.write_line("go");
  CHECK(p.read_line(5s) == "late");
}

TEST_CASE("stderr: captured apart from stdout, line by line and as a whole") {
  auto p = sh("echo out; echo err1 >&2; echo err2 >&2");
  CHECK(p.read_line(5s) == "out");
  CHECK(p.read_stderr_line(5s) == "err1");
  REQUIRE(p.wait(5s) == 0);
  CHECK(p.read_stderr_line(5s) == "err2");
  CHECK(p.stderr_text() == "err1\nerr2\n");
}

TEST_CASE("a chatty stderr never blocks the child while stdout is awaited") {
  // 1 MiB on stderr (more than the pipe holds) before the one line on stdout.
  auto p = sh("head -c 1048576 /dev/zero >&2; echo done");
  CHECK(p.read_line(10s) == "done");
  CHECK(p.wait(5s) == 0);
  CHECK(p.stderr_text().size() == 1048576);
}

TEST_CASE("a larger stdout pipe: the child writes that much while nobody reads") {
  // 200,000 octets: more than the default pipe holds (64 KiB), less than the one asked for.
  const std::string script = "head -c 200000 /dev/zero; echo written >&2";
  SECTION("1 MiB") {
    spawn_options o;
    o.stdout_pipe_size = 1 << 20;
    auto p = sh(script, o);
    CHECK(p.read_stderr_line(10s) == "written");
    CHECK(p.wait(5s) == 0);
  }
  SECTION("the default: the child waits for the reader") {
    auto p = sh(script);
    CHECK_FALSE(p.read_stderr_line(300ms));
    CHECK(p.wait(5s) == 0);  // wait() reads stdout
    CHECK(p.read_stderr_line(1s) == "written");
  }
}

TEST_CASE("exit codes, and 128 + the signal when a signal ends the child") {
  SECTION("exit 3") {
    auto p = sh("exit 3");
    CHECK(p.wait(5s) == 3);
    CHECK_FALSE(p.running());
  }
  SECTION("SIGTERM") {
    auto p = sh("exec sleep 30");
    CHECK_FALSE(p.wait(20ms));
    CHECK(p.running());
    p.kill();
    CHECK(p.wait(5s) == 128 + SIGTERM);
  }
  SECTION("SIGKILL") {
    auto p = sh("exec sleep 30");
    p.kill(SIGKILL);
    CHECK(p.wait(5s) == 128 + SIGKILL);
    p.kill(SIGTERM);  // reaped: nothing happens
    CHECK(p.wait(5s) == 128 + SIGKILL);
  }
}

TEST_CASE("wait() keeps what stdout wrote for read_line(), unless told to drop it") {
  const std::string script = "echo kept; exit 0";
  SECTION("kept (the default)") {
    auto p = sh(script);
    REQUIRE(p.wait(5s) == 0);
    CHECK(p.read_line(5s) == "kept");
  }
  SECTION("dropped") {
    spawn_options o;
    o.keep_stdout_on_wait = false;
    auto p = sh(script, o);
    REQUIRE(p.wait(5s) == 0);
    CHECK_FALSE(p.read_line(50ms));
  }
}

TEST_CASE("options: working directory, extra environment, stdin from /dev/null") {
  spawn_options o;
  o.cwd = "/";
  o.env = {"SUBPROCESS_TEST_VALUE=seven"};
  o.pipe_stdin = false;
  auto p = sh("pwd; echo \"$SUBPROCESS_TEST_VALUE\"; cat; echo end", o);
  CHECK(p.read_line(5s) == "/");
  CHECK(p.read_line(5s) == "seven");
  CHECK(p.read_line(5s) == "end");  // cat read an empty stdin
  CHECK_FALSE(p.try_write("x"));
  CHECK(p.wait(5s) == 0);
}

TEST_CASE("a program that cannot start: an error naming it") {
  try {
    subprocess p({"/nonexistent/program-of-this-test"});
    FAIL("started");
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("/nonexistent/program-of-this-test") != std::string::npos);
  }
  CHECK_THROWS_AS(subprocess({}), std::system_error);
}

TEST_CASE("the destructor ends and reaps a child that still runs") {
  pid_t pid = 0;
  {
    auto p = sh("exec sleep 30");
    pid = p.pid();
    REQUIRE(pid > 0);
  }
  // Reaped: the pid no longer names our child (ESRCH), not a zombie.
  CHECK(::kill(pid, 0) != 0);
}
