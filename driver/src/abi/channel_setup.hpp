// From a validated [channel-<name>] section to what the channel's parts need: the core's
// channel_config (link, session, flow, inbound) and the composer's settings (outbound).
#pragma once

#include <string_view>

#include "channel/channel_config.hpp"
#include "channel/composer.hpp"
#include "config/channel_settings.hpp"

namespace smsdrv::abi {

channel::channel_config channel_config_of(const config::channel_settings& s,
                                          std::string_view application_name);
channel::composer_settings composer_settings_of(const config::channel_settings& s);

}  // namespace smsdrv::abi
