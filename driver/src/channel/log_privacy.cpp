#include "channel/log_privacy.hpp"

#include "smpp/codec.hpp"

namespace smsdrv::channel {

std::string shown(const privacy::masking* m, std::string_view key, std::string_view value) {
  return m ? m->inline_value(key, value) : std::string(value);
}

std::string pdu_trace_line(bool outgoing, const smpp::pdu& p, const privacy::masking* m) {
  smpp::describe_options options;
  if (m != nullptr)
    options.filter = [m](std::string_view field, std::string_view value) {
      // Octet strings carry encoded text (SMPP v3.4 §5.2.22 short_message, §5.3.2.32
      // message_payload): a partial rule cannot be applied to them character by character.
      const bool octets = field == "short_message" || field == "message_payload";
      auto masked = m->field(field, value, octets);
      if (!masked) return smpp::shown_field{smpp::shown_field::how::left_out, {}};
      if (*masked == value) return smpp::shown_field{};
      return smpp::shown_field{smpp::shown_field::how::replaced, std::move(*masked)};
    };
  return (outgoing ? ">> " : "<< ") + smpp::describe(p, options);
}

}  // namespace smsdrv::channel
