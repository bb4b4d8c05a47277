#include "smpp/delivery_receipt.hpp"

#include <array>
#include <cctype>

namespace smsdrv::smpp {
namespace {

struct stat_row {
  std::uint8_t state;
  std::string_view stat;  // the 7-character word of Appendix B
  std::string_view long_name;
};

constexpr std::array<stat_row, 8> stat_table{{
    {1, "ENROUTE", "ENROUTE"},
    {2, "DELIVRD", "DELIVERED"},
    {3, "EXPIRED", "EXPIRED"},
    {4, "DELETED", "DELETED"},
    {5, "UNDELIV", "UNDELIVERABLE"},
    {6, "ACCEPTD", "ACCEPTED"},
    {7, "UNKNOWN", "UNKNOWN"},
    {8, "REJECTD", "REJECTED"},
}};

char lower(char c) noexcept {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// Keys of the text form, longest first where one is a prefix of another's tail.
enum class key : std::uint8_t { id, sub, dlvrd, submit_date, done_date, stat, err, text };
struct key_row {
  key k;
  std::string_view name;
};
constexpr std::array<key_row, 8> keys{{
    {key::submit_date, "submit date"},
    {key::done_date, "done date"},
    {key::dlvrd, "dlvrd"},
    {key::stat, "stat"},
    {key::text, "text"},
    {key::sub, "sub"},
    {key::err, "err"},
    {key::id, "id"},
}};

// A key that starts at pos (at the start or after a space) and is followed by ':'.
const key_row* key_at(std::string_view s, std::size_t pos) noexcept {
  if (pos > 0 && !std::isspace(static_cast<unsigned char>(s[pos - 1]))) return nullptr;
  for (const key_row& row : keys) {
    if (pos + row.name.size() < s.size() && iequals(s.substr(pos, row.name.size()), row.name) &&
        s[pos + row.name.size()] == ':')
      return &row;
  }
  return nullptr;
}

std::string hex_of(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace

std::string_view message_state_stat(std::uint8_t state) noexcept {
  for (const stat_row& r : stat_table)
    if (r.state == state) return r.stat;
  return {};
}

std::optional<std::uint8_t> message_state_from_stat(std::string_view stat) noexcept {
  for (const stat_row& r : stat_table)
    if (iequals(stat, r.stat) || iequals(stat, r.long_name)) return r.state;
  return std::nullopt;
}

bool is_final_state(std::uint8_t state) noexcept {
  return state != static_cast<std::uint8_t>(message_state::enroute) &&
         state != static_cast<std::uint8_t>(message_state::accepted) &&
         state != static_cast<std::uint8_t>(message_state::unknown) && state != 0;
}

std::optional<delivery_receipt> parse_receipt_text(std::string_view s) {
  delivery_receipt r;
  bool any = false;
  std::size_t pos = 0;
  const key_row* current = nullptr;
  std::size_t value_start = 0;
  auto finish = [&](std::size_t end) {
    if (current == nullptr) return;
    std::string value(trim(s.substr(value_start, end - value_start)));
    switch (current->k) {
      case key::id:
        r.message_id = std::move(value);
        break;
      case key::sub:
        r.sub = std::move(value);
        break;
      case key::dlvrd:
        r.dlvrd = std::move(value);
        break;
      case key::submit_date:
        r.submit_date = std::move(value);
        break;
      case key::done_date:
        r.done_date = std::move(value);
        break;
      case key::stat:
        r.stat = std::move(value);
        break;
      case key::err:
        r.err = std::move(value);
        break;
      case key::text:
        r.text = std::move(value);
        break;
    }
    any = true;
  };
  while (pos < s.size()) {
    // text: runs to the end of the message, whatever it contains.
    if (current != nullptr && current->k == key::text) break;
    if (const key_row* k = key_at(s, pos)) {
      finish(pos);
      current = k;
      pos += k->name.size() + 1;
      value_start = pos;
      continue;
    }
    ++pos;
  }
  finish(s.size());
  if (!any) return std::nullopt;
  if (!r.stat.empty()) r.state = message_state_from_stat(r.stat);
  return r;
}

bool is_delivery_receipt(std::uint8_t esm_class) noexcept {
  const std::uint8_t type = esm_class & esm_class_bits::message_type_mask;
  return type == esm_class_bits::smsc_delivery_receipt ||
         type == esm_class_bits::intermediate_notification;
}

deliver_sm_type deliver_sm_type_of(std::uint8_t esm_class) noexcept {
  switch (esm_class & esm_class_bits::message_type_mask) {
    case 0:
      return deliver_sm_type::message;
    case esm_class_bits::smsc_delivery_receipt:
      return deliver_sm_type::smsc_receipt;
    case esm_class_bits::sme_delivery_ack:
      return deliver_sm_type::sme_delivery_ack;
    case esm_class_bits::user_ack:
      return deliver_sm_type::user_ack;
    case esm_class_bits::conversation_abort:
      return deliver_sm_type::conversation_abort;
    case esm_class_bits::intermediate_notification:
      return deliver_sm_type::intermediate_notification;
    default:
      return deliver_sm_type::reserved;
  }
}

std::string_view report_kind_name(deliver_sm_type type) noexcept {
  switch (type) {
    case deliver_sm_type::message:
      return "message";
    case deliver_sm_type::smsc_receipt:
      return "smsc-receipt";
    case deliver_sm_type::sme_delivery_ack:
      return "sme-delivery-ack";
    case deliver_sm_type::user_ack:
      return "user-ack";
    case deliver_sm_type::conversation_abort:
      return "conversation-abort";
    case deliver_sm_type::intermediate_notification:
      return "intermediate";
    case deliver_sm_type::reserved:
      break;
  }
  return "reserved";
}

std::optional<delivery_receipt> read_delivery_receipt(const deliver_sm& pdu) {
  delivery_receipt r;
  if (auto parsed = parse_receipt_text(pdu.short_message)) r = std::move(*parsed);
  if (const tlv* id = find_tlv(pdu.tlvs, tlv_tag::receipted_message_id))
    r.message_id = std::string(tlv_c_string(*id));
  if (const tlv* st = find_tlv(pdu.tlvs, tlv_tag::message_state)) {
    if (auto v = tlv_integer(*st)) {
      r.state = static_cast<std::uint8_t>(*v);
      if (std::string_view stat = message_state_stat(r.state.value()); !stat.empty())
        r.stat = std::string(stat);
    }
  }
  if (const tlv* ne = find_tlv(pdu.tlvs, tlv_tag::network_error_code))
    r.network_error_code = hex_of(ne->value);
  if (r.message_id.empty()) return std::nullopt;
  return r;
}

}  // namespace smsdrv::smpp
