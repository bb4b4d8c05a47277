// One of the two translation units that include pugixml (the other is soap_reader.cpp).
#include "mm7/soap_writer.hpp"

#include <pugixml.hpp>

namespace smsdrv::mm7 {
namespace {

class string_writer final : public pugi::xml_writer {
 public:
  explicit string_writer(std::string& out) : out_(out) {}
  void write(const void* data, size_t size) override {
    out_.append(static_cast<const char*>(data), size);
  }

 private:
  std::string& out_;
};

// Element names carry no prefix: the MM7 namespace is the default namespace of the header entry
// and of the body element, as in the examples of Annex L.
class envelope {
 public:
  envelope(std::string_view transaction_id, const soap_context& ctx) : ctx_(ctx) {
    auto decl = doc_.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    root_ = doc_.append_child("env:Envelope");
    root_.append_attribute("xmlns:env") = std::string(soap_envelope_namespace).c_str();
    auto header = root_.append_child("env:Header");
    auto id = header.append_child("TransactionID");
    id.append_attribute("xmlns") = std::string(ctx.xml_namespace).c_str();
    id.append_attribute("env:mustUnderstand") = "1";
    set_text(id, transaction_id);
    body_ = root_.append_child("env:Body");
  }

  // The MM7 element in the body, its MM7Version first.
  pugi::xml_node operation(std::string_view name) { return operation_in(body_, name); }

  // A Fault whose detail holds the MM7 element.
  pugi::xml_node fault(std::string_view fault_code, std::string_view fault_string,
                       std::string_view name) {
    auto f = body_.append_child("env:Fault");
    set_text(f.append_child("faultcode"), fault_code);
    set_text(f.append_child("faultstring"), fault_string);
    return operation_in(f.append_child("detail"), name);
  }

  std::string str() const {
    std::string out;
    string_writer w(out);
    doc_.save(w, "", pugi::format_raw, pugi::encoding_utf8);
    return out;
  }

  static void set_text(pugi::xml_node node, std::string_view text) {
    node.append_child(pugi::node_pcdata).set_value(text.data(), text.size());
  }

  static pugi::xml_node add(pugi::xml_node parent, const char* name, std::string_view text) {
    auto n = parent.append_child(name);
    set_text(n, text);
    return n;
  }

  // Leaves out an empty value (optional elements).
  static void add_if(pugi::xml_node parent, const char* name, std::string_view text) {
    if (!text.empty()) add(parent, name, text);
  }

  static void add_status(pugi::xml_node parent, const status_info& status) {
    auto s = parent.append_child("Status");
    add(s, "StatusCode", std::to_string(status.code));
    add_if(s, "StatusText", status.text);
    add_if(s, "Details", status.details);
  }

  // §8.7.2: an address element (Number, ShortCode or RFC2822Address) inside parent.
  static void add_address(pugi::xml_node parent, const address& a) {
    const char* name = a.type == address::kind::number       ? "Number"
                       : a.type == address::kind::short_code ? "ShortCode"
                                                             : "RFC2822Address";
    auto n = add(parent, name, a.value);
    if (a.display_only) n.append_attribute("displayOnly") = "true";
  }

  static void add_recipients(pugi::xml_node parent, const std::vector<address>& to,
                             const std::vector<address>& cc, const std::vector<address>& bcc) {
    if (to.empty() && cc.empty() && bcc.empty()) return;
    auto r = parent.append_child("Recipients");
    auto group = [&](const char* name, const std::vector<address>& list) {
      if (list.empty()) return;
      auto g = r.append_child(name);
      for (const auto& a : list)
        add_address(g, a);
    };
    group("To", to);
    group("Cc", cc);
    group("Bcc", bcc);
  }

  static void add_content(pugi::xml_node parent, std::string_view href) {
    if (href.empty()) return;
    auto c = parent.append_child("Content");
    c.append_attribute("href") = std::string(href).c_str();
    c.append_attribute("allowAdaptations") = "true";
  }

 private:
  pugi::xml_node operation_in(pugi::xml_node parent, std::string_view name) {
    auto op = parent.append_child(std::string(name).c_str());
    op.append_attribute("xmlns") = std::string(ctx_.xml_namespace).c_str();
    add(op, "MM7Version", ctx_.mm7_version);
    return op;
  }

