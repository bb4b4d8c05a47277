// Text of injected MO messages (UTF-8 on stdin) to short_message octets for a data_coding,
// and the printable start of a submitted message for its receipt. Enough for a simulator, not
// the driver's text module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smsdrv::sim {

// data_coding (SMPP v3.4 §5.2.19): 0 GSM 03.38 default alphabet, one septet per octet
// (characters outside it become '?'); 1 IA5/ASCII; 3 Latin-1; 8 UCS-2 big-endian (UTF-16BE for
// characters above U+FFFF). Other values: the UTF-8 octets unchanged.
std::string encode_text(std::string_view utf8, std::uint8_t data_coding);

// Writes up to `max_chars` printable ASCII characters of a submitted message to `out` and
// returns how many, skipping a User Data Header when esm_class says there is one (§5.2.12
// UDHI); other characters become '?'. No allocation (it runs for every submission).
std::size_t receipt_excerpt(std::string_view short_message, std::uint8_t data_coding,
                            std::uint8_t esm_class, char* out, std::size_t max_chars);

// "48656c6c6f" -> "Hello"; nullopt for an odd length or a non-hex digit.
std::optional<std::string> decode_hex(std::string_view hex);

}  // namespace smsdrv::sim
