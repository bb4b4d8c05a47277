// Inbound data_coding (SMPP v3.4 §5.2.19, with the GSM data coding groups of 3GPP TS 23.038 §4
// for the values SMPP leaves to them): which alphabet the octets are in and the message class.
#pragma once

#include <cstdint>
#include <string_view>

#include "text/options.hpp"

namespace smsdrv::text {

enum class alphabet : std::uint8_t {
  gsm7,         // GSM 7 bit default alphabet (+ national tables from the UDH), unpacked
  ia5,          // IA5 / ASCII
  latin1,       // ISO-8859-1
  ucs2,         // UCS-2 / UTF-16BE
  octets,       // 8-bit data: shown as lowercase hex
  compressed,   // TS 23.038 §4 compressed text: not supported, shown as hex
  unsupported,  // an SMPP character set not decoded here (JIS, Cyrillic, ...): hex
  reserved,     // a value no specification assigns: hex
};

std::string_view alphabet_name(alphabet a) noexcept;

struct data_coding_info {
  alphabet alpha = alphabet::gsm7;
  std::int8_t message_class = -1;  // 0..3 when the data_coding carries one (0 = flash)
};

// The meaning of `data_coding`; `smsc_default` decides data_coding 0. The rules are one table
// (data_coding.cpp), also rendered in docs/text.md.
data_coding_info classify_data_coding(std::uint8_t data_coding,
                                      inbound_default smsc_default) noexcept;

}  // namespace smsdrv::text
