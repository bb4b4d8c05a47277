#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "host/line_splitter.hpp"

using smsdrv::host::line_splitter;

namespace {

struct collected {
  std::vector<std::string> lines;
  std::vector<uint64_t> numbers;
  std::vector<uint64_t> too_long;
};

// Feeds input in pieces of chunk bytes, then ends it.
collected split(const std::string& input, size_t chunk, size_t max_line = 1024) {
  collected c;
  line_splitter s(max_line);
  auto on_line = [&](uint64_t number, char* line, size_t length, bool too_long) {
    if (too_long) {
      c.too_long.push_back(number);
      return;
    }
    line[length] = '\0';  // the byte after a line is writable
    c.lines.emplace_back(line, length);
    c.numbers.push_back(number);
  };
  for (size_t at = 0; at < input.size(); at += chunk) {
    const size_t n = std::min(chunk, input.size() - at);
    std::memcpy(s.space(n), input.data() + at, n);
    s.commit(n, on_line);
  }
  s.finish(on_line);
  return c;
}

}  // namespace

TEST_CASE("lines: every split point gives the same lines", "[lines]") {
  const std::string input = "{\"a\":1}\n\r\nsecond\r\n\nlast without newline";
  const size_t chunk = GENERATE(range(size_t{1}, size_t{40}));
  const auto c = split(input, chunk);
  REQUIRE(c.lines ==
          std::vector<std::string>{"{\"a\":1}", "", "second", "", "last without newline"});
  CHECK(c.numbers == std::vector<uint64_t>{1, 2, 3, 4, 5});
  CHECK(c.too_long.empty());
}

TEST_CASE("lines: a runaway line is reported once and skipped", "[lines]") {
  const std::string input = "ok\n" + std::string(5000, 'x') + "\nafter\n";
  const size_t chunk = GENERATE(size_t{7}, size_t{100}, size_t{4096}, size_t{10000});
  const auto c = split(input, chunk, 1000);
  CHECK(c.lines == std::vector<std::string>{"ok", "after"});
  CHECK(c.numbers == std::vector<uint64_t>{1, 3});
  CHECK(c.too_long == std::vector<uint64_t>{2});
}

TEST_CASE("lines: a line of exactly max_line bytes is kept", "[lines]") {
  const auto c = split(std::string(1000, 'y') + "\n", 64, 1000);
  REQUIRE(c.lines.size() == 1);
  CHECK(c.lines[0].size() == 1000);
  CHECK(c.too_long.empty());
}
