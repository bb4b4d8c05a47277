#include "util/log_limiter.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using smsdrv::log_level;
using smsdrv::log_limiter;

namespace {

log_limiter::time_point at(std::chrono::milliseconds ms) {
  return log_limiter::time_point(std::chrono::hours(100)) + ms;
}

}  // namespace

TEST_CASE("log_limiter: lines that differ only in numbers are alike") {
  CHECK(log_limiter::shape("request 12 failed: 0x0000000B after 1.5 s") ==
        "request # failed: #x#B after #.# s");
  CHECK(log_limiter::shape("") == "");
}

TEST_CASE("log_limiter: a burst is written, the rest counted and summarised once, with ids") {
  log_limiter limiter({.interval = 10s, .burst = 3, .max_keys = 8});
  int written = 0;
  for (std::uint64_t id = 1; id <= 220; ++id)
    written += limiter.admit(log_level::warn, fmt::format("request {} failed: link lost", id),
                             at(0ms), id);
  CHECK(written == 3);
  // Another kind of line is not held back by the first.
  CHECK(limiter.admit(log_level::warn, "part 1/3 refused", at(0ms)));
  CHECK(limiter.next_deadline() == at(10s));

  std::vector<log_limiter::summary> out;
  limiter.take_summaries(at(9999ms), out);
  CHECK(out.empty());
  limiter.take_summaries(at(10s), out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].level == log_level::warn);
  CHECK(out[0].text ==
        "… 217 more like this in the last 10.0 s (requests 4-220): request 4 failed: link lost");
  CHECK(limiter.next_deadline() == log_limiter::time_point::max());

  // A new interval: a burst again.
  CHECK(limiter.admit(log_level::warn, "request 500 failed: link lost", at(11s), 500));
}

TEST_CASE("log_limiter: a key quiet for an interval starts over; nothing held, no summary") {
  log_limiter limiter({.interval = 1s, .burst = 1, .max_keys = 8});
  CHECK(limiter.admit(log_level::warn, "stray 1", at(0ms)));
  CHECK_FALSE(limiter.admit(log_level::warn, "stray 2", at(10ms)));
  std::vector<log_limiter::summary> out;
  limiter.take_summaries(at(1s), out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].text == "… 1 more like this in the last 1.0 s: stray 2");
  out.clear();
  CHECK(limiter.admit(log_level::warn, "stray 3", at(1500ms)));
  CHECK(limiter.admit(log_level::warn, "stray 4", at(2600ms)));  // that interval ended quietly
  limiter.take_summaries(at(5s), out);
  CHECK(out.empty());
}

TEST_CASE("log_limiter: the summary has the most severe level; `all` flushes everything") {
  log_limiter limiter({.interval = 60s, .burst = 0, .max_keys = 8});
  CHECK_FALSE(limiter.admit(log_level::warn, "x 1", at(0ms)));
  CHECK_FALSE(limiter.admit(log_level::error, "x 2", at(1ms)));
  std::vector<log_limiter::summary> out;
  limiter.take_summaries(at(2s), out, /*all=*/true);
  REQUIRE(out.size() == 1);
  CHECK(out[0].level == log_level::error);
  CHECK(out[0].text == "… 2 more like this in the last 2.0 s: x 1");
}

TEST_CASE("log_limiter: memory is bounded; lines of keys beyond the bound share one window") {
  log_limiter limiter({.interval = 10s, .burst = 1, .max_keys = 4});
  int written = 0;
  for (int i = 0; i < 1000; ++i)
    written += limiter.admit(log_level::warn,
                             std::string(1, static_cast<char>('A' + i % 26)) +
                                 std::string(static_cast<std::size_t>(i % 7), 'z'),
                             at(0ms));
  // 4 keys of their own plus the shared one, one line each.
  CHECK(written == 5);
  std::vector<log_limiter::summary> out;
  limiter.take_summaries(at(10s), out);
  CHECK(out.size() == 5);
}

TEST_CASE("log_limiter: a keyed line is made only when written or kept as the example") {
  log_limiter limiter({.interval = 10s, .burst = 2, .max_keys = 8});
  int made = 0;
  int written = 0;
  for (int i = 0; i < 100; ++i)
    written += limiter.admit_keyed(log_level::warn, "refused {}", at(0ms), 0, [&] {
      ++made;
      return fmt::format("refused {}", i);
    });
  CHECK(written == 2);
  CHECK(made == 1);  // the example: the first line held back (the caller makes written ones)
  std::vector<log_limiter::summary> out;
  limiter.take_summaries(at(10s), out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].text == "… 98 more like this in the last 10.0 s: refused 2");
}
