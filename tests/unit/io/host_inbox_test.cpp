// host_inbox: one drain per batch, nothing lost between a take() and the next put(), and the
// order of the host's requests kept; a second thread putting while the I/O side takes.
#include "io/host_inbox.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

using smsdrv::io::host_inbox;

TEST_CASE("host_inbox: the first put of a batch asks for the drain, the others do not") {
  host_inbox<std::string> inbox;
  CHECK(inbox.put("a"));
  CHECK_FALSE(inbox.put("b"));
  CHECK_FALSE(inbox.put_ack(7, 1));
  std::vector<std::string> requests;
  std::vector<host_inbox<std::string>::ack> acks;
  inbox.take(requests, acks);
  CHECK(requests == std::vector<std::string>{"a", "b"});
  REQUIRE(acks.size() == 1);
  CHECK(acks[0] == host_inbox<std::string>::ack{7, 1});
  // Taken: the next put asks again, an ack alone too.
  requests.clear();
  acks.clear();
  CHECK(inbox.put_ack(8, 0));
  inbox.take(requests, acks);
  CHECK(requests.empty());
  CHECK(acks.size() == 1);
  CHECK(inbox.put("c"));
}

TEST_CASE("host_inbox: put with a step under the lock") {
  host_inbox<std::string> inbox;
  std::vector<int> spare{1, 2};
  int handed = 0;
  inbox.with_lock([&] { spare.push_back(3); });
  CHECK(inbox.put("x", [&] {
    handed = spare.back();
    spare.pop_back();
  }));
  CHECK(handed == 3);
}

TEST_CASE("host_inbox: a thread putting while another takes loses nothing, in order") {
  host_inbox<int> inbox;
  constexpr int total = 20000;
  std::atomic<int> drains_asked{0};
  std::thread host([&] {
    for (int i = 0; i < total; ++i)
      if (inbox.put(int{i})) drains_asked.fetch_add(1);
  });
  std::vector<int> got, batch;
  std::vector<host_inbox<int>::ack> acks;
  int drains = 0;
  while (got.size() < static_cast<std::size_t>(total)) {
    // A drain runs only when one was asked for (as the runners post it).
    if (drains_asked.load() <= drains) {
      std::this_thread::yield();
      continue;
    }
    ++drains;
    inbox.take(batch, acks);
    got.insert(got.end(), batch.begin(), batch.end());
    batch.clear();
  }
  host.join();
  REQUIRE(got.size() == static_cast<std::size_t>(total));
  for (int i = 0; i < total; ++i)
    REQUIRE(got[static_cast<std::size_t>(i)] == i);
  CHECK(drains == drains_asked.load());
}
