// One of the two translation units that include pugixml (the other is soap_writer.cpp).
#include "mm7/soap_reader.hpp"

#include <fmt/format.h>

#include <charconv>
#include <pugixml.hpp>

#include "mm7/status.hpp"

namespace smsdrv::mm7 {
namespace {

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  std::size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (auto c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  return {};
}

pugi::xml_node first_element(const pugi::xml_node& parent) {
  for (auto c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) return c;
  return {};
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view blanks = " \t\r\n";
  std::size_t first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

// The text of an element: its character data and CDATA sections joined, trimmed.
std::string text_of(const pugi::xml_node& n) {
  std::string out;
  for (auto c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  return std::string(trim(out));
}

std::string text(const pugi::xml_node& parent, std::string_view name) {
  auto n = child(parent, name);
  return n ? text_of(n) : std::string();
}

bool is_true(std::string_view v) {
  return v == "true" || v == "1" || v == "TRUE" || v == "True";
}

std::optional<bool> flag(const pugi::xml_node& parent, std::string_view name) {
  auto n = child(parent, name);
  if (!n) return std::nullopt;
  return is_true(text_of(n));
}

std::optional<address> address_in(const pugi::xml_node& holder) {
  if (!holder) return std::nullopt;
  auto element = [](const pugi::xml_node& n, address::kind k) {
    address a;
    a.type = k;
    a.value = text_of(n);
    a.display_only = is_true(n.attribute("displayOnly").value());
    return a;
  };
  for (auto c = holder.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view n = local_name(c);
    if (n == "Number") return element(c, address::kind::number);
    if (n == "ShortCode") return element(c, address::kind::short_code);
    if (n == "RFC2822Address") return element(c, address::kind::rfc2822);
  }
  // MM7 5.1 and some MMSCs: the address as the element's own text.
  std::string bare = text_of(holder);
  if (bare.empty()) return std::nullopt;
  address a = address_of(std::move(bare));
  a.display_only = is_true(holder.attribute("displayOnly").value());
  return a;
}

// Every address of a To, Cc or Bcc group: address elements, or bare text.
void addresses_in(const pugi::xml_node& group, std::vector<address>& out) {
  bool any = false;
  for (auto c = group.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view n = local_name(c);
    address::kind k;
    if (n == "Number")
      k = address::kind::number;
    else if (n == "ShortCode")
      k = address::kind::short_code;
    else if (n == "RFC2822Address")
      k = address::kind::rfc2822;
    else
      continue;
    address a;
    a.type = k;
    a.value = text_of(c);
    a.display_only = is_true(c.attribute("displayOnly").value());
    out.push_back(std::move(a));
    any = true;
  }
  if (!any)
    if (auto a = address_in(group)) out.push_back(std::move(*a));
}

template <class Message>
void recipients(const pugi::xml_node& op, Message& m) {
  auto r = child(op, "Recipients");
  if (!r) return;
  for (auto c = r.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view n = local_name(c);
    if (n == "To" || n == "Recipient")
      addresses_in(c, m.to);
    else if (n == "Cc")
      addresses_in(c, m.cc);
    else if (n == "Bcc")
      addresses_in(c, m.bcc);
  }
}

int number(std::string_view text) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size() ? v : 0;
}

status_info status_in(const pugi::xml_node& op) {
  status_info s;
  auto n = child(op, "Status");
  if (!n) return s;
  s.code = number(text(n, "StatusCode"));
  s.text = text(n, "StatusText");
  auto details = child(n, "Details");
  if (details) {
    s.details = text_of(details);
    // Details may hold elements; their text then is what an operator can read.
    if (s.details.empty()) s.details = std::string(trim(details.child_value()));
  }
  return s;
}

response response_in(const pugi::xml_node& op, std::string_view operation) {
  response r;
  r.operation = std::string(operation);
  r.mm7_version = text(op, "MM7Version");
  r.status = status_in(op);
  r.message_id = text(op, "MessageID");
  return r;
}

// SOAP 1.1 §4.4: faultcode, faultstring, and an MM7 error response in detail.
response fault_in(const pugi::xml_node& fault) {
  response r;
  r.operation = "Fault";
  r.fault_code = text(fault, "faultcode");
  r.fault_string = text(fault, "faultstring");
  if (auto detail = child(fault, "detail")) {
    if (auto op = first_element(detail)) {
      r = response_in(op, local_name(op));
      r.fault_code = text(fault, "faultcode");
      r.fault_string = text(fault, "faultstring");
    }
  }
  r.fault = true;
  if (r.status.code == 0) {
    // No MM7 status: some MMSCs put the number in faultstring; else the fault's side decides.
    r.status.code = number(r.fault_string);
    if (classify(r.status.code) == status_class::unknown || r.status.code < 2000) {
      std::string_view code = r.fault_code;
      std::size_t colon = code.rfind(':');
      if (colon != std::string_view::npos) code = code.substr(colon + 1);
      r.status.code = code == "Client" ? status::client_error : status::server_error;
    }
    if (r.status.text.empty()) r.status.text = r.fault_string;
  }
  return r;
}

void content_of(const pugi::xml_node& op, soap_document& doc) {
  if (auto c = child(op, "Content")) {
    doc.has_content = true;
    doc.content_href = std::string(trim(c.attribute("href").value()));
  }
}

submit_req submit_in(const pugi::xml_node& op) {
  submit_req m;
  m.mm7_version = text(op, "MM7Version");
  if (auto id = child(op, "SenderIdentification")) {
    m.vasp_id = text(id, "VASPID");
    m.vas_id = text(id, "VASID");
    m.sender = address_in(child(id, "SenderAddress"));
  }
  recipients(op, m);
  m.service_code = text(op, "ServiceCode");
  m.linked_id = text(op, "LinkedID");
  m.message_class = text(op, "MessageClass");
  m.expiry_date = text(op, "ExpiryDate");
  m.delivery_report = flag(op, "DeliveryReport");
  m.read_reply = flag(op, "ReadReply");
  m.priority = text(op, "Priority");
  m.subject = text(op, "Subject");
  return m;
}

deliver_req deliver_in(const pugi::xml_node& op) {
  deliver_req m;
  m.mm7_version = text(op, "MM7Version");
  m.relay_server_id = text(op, "MMSRelayServerID");
  m.linked_id = text(op, "LinkedID");
  m.sender = address_in(child(op, "Sender"));
  recipients(op, m);
  m.time_stamp = text(op, "TimeStamp");
  m.reply_charging_id = text(op, "ReplyChargingID");
  m.priority = text(op, "Priority");
  m.subject = text(op, "Subject");
  return m;
}

template <class Report>
Report report_in(const pugi::xml_node& op, std::string_view time_element) {
  Report m;
  m.mm7_version = text(op, "MM7Version");
  m.relay_server_id = text(op, "MMSRelayServerID");
  m.message_id = text(op, "MessageID");
  m.recipient = address_in(child(op, "Recipient"));
  m.sender = address_in(child(op, "Sender"));
  m.mm_status = text(op, "MMStatus");
  m.status_text = text(op, "StatusText");
  if constexpr (std::is_same_v<Report, delivery_report_req>)
    m.date = text(op, time_element);
  else
    m.time_stamp = text(op, time_element);
  return m;
}

soap_problem corrupt(std::string text) {
  return soap_problem{status::message_format_corrupt, std::move(text)};
}

}  // namespace

std::variant<soap_document, soap_problem> read_soap(std::string_view xml) {
  // A byte-order mark and blanks before the declaration are tolerated (they are not XML).
  if (xml.substr(0, 3) == "\xEF\xBB\xBF") xml.remove_prefix(3);
  xml = trim(xml);
  pugi::xml_document doc;
  // parse_doctype keeps a DOCTYPE as a node so that it can be refused below; nothing in it is
  // interpreted either way (pugixml does not process DTDs and expands only the five predefined
  // entities and character references).
  unsigned options = (pugi::parse_default | pugi::parse_doctype) & ~pugi::parse_wconv_attribute;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8);
  if (!parsed)
    return corrupt(fmt::format("the SOAP part is not well-formed XML: {} at byte {}",
                               parsed.description(), parsed.offset));
  for (auto n = doc.first_child(); n; n = n.next_sibling())
    if (n.type() == pugi::node_doctype)
      return corrupt("the SOAP part has a document type declaration (SOAP 1.1 §3 forbids it)");
  auto envelope = first_element(doc);
  if (!envelope || local_name(envelope) != "Envelope")
    return corrupt("the SOAP part is not a SOAP Envelope");
  auto body = child(envelope, "Body");
  if (!body) return corrupt("the SOAP Envelope has no Body");
  auto op = first_element(body);
  if (!op) return corrupt("the SOAP Body is empty");

