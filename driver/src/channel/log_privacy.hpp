// User data in the channel's log lines and in the x-debug-mode PDU trace, masked by the rules
// of the log sink (privacy/masking.hpp, docs/privacy.md).
#pragma once

#include <string>
#include <string_view>

#include "privacy/masking.hpp"
#include "smpp/pdu.hpp"

namespace smsdrv::channel {

// A user-data value (key: the user-data key it stands for, e.g. _smsText) inside a log sentence.
// m null: the value as it is.
std::string shown(const privacy::masking* m, std::string_view key, std::string_view value);

// A PDU field's value (field: its SMPP v3.4 name, e.g. source_addr) inside a log sentence, as
// strictly as every user-data key it carries asks; octets (short_message, message_payload) are
// shown or hidden whole. m null: the value as it is.
std::string shown_field(const privacy::masking* m, std::string_view field, std::string_view value);

// The trace line of one PDU: ">> " (sent) or "<< " (received), then smpp::describe() with every
// field that carries user data masked as that user data. Passwords are always ********.
std::string pdu_trace_line(bool outgoing, const smpp::pdu& p, const privacy::masking* m);

}  // namespace smsdrv::channel