  pugi::xml_document doc_;
  pugi::xml_node root_;
  pugi::xml_node body_;
  const soap_context& ctx_;
};

std::string_view fault_code_for(int status) {
  return status >= 2000 && status <= 2999 ? "env:Client" : "env:Server";
}

}  // namespace

std::string write_submit_req(const submit_req& req, const soap_context& ctx,
                             std::string_view content_href) {
  envelope env(req.transaction_id, ctx);
  auto op = env.operation("SubmitReq");
  // 3GPP TS 23.140 Annex L, SubmitReqType: the order of the schema's sequence.
  if (!ctx.vasp_id.empty() || !ctx.vas_id.empty() || req.sender) {
    auto id = op.append_child("SenderIdentification");
    envelope::add_if(id, "VASPID", ctx.vasp_id);
    envelope::add_if(id, "VASID", ctx.vas_id);
    if (req.sender) envelope::add_address(id.append_child("SenderAddress"), *req.sender);
  }
  envelope::add_recipients(op, req.to, req.cc, req.bcc);
  envelope::add_if(op, "ServiceCode", req.service_code);
  envelope::add_if(op, "LinkedID", req.linked_id);
  envelope::add_if(op, "MessageClass", req.message_class);
  envelope::add_if(op, "ExpiryDate", req.expiry_date);
  if (req.delivery_report)
    envelope::add(op, "DeliveryReport", *req.delivery_report ? "true" : "false");
  if (req.read_reply) envelope::add(op, "ReadReply", *req.read_reply ? "true" : "false");
  envelope::add_if(op, "Priority", req.priority);
  envelope::add_if(op, "Subject", req.subject);
  envelope::add_content(op, content_href);
  return env.str();
}

std::string write_vasp_response(std::string_view operation, std::string_view transaction_id,
                                const soap_context& ctx, const status_info& status) {
  envelope env(transaction_id, ctx);
  envelope::add_status(env.operation(operation), status);
  return env.str();
}

std::string write_vasp_error(std::string_view transaction_id, const soap_context& ctx,
                             const status_info& status) {
  envelope env(transaction_id, ctx);
  std::string text = status.text.empty() ? "error" : status.text;
  envelope::add_status(env.fault(fault_code_for(status.code), text, "VASPErrorRsp"), status);
  return env.str();
}

std::string write_submit_rsp(std::string_view transaction_id, const soap_context& ctx,
                             const status_info& status, std::string_view message_id) {
  envelope env(transaction_id, ctx);
  auto op = env.operation("SubmitRsp");
  envelope::add_status(op, status);
  envelope::add_if(op, "MessageID", message_id);
  return env.str();
}

std::string write_rs_error(std::string_view transaction_id, const soap_context& ctx,
                           const status_info& status) {
  envelope env(transaction_id, ctx);
  std::string text = status.text.empty() ? "error" : status.text;
  envelope::add_status(env.fault(fault_code_for(status.code), text, "RSErrorRsp"), status);
  return env.str();
}

std::string write_deliver_req(const deliver_req& req, const soap_context& ctx,
                              std::string_view content_href) {
  envelope env(req.transaction_id, ctx);
  auto op = env.operation("DeliverReq");
  envelope::add_if(op, "MMSRelayServerID", req.relay_server_id);
  envelope::add_if(op, "LinkedID", req.linked_id);
  if (req.sender) envelope::add_address(op.append_child("Sender"), *req.sender);
  envelope::add_recipients(op, req.to, req.cc, req.bcc);
  envelope::add_if(op, "TimeStamp", req.time_stamp);
  envelope::add_if(op, "ReplyChargingID", req.reply_charging_id);
  envelope::add_if(op, "Priority", req.priority);
  envelope::add_if(op, "Subject", req.subject);
  envelope::add_content(op, content_href);
  return env.str();
}

std::string write_delivery_report_req(const delivery_report_req& req, const soap_context& ctx) {
  envelope env(req.transaction_id, ctx);
  auto op = env.operation("DeliveryReportReq");
  envelope::add_if(op, "MMSRelayServerID", req.relay_server_id);
  envelope::add(op, "MessageID", req.message_id);
  if (req.recipient) envelope::add_address(op.append_child("Recipient"), *req.recipient);
  if (req.sender) envelope::add_address(op.append_child("Sender"), *req.sender);
  envelope::add(op, "Date", req.date);
  envelope::add(op, "MMStatus", req.mm_status);
  envelope::add_if(op, "StatusText", req.status_text);
  return env.str();
}

std::string write_read_reply_req(const read_reply_req& req, const soap_context& ctx) {
  envelope env(req.transaction_id, ctx);
  auto op = env.operation("ReadReplyReq");
  envelope::add_if(op, "MMSRelayServerID", req.relay_server_id);
  envelope::add(op, "MessageID", req.message_id);
  if (req.recipient) envelope::add_address(op.append_child("Recipient"), *req.recipient);
  if (req.sender) envelope::add_address(op.append_child("Sender"), *req.sender);
  envelope::add(op, "TimeStamp", req.time_stamp);
  envelope::add(op, "MMStatus", req.mm_status);
  envelope::add_if(op, "StatusText", req.status_text);
  return env.str();
}

}  // namespace smsdrv::mm7
