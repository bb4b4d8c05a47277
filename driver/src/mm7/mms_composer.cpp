#include "mm7/mms_composer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <set>

#include "config/text_util.hpp"
#include "mm7/message.hpp"
#include "mm7/smil.hpp"
#include "smsdrv/smsdrv.h"

namespace smsdrv::mm7 {
namespace {

std::optional<std::string_view> find(user_data data, std::string_view key) {
  for (const auto& [k, v] : data)
    if (k == key) return v;
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view blanks = " \t\r\n";
  std::size_t first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

constexpr std::string_view known_keys[] = {
    "_mmsCc",           "_mmsBcc",    "_mmsDeliveryReport", "_mmsReadReply", "_mmsPriority",
    "_mmsMessageClass", "_mmsExpiry", "_mmsServiceCode",    "_mmsLinkedId",
};

// Values of text elements: valid UTF-8 without control characters but tab, CR and LF (XML 1.0
// §2.2 allows no others).
std::string text_problem(std::string_view v) {
  if (!config::utf8_length(v)) return "is not valid UTF-8";
  for (unsigned char c : v)
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F)
      return fmt::format("contains the control character \\x{:02x}", c);
  return {};
}

// "type/subtype" with optional parameters: RFC 2045 §5.1 token characters.
bool valid_content_type(std::string_view t) {
  std::string_view main = trim(t.substr(0, t.find(';')));
  std::size_t slash = main.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == main.size()) return false;
  for (char c : main) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F ||
        std::string_view("()<>@,;:\\\"[]?=").find(c) != std::string_view::npos)
      if (c != '/') return false;
  }
  for (char c : t)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  return true;
}

std::vector<address> addresses(std::string_view list) {
  std::vector<address> out;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view one = trim(list.substr(0, comma));
    if (!one.empty()) out.push_back(address_of(std::string(one)));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return out;
}

std::optional<bool> flag(std::string_view v) {
  std::string l = lower(trim(v));
  if (l == "true" || l == "yes" || l == "1" || l == "on") return true;
  if (l == "false" || l == "no" || l == "0" || l == "off") return false;
  return std::nullopt;
}

// A token for Content-IDs: letters, digits and ".-_" of the name, else "part".
std::string id_token(std::string_view name) {
  std::string out;
  for (char c : name)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '-' || c == '_')
      out += c;
  return out.empty() ? std::string("part") : out.substr(0, 60);
}

}  // namespace

mms_composer::mms_composer(mms_settings settings, std::string channel, std::string default_sender)
    : settings_(std::move(settings)),
      channel_(std::move(channel)),
      default_sender_(std::move(default_sender)) {
  // Unique across restarts in practice: the start time in milliseconds.
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  id_prefix_ = fmt::format("{:x}", ms);
}

