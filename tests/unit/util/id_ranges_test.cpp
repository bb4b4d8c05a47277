#include "util/id_ranges.hpp"

#include <catch2/catch.hpp>

using smsdrv::id_ranges;

TEST_CASE("id_ranges: consecutive ids collapse into ranges, in the order they came") {
  id_ranges r;
  CHECK(r.empty());
  CHECK(r.text().empty());
  for (std::uint64_t id = 13; id <= 231; ++id)
    r.add(id);
  r.add(240);
  r.add(7);
  CHECK(r.count() == 221);
  CHECK(r.text() == "13-231, 240, 7");
}

TEST_CASE("id_ranges: bounded; ids beyond the ranges kept are counted and shown as …") {
  id_ranges r(2);
  r.add(1);
  r.add(3);
  r.add(5);
  r.add(6);
  CHECK(r.count() == 4);
  CHECK(r.text() == "1, 3, …");
  r.clear();
  CHECK(r.empty());
  r.add(9);
  CHECK(r.text() == "9");
}
