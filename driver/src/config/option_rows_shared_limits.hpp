// The rows of the channel table for the SMSC account's rate shared by every host through Redis
// (docs/scaling.md). Included by option_table.cpp only.
#pragma once

#include "config/option_def.hpp"

namespace smsdrv::config::rows {

inline constexpr option_def shared_limits_rows[] = {
    {.name = "x-shared-limits-redis-url",
     .type = option_type::redis_url,
     .field = &channel_settings::shared_limits_redis_url,
     .has_default = false,
     .max = 256,
     .gateway = option_gateway::smpp,
     .example = "redis://10.0.0.5:6379/0",
     .meaning = "Redis holding the SMSC account's rate limit shared by every host; empty: this "
                "channel limits itself, and the other x-shared-limits-* options must stay at "
                "their defaults"},
    {.name = "x-shared-limits-redis-password",
     .type = option_type::text,
     .field = &channel_settings::shared_limits_redis_password,
     .has_default = false,
     .max = 512,
     .secret = true,
     .gateway = option_gateway::smpp,
     .meaning = "password of x-shared-limits-redis-url (AUTH)"},
    {.name = "x-shared-limits-account",
     .type = option_type::ascii,
     .field = &channel_settings::shared_limits_account,
     .has_default = false,
     .max = 64,
     .gateway = option_gateway::smpp,
     .example = "operator-a",
     .meaning = "name of the SMSC account: the channels of every host with the same name share "
                "one rate; empty: x-smpp-system-id"},
    {.name = "x-shared-limits-rate",
     .type = option_type::integer,
     .field = &channel_settings::shared_limits_rate,
     .default_value = "10",
     .min = 1,
     .max = 1000000,
     .unit = "messages per second",
     .gateway = option_gateway::smpp,
     .meaning = "the account's rate over all hosts"},
    {.name = "x-shared-limits-local-share",
     .type = option_type::integer,
     .field = &channel_settings::shared_limits_local_share,
     .default_value = "50",
     .min = 1,
     .max = 100,
     .unit = "per cent",
     .gateway = option_gateway::smpp,
     .meaning = "part of the account's rate this host sends alone while Redis is unreachable"},
    {.name = "x-shared-limits-lease-size",
     .type = option_type::integer,
     .field = &channel_settings::shared_limits_lease_size,
     .default_value = "20",
     .min = 1,
     .max = 10000,
     .unit = "messages",
     .gateway = option_gateway::smpp,
     .meaning = "tokens leased from Redis at once, also the account's burst"},
    {.name = "x-shared-limits-window",
     .type = option_type::integer,
     .field = &channel_settings::shared_limits_window,
     .default_value = "0",
     .min = 0,
     .max = 100000,
     .unit = "submissions",
     .gateway = option_gateway::smpp,
     .example = "8",
     .meaning = "submissions outstanding (written, not yet answered) over every host and bind of "
                "the account (with x-shared-limits-redis-url), claimed from Redis in small "
                "batches; while Redis is unreachable "
                "this host keeps at most x-shared-limits-local-share of it; 0: no account-wide "
                "window"},
    {.name = "x-shared-limits-reassembly",
     .type = option_type::boolean,
     .field = &channel_settings::shared_limits_reassembly,
     .default_value = "true",
     .gateway = option_gateway::smpp,
     .meaning = "keep the parts of long inbound messages in the same Redis, so that a message "
                "whose parts reach different hosts is joined once; false: each host joins what "
                "it receives"},
};

}  // namespace smsdrv::config::rows