mms_compose_result mms_composer::compose(user_data data, std::span<const part_input> parts,
                                         prepared_mms& out) const {
  auto refuse = [](std::string error) {
    return mms_compose_result{SMSDRV_E_BAD_REQUEST, std::move(error)};
  };
  for (const auto& [k, v] : data) {
    if (k.rfind("_mms", 0) != 0) continue;
    bool known = false;
    for (auto key : known_keys)
      known = known || k == key;
    if (!known)
      return refuse(
          fmt::format("SendMMS: unknown key {} (the _mms keys are _mmsCc, _mmsBcc, "
                      "_mmsDeliveryReport, _mmsReadReply, _mmsPriority, "
                      "_mmsMessageClass, _mmsExpiry, _mmsServiceCode, _mmsLinkedId)",
                      config::printable(k)));
  }
  submit_req req;
  req.to = addresses(find(data, "_smsDestNumber").value_or(""));
  if (req.to.empty()) return refuse("SendMMS: _smsDestNumber is required");
  req.cc = addresses(find(data, "_mmsCc").value_or(""));
  req.bcc = addresses(find(data, "_mmsBcc").value_or(""));
  for (const auto* list : {&req.to, &req.cc, &req.bcc})
    for (const auto& a : *list)
      if (auto p = text_problem(a.value); !p.empty() || a.value.size() > 256)
        return refuse(fmt::format("SendMMS: the recipient '{}' {}", config::printable(a.value),
                                  p.empty() ? "is longer than 256 characters" : p));

  std::string_view sender = trim(find(data, "_smsSrcNumber").value_or(""));
  if (sender.empty()) sender = settings_.sender;
  if (sender.empty()) sender = default_sender_;
  if (!sender.empty()) {
    if (auto p = text_problem(sender); !p.empty())
      return refuse(fmt::format("SendMMS: _smsSrcNumber {}", p));
    req.sender = address_of(std::string(sender));
  }
  struct text_key {
    std::string_view key;
    std::string* target;
  };
  req.service_code = settings_.service_code;
  for (const text_key& t :
       {text_key{"Subject", &req.subject}, text_key{"_mmsExpiry", &req.expiry_date},
        text_key{"_mmsServiceCode", &req.service_code}, text_key{"_mmsLinkedId", &req.linked_id}}) {
    auto v = find(data, t.key);
    if (!v || v->empty()) continue;
    if (auto p = text_problem(*v); !p.empty())
      return refuse(fmt::format("SendMMS: {} {}", t.key, p));
    *t.target = std::string(*v);
  }
  if (auto v = find(data, "_mmsPriority"); v && !v->empty()) {
    std::string l = lower(trim(*v));
    if (l == "high" || l == "normal" || l == "low")
      req.priority = std::string(1, static_cast<char>(l[0] - 'a' + 'A')) + l.substr(1);
    else
      return refuse(fmt::format("SendMMS: _mmsPriority '{}' must be High, Normal or Low",
                                config::printable(*v)));
  }
  if (auto v = find(data, "_mmsMessageClass"); v && !v->empty()) {
    std::string l = lower(trim(*v));
    static constexpr std::string_view classes[] = {"Personal", "Informational", "Advertisement",
                                                   "Auto"};
    for (auto c : classes)
      if (lower(c) == l) req.message_class = std::string(c);
    if (req.message_class.empty())
      return refuse(
          fmt::format("SendMMS: _mmsMessageClass '{}' must be Personal, Informational, "
                      "Advertisement or Auto",
                      config::printable(*v)));
  }
  out.delivery_report = settings_.delivery_report;
  out.read_reply = settings_.read_reply;
  for (auto [key, target] :
       {std::pair{std::string_view("_mmsDeliveryReport"), &out.delivery_report},
        std::pair{std::string_view("_mmsReadReply"), &out.read_reply}}) {
    auto v = find(data, key);
    if (!v || v->empty()) continue;
    auto f = flag(*v);
    if (!f)
      return refuse(
          fmt::format("SendMMS: {} '{}' must be true or false", key, config::printable(*v)));
    *target = *f;
  }
  req.delivery_report = out.delivery_report;
  if (out.read_reply) req.read_reply = true;

  // The parts: the text first, then the host's; names unique, a SMIL first (given or made).
  struct owned_names {
    std::string location, id;
  };
  std::string_view text = find(data, "_smsText").value_or("");
  if (auto p = text_problem(text); !text.empty() && !p.empty())
    return refuse(fmt::format("SendMMS: _smsText {}", p));
  std::size_t total = (text.empty() ? 0 : 1) + parts.size();
  if (total == 0) return refuse("SendMMS: nothing to send: no _smsText and no parts");
  if (total + 1 > settings_.max_parts)
    return refuse(
        fmt::format("SendMMS: {} parts (with the SMIL); the MMS settings allow {} "
                    "(max-parts)",
                    total + 1, settings_.max_parts));
  std::vector<part_input> all;
  all.reserve(total);
  if (!text.empty()) all.push_back({"text/plain; charset=utf-8", "text.txt", text});
  std::optional<std::size_t> smil;
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const part_input& p = parts[i];
    if (!valid_content_type(p.content_type))
      return refuse(
          fmt::format("SendMMS: parts[{}] has the content type '{}'; it must be "
                      "type/subtype with optional parameters",
                      i, config::printable(p.content_type)));
    if (lower(trim(p.content_type.substr(0, p.content_type.find(';')))) == "application/smil") {
      if (smil) return refuse(fmt::format("SendMMS: parts[{}] is a second SMIL presentation", i));
      smil = all.size();
    }
    bytes += p.bytes.size();
    all.push_back(p);
  }
  if (bytes > settings_.max_message_size)
    return refuse(
        fmt::format("SendMMS: the parts have {} bytes; the MMS settings allow {} "
                    "(max-message-size)",
                    bytes, settings_.max_message_size));
  std::vector<owned_names> names(all.size());
  std::set<std::string> taken;
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::string base = safe_part_name(all[i].name);
    if (base.empty()) {
      std::string_view media = trim(all[i].content_type.substr(0, all[i].content_type.find(';')));
      base = fmt::format("part{}.{}", i + 1, extension_for(lower(media)));
    }
    std::string name = base;
    for (int n = 2; taken.count(name) != 0; ++n)
      name = fmt::format("{}-{}", n, base);
    taken.insert(name);
    names[i].location = name;
    names[i].id = fmt::format("{}.{}", i + 1, id_token(name));
  }
  std::vector<part_view> views;
  views.reserve(all.size() + 1);
  std::string made_smil;
  if (smil) {
    views.push_back(
        {all[*smil].content_type, names[*smil].id, names[*smil].location, all[*smil].bytes});
  }
  for (std::size_t i = 0; i < all.size(); ++i)
    if (!smil || i != *smil)
      views.push_back({all[i].content_type, names[i].id, names[i].location, all[i].bytes});
  if (!smil) {
    made_smil = make_smil(views);
    views.insert(views.begin(), part_view{"application/smil; charset=utf-8", "smil",
                                          "presentation.smil", made_smil});
  }

  out.transaction_id =
      fmt::format("{}-{}", id_prefix_, next_transaction_.fetch_add(1, std::memory_order_relaxed));
  req.transaction_id = out.transaction_id;
  out.post = build_submit_post(settings_, req, views, out.transaction_id);
  if (out.post.body.size() > settings_.max_message_size)
    return refuse(
        fmt::format("SendMMS: the MM7 request is {} bytes; the MMS settings allow {} "
                    "(max-message-size)",
                    out.post.body.size(), settings_.max_message_size));
  out.recipients.clear();
  for (const auto* list : {&req.to, &req.cc, &req.bcc})
    for (const auto& a : *list)
      out.recipients.push_back(a.value);
  out.parts = views.size();
  return {};
}

}  // namespace smsdrv::mm7
