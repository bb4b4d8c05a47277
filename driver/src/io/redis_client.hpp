// The Redis side of the account-wide limits: hiredis's asynchronous API driven by the driver's
// I/O thread (Asio watches the connection's descriptor; no thread per call). It runs the limits'
// Lua scripts (flow::gcra_lease_script, ...) with EVALSHA, and EVAL when Redis answers NOSCRIPT
// (a restarted or flushed server), and any other script whose answer is a list of values
// (eval_values(): io::redis_parts_store). hiredis is only in redis_client.cpp.
//
// Contracts:
//  - Every eval() / eval_values() / lease() gets exactly one reply through its handler, on the I/O
//  thread, never
//    from inside the call: the script's two counts, or an error (no connection, a Redis error,
//    an answer of another shape, no answer within the timeout). A timeout closes the
//    connection; the next call reconnects.
//  - The password is sent with AUTH and never appears in an error or a log line.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace smsdrv::io {

struct redis_endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::uint32_t db = 0;
  std::string password;  // "" = no AUTH
};

// A Lua script of the limits: its text (sent with EVAL once) and a name for error messages.
struct redis_script {
  std::string_view name;  // "the lease script"
  std::string_view text;
};

// A script's answer: two or three counts, each >= 0.
struct redis_counts_reply {
  bool ok = false;
  std::int64_t first = 0;
  std::int64_t second = 0;
  std::int64_t third = 0;
  std::string error;  // when !ok: what failed, naming Redis's host and port
};

// A script's answer as values: an array's elements (integers in decimal, nil as ""), or the one
// value it returned.
struct redis_values_reply {
  bool ok = false;
  std::vector<std::string> values;
  std::string error;  // when !ok: what failed, naming Redis's host and port
};

struct redis_lease_reply {
  bool ok = false;
  std::uint32_t granted = 0;
  std::chrono::microseconds retry_after{0};
  std::chrono::microseconds ahead{0};  // flow::gcra_grant::ahead_ns
  std::string error;                   // when !ok: what failed, naming Redis's host and port
};

class redis_client {
 public:
  using lease_handler = std::function<void(const redis_lease_reply&)>;
  using counts_handler = std::function<void(const redis_counts_reply&)>;
  using values_handler = std::function<void(const redis_values_reply&)>;

  redis_client(boost::asio::io_context& io, redis_endpoint endpoint,
               std::chrono::milliseconds timeout);
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  // Runs `script` (which must outlive the client) on one key with `args`. Call on the I/O
  // thread.
  void eval(const redis_script& script, const std::string& key, std::vector<std::string> args,
            counts_handler handler);
  // The same for a script answering values of any kind.
  void eval_values(const redis_script& script, const std::string& key,
                   std::vector<std::string> args, values_handler handler);
  // Puts `debit` tokens spent without Redis on the schedule of `key`, then takes up to `count`
  // (flow::gcra_take's rule).
  void lease(const std::string& key, std::uint32_t rate, std::uint32_t burst, std::uint32_t count,
             std::uint32_t debit, lease_handler handler);

  // Commands written to Redis (EVALSHA, EVAL, AUTH, SELECT): the round trips.
  std::uint64_t commands() const noexcept;
  bool connected() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace smsdrv::io
