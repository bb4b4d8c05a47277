#include "requests.hpp"

#include <fmt/format.h>

#include "event.hpp"
#include "mm7/status.hpp"

namespace smsdrv::mmsc_sim {
namespace {

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Element names and namespace declarations in one of the three styles.
class xml_writer {
 public:
  xml_writer(const mm7_context& ctx, xml_style style) : ctx_(ctx), style_(style) {}

  std::string name(std::string_view element) const {
    return style_ == xml_style::prefixed ? fmt::format("mm7:{}", element) : std::string(element);
  }
  // Attributes that declare the MM7 namespace on an element that opens an MM7 subtree.
  std::string declaration() const {
    switch (style_) {
      case xml_style::default_ns:
        return fmt::format(" xmlns=\"{}\"", ctx_.xml_namespace);
      case xml_style::prefixed:
        return fmt::format(" xmlns:mm7=\"{}\"", ctx_.xml_namespace);
      case xml_style::no_namespace:
        break;
    }
    return {};
  }
  std::string element(std::string_view n, std::string_view text) const {
    return fmt::format("<{0}>{1}</{0}>", name(n), escape(text));
  }
  std::string address(std::string_view holder, std::string_view value) const {
    std::string_view kind = value.find('@') == std::string_view::npos ? "Number" : "RFC2822Address";
    return fmt::format("<{0}>{1}</{0}>", name(holder), element(kind, value));
  }

  std::string envelope(std::string_view transaction_id, std::string_view body) const {
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
        "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\">"
        "<soap-env:Header><{0}{1} soap-env:mustUnderstand=\"1\">{2}</{0}></soap-env:Header>"
        "<soap-env:Body>{3}</soap-env:Body></soap-env:Envelope>",
        name("TransactionID"), declaration(), escape(transaction_id), body);
  }

  std::string operation(std::string_view op, std::string_view inner) const {
    return fmt::format("<{0}{1}>{2}{3}</{0}>", name(op), declaration(),
                       element("MM7Version", ctx_.version), inner);
  }

 private:
  const mm7_context& ctx_;
  xml_style style_;
};

std::string quoted_printable(std::string_view bytes) {
  std::string out;
  std::size_t line = 0;
  constexpr char hex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    std::string piece;
    if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') {
      out += "\r\n";
      ++i;
      line = 0;
      continue;
    }
    bool literal = (c >= 33 && c <= 126 && c != '=') ||
                   ((c == ' ' || c == '\t') && i + 1 < bytes.size() && bytes[i + 1] != '\r');
    if (literal)
      piece = std::string(1, static_cast<char>(c));
    else
      piece = {'=', hex[c >> 4], hex[c & 15]};
    if (line + piece.size() > 75) {
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  }
  return out;
}

std::string base64_lines(std::string_view bytes) {
  std::string b = base64_of(bytes);
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 76)
    out += b.substr(i, 76) + "\r\n";
  return out;
}

std::string encoded(std::string_view encoding, std::string_view bytes) {
  if (encoding == "base64") return base64_lines(bytes);
  if (encoding == "quoted-printable") return quoted_printable(bytes) + "\r\n";
  return std::string(bytes) + "\r\n";
}

std::string id_value(const body_style& s, std::string_view id) {
  return s.angle_ids ? fmt::format("<{}>", id) : std::string(id);
}

std::string lf_only(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  return out;
}

std::string part_entity(const body_style& s, const sim_part& p, std::size_t index) {
  std::string id = p.name.empty() ? fmt::format("part{}", index) : p.name;
  std::string out =
      fmt::format("Content-Type: {}\r\nContent-ID: {}\r\n", p.content_type, id_value(s, id));
  if (!p.name.empty()) out += fmt::format("Content-Location: {}\r\n", p.name);
  out += fmt::format("Content-Transfer-Encoding: {}\r\n\r\n", s.encoding);
  out += encoded(s.encoding, p.bytes);
  return out;
}

}  // namespace

std::string_view mm7_status_text(int status) {
  return mm7::status_text(status);
}

