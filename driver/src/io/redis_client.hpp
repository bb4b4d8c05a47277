// The Redis side of the account-wide rate limit: hiredis's asynchronous API driven by the
// driver's I/O thread (Asio watches the connection's descriptor; no thread per call). It runs
// flow::gcra_lease_script, and any other script (eval()), with EVALSHA, and EVAL when Redis
// answers NOSCRIPT (a restarted or flushed server). hiredis is only in redis_client.cpp.
//
// Contracts:
//  - Every lease() and eval() gets exactly one reply through its handler, on the I/O thread, never
//  from
//    inside lease(): granted tokens, or an error (no connection, a Redis error, no answer
//    within the timeout). A timeout closes the connection; the next lease() reconnects.
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

struct redis_lease_reply {
  bool ok = false;
  std::uint32_t granted = 0;
  std::chrono::microseconds retry_after{0};
  std::string error;  // when !ok: what failed, naming Redis's host and port
};

// A Lua script to run with eval(); `text` outlives every call that runs it.
struct redis_script {
  explicit redis_script(std::string_view text);
  std::string_view text;
  std::string sha1;  // hex, for EVALSHA
};

struct redis_script_reply {
  bool ok = false;
  // The script's answer: an array's elements (integers in decimal, nil as ""), or the one
  // value it returned.
  std::vector<std::string> values;
  std::string error;  // when !ok: what failed, naming Redis's host and port
};

class redis_client {
 public:
  using lease_handler = std::function<void(const redis_lease_reply&)>;
  using script_handler = std::function<void(redis_script_reply&)>;

  redis_client(boost::asio::io_context& io, redis_endpoint endpoint,
               std::chrono::milliseconds timeout);
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  // Takes up to `count` tokens of `key` (flow::gcra_take's rule). Call on the I/O thread.
  void lease(const std::string& key, std::uint32_t rate, std::uint32_t burst, std::uint32_t count,
             lease_handler handler);

  // Runs `script` with `keys` and `args` (EVALSHA, then EVAL on NOSCRIPT). Call on the I/O
  // thread.
  void eval(const redis_script& script, std::vector<std::string> keys,
            std::vector<std::string> args, script_handler handler);

  // Commands written to Redis (EVALSHA, EVAL, AUTH, SELECT): the round trips.
  std::uint64_t commands() const noexcept;
  bool connected() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace smsdrv::io
