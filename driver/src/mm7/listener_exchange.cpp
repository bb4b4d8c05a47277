#include "mm7/listener_exchange.hpp"

#include <fmt/format.h>

#include "mm7/basic_auth.hpp"
#include "mm7/body_reader.hpp"
#include "mm7/soap_writer.hpp"
#include "mm7/status.hpp"

namespace smsdrv::mm7 {
namespace {

constexpr std::string_view xml_type = "text/xml; charset=\"utf-8\"";

soap_context context_of(const mms_settings& s) {
  return soap_context{s.xml_namespace, s.mm7_version, s.vasp_id, s.vas_id};
}

http_answer plain(int status, std::string text) {
  http_answer a;
  a.status = status;
  a.content_type = "text/plain; charset=utf-8";
  a.body = std::move(text);
  a.body += '\n';
  return a;
}

// SOAP 1.1 §6.2: a Fault goes with HTTP 500.
http_answer fault(const mms_settings& s, std::string_view transaction_id, int code,
                  std::string details) {
  http_answer a;
  a.status = 500;
  a.content_type = std::string(xml_type);
  a.body = write_vasp_error(transaction_id, context_of(s),
                            status_info{code, std::string(status_text(code)), std::move(details)});
  return a;
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string_view transaction_of(const mmsc_request& r) {
  return std::visit([](const auto& m) -> std::string_view { return m.transaction_id; }, r);
}

std::string_view response_name(const mmsc_request& r) {
  if (std::holds_alternative<deliver_req>(r)) return "DeliverRsp";
  if (std::holds_alternative<delivery_report_req>(r)) return "DeliveryReportRsp";
  return "ReadReplyRsp";
}

}  // namespace

std::optional<http_answer> check_request_head(const mms_settings& settings,
                                              const request_head& head) {
  if (path_of(head.target) != settings.listen_path)
    return plain(404, "not found: MM7 requests go to " + settings.listen_path);
  if (head.method != "POST") {
    http_answer a = plain(405, "MM7 requests are POSTed");
    a.allow_post = true;
    return a;
  }
  if (!settings.listen_user.empty() &&
      !basic_credentials_match(head.authorization, settings.listen_user,
                               settings.listen_password)) {
    http_answer a = plain(401, "authentication required");
    a.challenge = true;
    return a;
  }
  if (head.content_length && *head.content_length > settings.max_message_size)
    return answer_too_large(settings);
  return std::nullopt;
}

http_answer answer_too_large(const mms_settings& settings) {
  return plain(413, fmt::format("the request is larger than {} bytes (max-message-size)",
                                settings.max_message_size));
}

std::variant<mmsc_request, http_answer> take_request(const mms_settings& settings,
                                                     std::string_view content_type,
                                                     std::string_view body) {
  if (body.size() > settings.max_message_size) return answer_too_large(settings);
  // The tree also has the root, the SOAP part and the multiparts that hold the parts.
  mime_limits limits{.max_parts = 2 * static_cast<std::size_t>(settings.max_parts) + 8,
                     .max_depth = 8};
  auto read = read_mm7_body(content_type, body, limits);
  if (auto* problem = std::get_if<body_problem>(&read))
    return fault(settings, "", problem->status, problem->text);
  soap_document& doc = std::get<read_body>(read).soap;
  if (auto* m = std::get_if<deliver_req>(&doc.message)) {
    if (m->parts.size() > settings.max_parts)
      return fault(settings, m->transaction_id, status::multimedia_content_refused,
                   fmt::format("the message has {} parts, more than the {} allowed",
                               m->parts.size(), settings.max_parts));
    return mmsc_request(std::move(*m));
  }
  if (auto* m = std::get_if<delivery_report_req>(&doc.message)) return mmsc_request(std::move(*m));
  if (auto* m = std::get_if<read_reply_req>(&doc.message)) return mmsc_request(std::move(*m));
  std::string transaction_id =
      std::visit([](const auto& m) { return m.transaction_id; }, doc.message);
  return fault(settings, transaction_id, status::unsupported_operation,
               "this VASP takes DeliverReq, DeliveryReportReq and ReadReplyReq");
}

http_answer answer_taken(const mmsc_request& request, const mms_settings& settings) {
  http_answer a;
  a.content_type = std::string(xml_type);
  a.body = write_vasp_response(response_name(request), transaction_of(request),
                               context_of(settings), status_info{status::success, "Success", {}});
  return a;
}

http_answer answer_not_taken(const mmsc_request& request, const mms_settings& settings,
                             std::string_view reason) {
  return fault(settings, transaction_of(request), status::service_unavailable, std::string(reason));
}

}  // namespace smsdrv::mm7