outgoing_body build_deliver_req(const mm7_context& ctx, const deliver_fields& f,
                                const std::vector<sim_part>& parts, const body_style& style) {
  xml_writer x(ctx, style.xml);
  std::string recipients;
  for (const auto& to : f.to)
    recipients += x.address("To", to);
  std::string inner;
  if (!f.linked_id.empty()) inner += x.element("LinkedID", f.linked_id);
  if (!f.sender.empty()) inner += x.address("Sender", f.sender);
  if (!recipients.empty()) inner += fmt::format("<{0}>{1}</{0}>", x.name("Recipients"), recipients);
  if (!f.time_stamp.empty()) inner += x.element("TimeStamp", f.time_stamp);
  if (!f.subject.empty()) inner += x.element("Subject", f.subject);

  std::string content_id = "content-" + f.transaction_id;
  std::string first_part_id = parts.empty() || parts[0].name.empty() ? "part0" : parts[0].name;
  std::string href_target = style.siblings ? first_part_id : content_id;
  if (style.content_element && !parts.empty())
    inner += fmt::format("<{} href=\"{}{}\" allowAdaptations=\"true\"/>", x.name("Content"),
                         style.cid_href ? "cid:" : "", escape(href_target));
  std::string xml = x.envelope(f.transaction_id, x.operation("DeliverReq", inner));

  outgoing_body out;
  if (parts.empty()) {
    out.content_type = "text/xml; charset=\"utf-8\"";
    out.body = style.crlf ? xml : lf_only(xml);
    return out;
  }
  std::string outer = "mmsc-sim-outer-" + f.transaction_id;
  std::string inner_b = "mmsc-sim-inner-" + f.transaction_id;
  std::string soap_id = "soap-" + f.transaction_id;
  out.content_type = fmt::format("multipart/related; type=\"text/xml\"; boundary=\"{}\"", outer);
  if (style.start) out.content_type += fmt::format("; start=\"{}\"", id_value(style, soap_id));
  std::string& b = out.body;
  b = fmt::format("--{}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-ID: {}\r\n\r\n{}\r\n",
                  outer, id_value(style, soap_id), xml);
  if (style.siblings) {
    for (std::size_t i = 0; i < parts.size(); ++i)
      b += fmt::format("--{}\r\n{}", outer, part_entity(style, parts[i], i));
  } else {
    b += fmt::format(
        "--{}\r\nContent-Type: multipart/mixed; boundary=\"{}\"\r\nContent-ID: {}\r\n\r\n", outer,
        inner_b, id_value(style, content_id));
    for (std::size_t i = 0; i < parts.size(); ++i)
      b += fmt::format("--{}\r\n{}", inner_b, part_entity(style, parts[i], i));
    b += fmt::format("--{}--\r\n\r\n", inner_b);
  }
  b += fmt::format("--{}--\r\n", outer);
  if (!style.crlf) b = lf_only(std::move(b));
  return out;
}

outgoing_body build_report_req(const mm7_context& ctx, const report_fields& f, bool read_reply,
                               const body_style& style) {
  xml_writer x(ctx, style.xml);
  std::string inner = x.element("MessageID", f.message_id);
  if (!f.recipient.empty()) inner += x.address("Recipient", f.recipient);
  if (!f.sender.empty()) inner += x.address("Sender", f.sender);
  inner += x.element(read_reply ? "TimeStamp" : "Date", f.date);
  inner += x.element("MMStatus", f.mm_status);
  if (!f.status_text.empty()) inner += x.element("StatusText", f.status_text);
  std::string xml = x.envelope(
      f.transaction_id, x.operation(read_reply ? "ReadReplyReq" : "DeliveryReportReq", inner));
  return outgoing_body{"text/xml; charset=\"utf-8\"", style.crlf ? xml : lf_only(xml)};
}

std::string submit_rsp_xml(const mm7_context& ctx, std::string_view transaction_id, int status,
                           std::string_view message_id) {
  xml_writer x(ctx, xml_style::default_ns);
  std::string inner = fmt::format(
      "<Status><StatusCode>{}</StatusCode><StatusText>{}</StatusText>"
      "</Status>",
      status, escape(mm7_status_text(status)));
  if (!message_id.empty()) inner += x.element("MessageID", message_id);
  return x.envelope(transaction_id, x.operation("SubmitRsp", inner));
}

std::string rs_error_xml(const mm7_context& ctx, std::string_view transaction_id, int status) {
  xml_writer x(ctx, xml_style::default_ns);
  std::string inner = fmt::format(
      "<Status><StatusCode>{}</StatusCode><StatusText>{}</StatusText>"
      "<Details>mmsc-sim fault</Details></Status>",
      status, escape(mm7_status_text(status)));
  std::string fault = fmt::format(
      "<soap-env:Fault><faultcode>soap-env:{}</faultcode><faultstring>{}</faultstring>"
      "<detail>{}</detail></soap-env:Fault>",
      status >= 2000 && status < 3000 ? "Client" : "Server", escape(mm7_status_text(status)),
      x.operation("RSErrorRsp", inner));
  return x.envelope(transaction_id, fault);
}

}  // namespace smsdrv::mmsc_sim
