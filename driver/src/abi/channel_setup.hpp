// From a validated [channel-<name>] section to what the channel's parts need: the core's
// channel_config (link, session, flow, inbound) and the composer's settings (outbound).
#pragma once

#include <string_view>

#include "channel/channel_config.hpp"
#include "channel/composer.hpp"
#include "channel/http_channel_core.hpp"
#include "channel/http_composer.hpp"
#include "config/channel_settings.hpp"
#include "io/http_client.hpp"
#include "io/tls_client.hpp"

namespace smsdrv::abi {

channel::channel_config channel_config_of(const config::channel_settings& s,
                                          std::string_view application_name);
channel::composer_settings composer_settings_of(const config::channel_settings& s);

// An HTTP gateway channel (x-gateway-type = http): what send() builds requests with, the core's
// configuration, the client's, and the TLS settings of x-http-tls-* (enabled() when x-http-url
// is https:// and names a PKCS#12 file).
channel::http_composer_settings http_composer_settings_of(const config::channel_settings& s);
channel::http_channel_config http_channel_config_of(const config::channel_settings& s);
io::http_client_settings http_client_settings_of(const config::channel_settings& s,
                                                 std::shared_ptr<const io::tls_client> trust);
io::tls_settings http_tls_settings_of(const config::channel_settings& s);

}  // namespace smsdrv::abi
