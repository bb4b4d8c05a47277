// The tests drive real programs (dms-stub, smsc-sim, smpp-bench, the npm scripts) through the
// project's subprocess library (subprocess/include/subprocess/subprocess.hpp), which smpp-bench
// uses too.
#pragma once

#include "subprocess/subprocess.hpp"

namespace smsdrv::test {

using proc::spawn_options;
using proc::subprocess;

}  // namespace smsdrv::test
