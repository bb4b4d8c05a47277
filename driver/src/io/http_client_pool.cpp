#include "io/http_client_pool.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace smsdrv::io {

namespace asio = boost::asio;

namespace {

struct job {
  std::uint64_t tag = 0;
  const http::built_request* request = nullptr;
};

struct finished {
  std::uint64_t tag = 0;
  http_result result;
};

}  // namespace

struct http_client_pool::state : std::enable_shared_from_this<state> {
  struct shard {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::thread thread;
    std::optional<http_client> client;  // made, used and destroyed on `thread`

    // The driver's I/O thread only.
    std::size_t assigned = 0;  // handed over, result not delivered
    std::uint64_t started = 0;
    std::vector<job> staged;           // not handed over yet
    std::vector<finished> delivering;  // swapped out of `results`
    // The shard's thread only.
    std::vector<job> taking;  // swapped out of `jobs`

    std::mutex mutex;
    std::vector<job> jobs;          // handed over, not started by the shard yet
    std::vector<finished> results;  // finished, not delivered yet
  };

  asio::io_context& io;
  http_client::completion on_done;
  std::function<void()> batch_done;
  std::vector<std::unique_ptr<shard>> shards;
  std::size_t next = 0;  // where the search for the least busy shard begins
  bool closed = false;   // the pool is gone: deliveries still queued do nothing

  state(asio::io_context& i, http_client::completion done, std::function<void()> batch)
      : io(i), on_done(std::move(done)), batch_done(std::move(batch)) {}

  // ---- the shard's thread ----

  void run(std::size_t index, const http_client_settings& settings) {
    shard& s = *shards[index];
    s.client.emplace(s.io, settings, [this, index](std::uint64_t tag, http_result&& r) {
      completed(index, tag, std::move(r));
    });
    // A handler that throws (out of memory) does not end the shard: its exchanges would never
    // finish.
    for (;;) {
      try {
        s.io.run();
        break;
      } catch (const std::exception&) {
      }
    }
  }

  void take_jobs(shard& s) {
    {
      std::lock_guard lock(s.mutex);
      s.taking.swap(s.jobs);
    }
    for (const job& j : s.taking)
      s.client->start_borrowed(j.tag, *j.request);
    s.taking.clear();
  }

  void completed(std::size_t index, std::uint64_t tag, http_result&& r) {
    shard& s = *shards[index];
    bool first = false;
    {
      std::lock_guard lock(s.mutex);
      first = s.results.empty();
      s.results.push_back({tag, std::move(r)});
    }
    if (first) asio::post(io, [self = shared_from_this(), index] { self->deliver(index, true); });
  }

  // Ends everything on the shard now: requests it has not started yet get their result here
  // (never written), the rest from http_client::abort_all().
  void abort_shard(shard& s, const std::string& reason) {
    std::vector<job> never_started;
    {
      std::lock_guard lock(s.mutex);
      never_started.swap(s.jobs);
      for (const job& j : never_started) {
        http_result r;
        r.failure = http::transport_failure::local;
        r.detail = reason;
        s.results.push_back({j.tag, std::move(r)});
      }
    }
    s.client->abort_all(reason);
  }

  // ---- the driver's I/O thread ----

  // Hands every result the shard collected to the channel; false when there was none.
  bool deliver(std::size_t index, bool then_batch_done) {
    if (closed) return false;
    shard& s = *shards[index];
    {
      std::lock_guard lock(s.mutex);
      s.delivering.swap(s.results);
    }
    if (s.delivering.empty()) return false;
    for (finished& f : s.delivering) {
      --s.assigned;
      on_done(f.tag, std::move(f.result));
    }
    s.delivering.clear();
    if (then_batch_done) batch_done();
    return true;
  }

