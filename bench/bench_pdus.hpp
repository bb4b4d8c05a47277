// The PDUs every codec benchmark uses, ours and libsmpp34's alike: a typical submit_sm (a
// 40-character one-part text with a receipt requested, no TLVs) and a typical deliver_sm (a
// delivery receipt with receipted_message_id and message_state).
#pragma once

#include <string>
#include <string_view>

#include "smpp/pdu.hpp"

namespace smsdrv::bench {

inline constexpr std::string_view typical_text = "Your code is 482913. It expires in 5 min";
inline constexpr std::string_view receipt_text =
    "id:0000002a sub:001 dlvrd:001 submit date:2406011200 done date:2406011201 stat:DELIVRD "
    "err:000 text:Your code is 482913";

smpp::submit_sm typical_submit_sm();
smpp::deliver_sm typical_deliver_sm();  // views static storage
// Encoded with sequence_number 7.
const std::string& typical_submit_sm_frame();
const std::string& typical_deliver_sm_frame();

}  // namespace smsdrv::bench
