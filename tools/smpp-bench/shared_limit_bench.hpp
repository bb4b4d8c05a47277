// The SMSC account's rate shared through Redis inside the channel (docs/scaling.md): for each
// rate R, `smpp-bench driver` by duration twice in the same run, first with the channel's own
// limiter at R (x-smpp-submit-max-rate), then with the shared limiter at R through a
// redis-server started here (x-shared-limits-redis-url, x-shared-limits-rate = R,
// x-shared-limits-lease-size = L; the channel's own limit out of the way).
//
// Measured for each: the rate the simulator counted over the last `duration` seconds, this
// process's CPU per message (the host thread and the driver's I/O thread), and for the shared
// limiter also redis-server's CPU per message and the Redis round trips per message (EVALSHA
// and EVAL calls, from redis-server's INFO commandstats through redis-cli).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smsdrv::bench {

struct shared_limit_options {
  std::string module;
  std::string sim_program;
  std::string redis_server = "redis-server";
  std::string redis_cli = "redis-cli";
  std::vector<std::uint32_t> rates{1000, 10000, 100000};
  std::uint32_t lease = 0;  // 0: rate / 50, within 20..2000 (docs/scaling.md)
  std::uint32_t window = 100;
  double duration = 5;
  double warmup = 1;
  bool progress = true;
};

// The lease a rate gets when none is given.
std::uint32_t default_lease(std::uint32_t rate);

// Runs every rate; one JSON result line per rate. Throws std::runtime_error when redis-server
// cannot be started or a run fails.
std::vector<std::string> run_shared_limit(const shared_limit_options& o);

}  // namespace smsdrv::bench
