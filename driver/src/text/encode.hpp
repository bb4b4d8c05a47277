// Outbound text: UTF-8 -> the octets of one alphabet, choosing the alphabet by the rule
// operators rely on: the requested one when it can carry every character, otherwise
// (GSM with the configured national language's shift tables, then) UCS-2 / UTF-16BE;
// never a silently substituted character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "text/options.hpp"
#include "text/status.hpp"

namespace smsdrv::text {

struct encode_options {
  encoding requested = encoding::gsm7;        // x-smpp-outbound-enc-default or per request
  ucs2_schema schema = ucs2_schema::utf16be;  // x-smpp-ucs2-enc-schema
  national_language language = national_language::none;  // tried before UCS-2 for gsm7
  // 0..3: send with this message class (x-smpp-flash: 0); -1: no class (data_coding 0, 1, 3, 8).
  std::int8_t message_class = -1;
};

// How a text was encoded; copied into segmented_text so the PDU builder has it at hand.
struct encoding_result {
  encoding used = encoding::gsm7;
  std::uint8_t data_coding = 0x00;  // SMPP v3.4 §5.2.19, for every submit_sm of the message
  // National language tables used (gsm7 only): each one not `none` needs its UDH IE,
  // 0x25 locking shift (TS 23.040 §9.2.3.24.16) / 0x24 single shift (§9.2.3.24.15).
  national_language locking_shift = national_language::none;
  national_language single_shift = national_language::none;
  // The requested alphabet could not carry the text and data_coding 8 was used instead; the
  // first such character and its byte offset in the input are given for the log.
  bool fallback = false;
  std::size_t fallback_offset = 0;
  char32_t fallback_char = 0;
  // Characters outside the BMP written as U+FFFD because the schema is UCS-2.
  std::size_t replaced = 0;
  // The message class carried in data_coding (encode_options::message_class), or -1.
  std::int8_t message_class = -1;
};

struct encoded_text {
  encoding_result result;
  // gsm7: unpacked septets (ESC pairs for shift-table characters); ascii / latin1: one octet
  // per character; ucs2 / utf16be: big-endian 16-bit units.
  std::string octets;
};

// Encodes `utf8` into `out` (its buffer is reused: no allocation once it has grown).
// Fails only on invalid UTF-8 (errc::invalid_utf8 with the offset of the first bad byte);
// `out` is then unspecified.
// Rule:
//  1. The requested alphabet, if it carries every character.
//  2. Requested gsm7 with options.language set: GSM with that language's single shift
//     table, locking shift table, or both, whichever needs the fewest segments (on a tie in
//     that order: single shift degrades best on handsets without national tables).
//  3. data_coding 8: requested utf16be, or schema UTF-16BE -> utf16be (surrogate pairs);
//     schema UCS-2 -> ucs2 with U+FFFD for non-BMP characters (counted in `replaced`).
//     `fallback` is set unless the request was already ucs2 / utf16be.
//     Requested ucs2 with a non-BMP character counts as a fallback when schema is UTF-16BE.
// With a message class, data_coding is data_coding_with_class(used): 0x10 | class for GSM,
// 0x18 | class for UCS-2 / UTF-16BE. IA5 and Latin-1 cannot carry a class, so a request for
// them is encoded as gsm7 instead (then step 3 as usual): the class is never dropped.
// A message_class above 3 is refused (errc::invalid_option).
status encode(std::string_view utf8, const encode_options& options, encoded_text& out);

}  // namespace smsdrv::text
