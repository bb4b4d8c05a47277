#include "channel/prepared_request.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace smsdrv::channel;

TEST_CASE("frame_list keeps frames back to back and hands them out in order") {
  frame_list f;
  CHECK(f.empty());
  CHECK(f.begin() == f.end());

  f.push_back("first");
  REQUIRE(f.size() == 1);
  CHECK(f[0] == "first");

  // Appended in place, as the composer does with smpp::encode.
  f.open_frame().append("second");
  f.close_frame();
  f.push_back("3");
  REQUIRE(f.size() == 3);
  CHECK(f[0] == "first");
  CHECK(f[1] == "second");
  CHECK(f[2] == "3");
  std::vector<std::string_view> seen(f.begin(), f.end());
  CHECK(seen == std::vector<std::string_view>{"first", "second", "3"});

  SECTION("clear keeps the buffer for the next request") {
    const std::size_t capacity = f.capacity();
    f.clear();
    CHECK(f.empty());
    CHECK(f.capacity() == capacity);
    f.push_back("again");
    REQUIRE(f.size() == 1);
    CHECK(f[0] == "again");
  }
  SECTION("a moved-from list is empty and usable") {
    frame_list g = std::move(f);
    CHECK(g.size() == 3);
    CHECK(g[1] == "second");
    CHECK(f.empty());  // NOLINT(bugprone-use-after-move): the contract under test
    f.push_back("x");
    REQUIRE(f.size() == 1);
    CHECK(f[0] == "x");
    frame_list h;
    h = std::move(g);
    CHECK(h[2] == "3");
    CHECK(g.empty());  // NOLINT(bugprone-use-after-move)
  }
  SECTION("a copy is independent") {
    frame_list g = f;
    g.push_back("4");
    CHECK(f.size() == 3);
    CHECK(g.size() == 4);
    CHECK(g[3] == "4");
  }
}
