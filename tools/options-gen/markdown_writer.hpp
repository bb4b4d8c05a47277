// docs/options.md: the reference of every option (tables generated from the option table) and
// of the value types, with the rules the validator applies.
#pragma once

#include <string>

namespace smsdrv::options_gen {

std::string render_markdown();

}  // namespace smsdrv::options_gen
