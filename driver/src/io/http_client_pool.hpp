// An HTTP gateway channel's exchanges on threads of its own (x-http-io-threads = N >= 1): N
// shards, each a thread with its own io_context and its own http_client (its own curl multi
// handle, its own connection cache, at most ceil(max_connections / N) connections). The
// channel's core stays on the driver's I/O thread; this class is that thread's side of the
// handoff, with the interface http_channel_runner uses from http_client.
//
//  - start_borrowed() stages a request for the shard with the fewest exchanges (ties in turn);
//    flush() hands each shard its staged batch with one post (none while the shard has not yet
//    taken the previous one). The request is read on the shard's thread: the caller keeps it
//    valid and unchanged until its completion (as http_client::start_borrowed).
//  - A shard collects its completions and posts one delivery to the driver's I/O thread when its
//    pending list goes from empty to non-empty; the delivery calls `on_done` for each, then
//    `batch_done` once.
//  - abort_all() keeps http_client's contract: every exchange has its result before it returns
//    (a request still waiting for its shard: transport_failure::local, not written). It waits
//    for each shard on a future; a shard never waits for the I/O thread, so this cannot lock up.
//  - The destructor drops every exchange without calling back (as ~http_client): each
//    http_client is destroyed on its own thread, the threads are joined, and a delivery still
//    queued on the I/O thread finds the pool gone and does nothing.
//
// Threads: every member function on the driver's I/O thread (the destructor: there, or once it
// has stopped). The callbacks run there too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "io/http_client.hpp"

namespace smsdrv::io {

class http_client_pool {
 public:
  // threads >= 1; more threads than max_connections would sit idle and are not started.
  http_client_pool(boost::asio::io_context& io, http_client_settings settings, std::size_t threads,
                   http_client::completion on_done, std::function<void()> batch_done);
  ~http_client_pool();
  http_client_pool(const http_client_pool&) = delete;
  http_client_pool& operator=(const http_client_pool&) = delete;

  void start_borrowed(std::uint64_t tag, const http::built_request& request);
  void flush();
  // Requests started and not yet delivered.
  std::size_t active() const noexcept;
  void abort_all(std::string_view reason);

  // For tests: the threads started; requests each shard was given; connections open (asks each
  // shard and waits for its answer).
  std::size_t threads() const noexcept;
  std::vector<std::uint64_t> started_per_thread() const;
  std::size_t open_connections() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace smsdrv::io
