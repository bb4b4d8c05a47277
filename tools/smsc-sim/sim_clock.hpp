// The simulator's notion of time: a steady clock the owner passes into every call (tests use
// fake time; the Asio shell passes clock::now()).
#pragma once

#include <chrono>

namespace smsdrv::sim {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using std::chrono::milliseconds;

}  // namespace smsdrv::sim
