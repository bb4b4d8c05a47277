// The shipped commented example of the MMS settings file (cfg/mms.cfg) and its reference
// (docs/mms-settings.md), both generated from mm7::mms_settings_table().
#pragma once

#include <string>

namespace smsdrv::options_gen {

std::string render_mms_cfg();
std::string render_mms_markdown();

}  // namespace smsdrv::options_gen
