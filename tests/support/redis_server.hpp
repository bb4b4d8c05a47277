// The tests beside Redis start a real redis-server (Debian's) on 127.0.0.1 and a free port
// through the project's local-redis library (tools/local-redis/), which the benchmarks of the
// shared limits use too: stop() and start() again on the same port simulate an outage, pause()
// and resume() a hung server.
#pragma once

#include "local_redis/redis_server.hpp"

namespace smsdrv::test {

using local_redis::redis_options;
using local_redis::redis_server;

}  // namespace smsdrv::test
