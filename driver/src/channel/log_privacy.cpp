#include "channel/log_privacy.hpp"

#include "smpp/codec.hpp"

namespace smsdrv::channel {
namespace {

// SMPP v3.4 §5.2.22 short_message and §5.3.2.32 message_payload carry encoded text: a partial
// rule cannot be applied to their octets character by character.
bool octet_field(std::string_view field) {
  return field == "short_message" || field == "message_payload";
}

}  // namespace

std::string shown(const privacy::masking* m, std::string_view key, std::string_view value) {
  return m ? m->inline_value(key, value) : std::string(value);
}

std::string shown_field(const privacy::masking* m, std::string_view field, std::string_view value) {
  if (m == nullptr) return std::string(value);
  auto masked = m->field(field, value, octet_field(field));
  return masked ? std::move(*masked) : std::string(privacy::hidden_value);
}

std::string pdu_trace_line(bool outgoing, const smpp::pdu& p, const privacy::masking* m) {
  smpp::describe_options options;
  if (m != nullptr)
    options.filter = [m](std::string_view field, std::string_view value) {
      auto masked = m->field(field, value, octet_field(field));
      if (!masked) return smpp::shown_field{smpp::shown_field::how::left_out, {}};
      if (*masked == value) return smpp::shown_field{};
      return smpp::shown_field{smpp::shown_field::how::replaced, std::move(*masked)};
    };
  return (outgoing ? ">> " : "<< ") + smpp::describe(p, options);
}

}  // namespace smsdrv::channel
