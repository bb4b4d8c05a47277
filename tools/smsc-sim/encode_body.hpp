// encode_body(): smpp::encode() of one PDU body through the non-template overload.
//
// The templated smpp::encode<Body>() is declared in codec.hpp but its instantiations are not
// emitted by codec.cpp in optimised builds (the release/ci presets: undefined references at
// link time), so the simulator goes through smpp::encode(const pdu&) until that is fixed. The
// extra cost is one copy of the body's views into the variant.
#pragma once

#include <cstdint>
#include <string>

#include "smpp/codec.hpp"

namespace smsdrv::sim {

template <class Body>
smpp::codec_status encode_body(const Body& body, std::uint32_t sequence_number, std::string& out,
                               std::uint32_t command_status = 0) {
  return smpp::encode(smpp::pdu{command_status, sequence_number, body}, out);
}

}  // namespace smsdrv::sim