  soap_document out;
  std::string transaction_id;
  if (auto header = child(envelope, "Header")) transaction_id = text(header, "TransactionID");
  std::string_view name = local_name(op);
  if (name == "Fault") {
    out.message = fault_in(op);
  } else if (name == "SubmitReq") {
    out.message = submit_in(op);
    content_of(op, out);
  } else if (name == "DeliverReq") {
    out.message = deliver_in(op);
    content_of(op, out);
  } else if (name == "DeliveryReportReq") {
    out.message = report_in<delivery_report_req>(op, "Date");
  } else if (name == "ReadReplyReq") {
    out.message = report_in<read_reply_req>(op, "TimeStamp");
  } else if (name == "SubmitRsp" || name == "DeliverRsp" || name == "DeliveryReportRsp" ||
             name == "ReadReplyRsp" || name == "RSErrorRsp" || name == "VASPErrorRsp" ||
             name == "CancelRsp" || name == "ReplaceRsp") {
    out.message = response_in(op, name);
  } else {
    return soap_problem{
        status::unsupported_operation,
        fmt::format("the MM7 operation '{}' is not supported", std::string(name.substr(0, 64)))};
  }
  std::visit([&](auto& m) { m.transaction_id = transaction_id; }, out.message);
  return out;
}

}  // namespace smsdrv::mm7
