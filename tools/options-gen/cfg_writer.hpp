// The shipped SmsMmsDriver.cfg: every option of the tables with its default and a one-line
// comment; options without a default are commented out.
#pragma once

#include <string>
#include <string_view>

namespace smsdrv::options_gen {

std::string render_cfg();

// value as a .cfg value: as is when the parser gives it back unchanged after trimming, else in
// double quotes with " and \ escaped.
std::string cfg_value(std::string_view value);

}  // namespace smsdrv::options_gen
