// Inbound text: the short_message (or message_payload) of a deliver_sm / data_sm with its
// data_coding and UDHI bit -> UTF-8 for _smsText, never failing: bytes that do not decode
// become U+FFFD and are counted so the caller can log them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "text/data_coding.hpp"
#include "text/options.hpp"
#include "text/udh.hpp"

namespace smsdrv::text {

struct decode_options {
  inbound_default smsc_default = inbound_default::gsm7;  // x-smpp-inbound-enc-default
};

struct decoded_message {
  std::string text;              // UTF-8 (lowercase hex when hex())
  std::uint8_t data_coding = 0;  // as received
  data_coding_info coding;       // alphabet used and message class
  std::size_t replacements = 0;  // U+FFFD written for octets that did not decode
  udh_info udh;                  // the parsed header when UDHI was set

  // True when `text` is the octets as lowercase hex (8-bit data, or an alphabet not decoded).
  bool hex() const noexcept { return coding.alpha == alphabet::octets || unsupported(); }
  // True when the data_coding names an alphabet this library cannot decode (hex shown).
  bool unsupported() const noexcept {
    return coding.alpha == alphabet::compressed || coding.alpha == alphabet::unsupported ||
           coding.alpha == alphabet::reserved;
  }
  // _smsInbDataEnc: the data_coding as a decimal string.
  std::string inb_data_enc() const { return std::to_string(data_coding); }
  // The user data after the header, a view into the short_message given to decode().
  std::string_view user_data(std::string_view short_message) const noexcept {
    return short_message.substr(udh.length);
  }
};

// Decodes one PDU's text into `out` (buffers reused). With `udhi` the header is parsed and
// stripped; its national language IEs select the GSM tables. GSM user data after a header is
// read as one septet per octet with no fill bits: fill bits belong to the packed air-interface
// form (TS 23.040 §9.2.3.24), which SMPP does not use for data_coding 0.
void decode(std::string_view short_message, std::uint8_t data_coding, bool udhi,
            const decode_options& options, decoded_message& out);

// Appends the UTF-8 text of `user_data` (no header) in alphabet `a`; national language tables
// apply to gsm7 only. Returns the number of U+FFFD written.
std::size_t decode_user_data(std::string_view user_data, alphabet a,
                             national_language locking_shift, national_language single_shift,
                             std::string& out);

// Appends `octets` as lowercase hex.
void append_hex(std::string& out, std::string_view octets);

}  // namespace smsdrv::text
