// A long MO message as the parts of a concatenated short message (3GPP TS 23.040 §9.2.3.24.1,
// UDH IEI 0x00; or SMPP v3.4 §5.3.2.22-24, the sar_* TLVs): the encoded text cut into pieces
// that fit one short_message, never inside a GSM 03.38 escape or a UTF-16 surrogate pair.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::sim {

enum class concatenation : std::uint8_t { udh, sar };

// Octets of text per part: 153 septets (unpacked, one per octet) for data_coding 0 and 1, 134
// octets otherwise (140 less the 6-octet UDH). SAR parts use the same sizes.
std::size_t part_size(std::uint8_t data_coding) noexcept;

// The pieces of `message` (encoded per data_coding), in order; empty when more than 255 parts
// would be needed. A message that fits in one piece gives one piece.
std::vector<std::string> split_message(std::string_view message, std::uint8_t data_coding);

// The UDH of part `seq` (1-based) of `total` with 8-bit reference `ref`: 05 00 03 ref total seq.
std::string concatenation_udh(std::uint8_t ref, std::uint8_t total, std::uint8_t seq);

}  // namespace smsdrv::sim