  void flush() {
    for (auto& p : shards) {
      shard& s = *p;
      if (s.staged.empty()) continue;
      bool first = false;
      {
        std::lock_guard lock(s.mutex);
        first = s.jobs.empty();
        if (first)
          s.jobs.swap(s.staged);
        else
          s.jobs.insert(s.jobs.end(), s.staged.begin(), s.staged.end());
      }
      s.staged.clear();
      if (first) asio::post(s.io, [this, &s] { take_jobs(s); });
    }
  }
};

http_client_pool::http_client_pool(asio::io_context& io, http_client_settings settings,
                                   std::size_t threads, http_client::completion on_done,
                                   std::function<void()> batch_done)
    : state_(std::make_shared<state>(io, std::move(on_done), std::move(batch_done))) {
  const std::size_t max = std::max<std::size_t>(settings.max_connections, 1);
  const std::size_t n = std::clamp<std::size_t>(threads, 1, max);
  // Each shard may have as many exchanges as the least busy shard is given: at most
  // ceil(max / n) of the channel's max concurrent requests.
  settings.max_connections = (max + n - 1) / n;
  for (std::size_t i = 0; i < n; ++i)
    state_->shards.push_back(std::make_unique<state::shard>());
  for (std::size_t i = 0; i < n; ++i) {
    state::shard& s = *state_->shards[i];
    s.thread = std::thread([st = state_.get(), i, settings] { st->run(i, settings); });
    // "smsdrv-http-<i>" in top, perf and /proc/<pid>/task/<tid>/comm.
    ::pthread_setname_np(s.thread.native_handle(), fmt::format("smsdrv-http-{}", i).c_str());
  }
}

http_client_pool::~http_client_pool() {
  for (auto& p : state_->shards) {
    state::shard& s = *p;
    asio::post(s.io, [&s] {
      s.client.reset();
      s.io.stop();
    });
    s.work.reset();
  }
  for (auto& p : state_->shards)
    if (p->thread.joinable()) p->thread.join();
  state_->closed = true;
}

void http_client_pool::start_borrowed(std::uint64_t tag, const http::built_request& request) {
  state& st = *state_;
  const std::size_t n = st.shards.size();
  std::size_t best = st.next % n;
  for (std::size_t k = 1; k < n; ++k) {
    const std::size_t i = (st.next + k) % n;
    if (st.shards[i]->assigned < st.shards[best]->assigned) best = i;
  }
  st.next = best + 1;
  state::shard& s = *st.shards[best];
  ++s.assigned;
  ++s.started;
  s.staged.push_back({tag, &request});
}

void http_client_pool::flush() {
  state_->flush();
}

std::size_t http_client_pool::active() const noexcept {
  std::size_t n = 0;
  for (const auto& s : state_->shards)
    n += s->assigned;
  return n;
}

void http_client_pool::abort_all(std::string_view reason) {
  state& st = *state_;
  st.flush();
  const std::string why(reason);
  std::vector<std::future<void>> aborted;
  for (auto& p : st.shards) {
    state::shard& s = *p;
    std::promise<void> done;
    aborted.push_back(done.get_future());
    asio::post(s.io, [&st, &s, &why, done = std::move(done)]() mutable {
      st.abort_shard(s, why);
      done.set_value();
    });
  }
  for (auto& f : aborted)
    f.wait();
  // In order: shard by shard, each in the order its exchanges ended.
  for (std::size_t i = 0; i < st.shards.size(); ++i)
    st.deliver(i, false);
}

std::size_t http_client_pool::threads() const noexcept {
  return state_->shards.size();
}

std::vector<std::uint64_t> http_client_pool::started_per_thread() const {
  std::vector<std::uint64_t> out;
  for (const auto& s : state_->shards)
    out.push_back(s->started);
  return out;
}

std::size_t http_client_pool::open_connections() const {
  std::size_t total = 0;
  for (const auto& p : state_->shards) {
    state::shard& s = *p;
    std::promise<std::size_t> count;
    auto answer = count.get_future();
    asio::post(s.io, [&s, count = std::move(count)]() mutable {
      count.set_value(s.client->open_connections());
    });
    total += answer.get();
  }
  return total;
}

}  // namespace smsdrv::io
