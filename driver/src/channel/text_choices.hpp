// The text options of a channel (config's enums, as the option table parses them) as the types of
// the text library. Used where settings become a channel (abi/channel_setup.cpp) and where a
// request overrides them (composer.cpp), so both map the same way.
#pragma once

#include "config/channel_settings.hpp"
#include "text/options.hpp"

namespace smsdrv::channel {

constexpr text::encoding encoding_of(config::text_encoding e) noexcept {
  switch (e) {
    case config::text_encoding::smscdefault:
      return text::encoding::gsm7;
    case config::text_encoding::ascii:
      return text::encoding::ascii;
    case config::text_encoding::latin1:
      return text::encoding::latin1;
    case config::text_encoding::ucs2:
      return text::encoding::ucs2;
    case config::text_encoding::utf16be:
      return text::encoding::utf16be;
  }
  return text::encoding::gsm7;
}

// x-smpp-inbound-enc-default offers smscdefault, ascii and latin1 only.
constexpr text::inbound_default inbound_default_of(config::text_encoding e) noexcept {
  switch (e) {
    case config::text_encoding::ascii:
      return text::inbound_default::ascii;
    case config::text_encoding::latin1:
      return text::inbound_default::latin1;
    default:
      return text::inbound_default::gsm7;
  }
}

constexpr text::ucs2_schema ucs2_schema_of(config::ucs2_schema s) noexcept {
  return s == config::ucs2_schema::ucs2 ? text::ucs2_schema::ucs2 : text::ucs2_schema::utf16be;
}

constexpr text::national_language national_language_of(config::national_language l) noexcept {
  switch (l) {
    case config::national_language::none:
      return text::national_language::none;
    case config::national_language::turkish:
      return text::national_language::turkish;
    case config::national_language::spanish:
      return text::national_language::spanish;
    case config::national_language::portuguese:
      return text::national_language::portuguese;
  }
  return text::national_language::none;
}

constexpr text::concat_method concat_method_of(config::long_message_method m) noexcept {
  switch (m) {
    case config::long_message_method::udh8:
      return text::concat_method::udh8;
    case config::long_message_method::udh16:
      return text::concat_method::udh16;
    case config::long_message_method::sar:
      return text::concat_method::sar;
  }
  return text::concat_method::udh8;
}

}  // namespace smsdrv::channel
