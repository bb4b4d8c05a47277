#include "mm7/submit_exchange.hpp"

#include <fmt/format.h>

#include "config/text_util.hpp"
#include "mm7/basic_auth.hpp"
#include "mm7/body_reader.hpp"
#include "mm7/soap_writer.hpp"
#include "mm7/status.hpp"

namespace smsdrv::mm7 {
namespace {

std::string status_line(const status_info& s) {
  std::string out = status_display(s.code);
  std::string_view spec = status_text(s.code);
  if (!s.text.empty() && s.text != spec) out += ": " + config::printable(s.text, 200);
  if (!s.details.empty()) out += " (" + config::printable(s.details, 200) + ")";
  return out;
}

bool retryable_status(int code) {
  return classify(code) == status_class::server || code == status::service_unavailable;
}

bool retryable_http(int code) {
  return code == 408 || code == 429 || (code >= 500 && code <= 599);
}

}  // namespace

http_post build_submit_post(const mms_settings& settings, const submit_req& req,
                            std::span<const part_view> parts, std::string_view boundary_seed) {
  soap_context ctx{settings.xml_namespace, settings.mm7_version, settings.vasp_id, settings.vas_id};
  std::string soap_id = fmt::format("soap.{}", boundary_seed.substr(0, 60));
  std::string content_id = fmt::format("content.{}", boundary_seed.substr(0, 60));
  std::string xml = write_submit_req(req, ctx, parts.empty() ? "" : "cid:" + content_id);
  written_body written =
      write_mm7_body(xml, soap_id, content_id, parts, settings.encoding, boundary_seed);
  http_post post;
  post.headers.push_back({"Content-Type", std::move(written.content_type)});
  post.headers.push_back({"SOAPAction", "\"\""});
  if (!settings.user.empty())
    post.headers.push_back(
        {"Authorization", basic_authorization(settings.user, settings.password)});
  post.body = std::move(written.body);
  return post;
}

submit_outcome read_submit_answer(int http_status, std::string_view content_type,
                                  std::string_view body, std::string_view transaction_id) {
  submit_outcome out;
  out.http_status = http_status;
  auto unknown = [&](std::string_view why) {
    out.verdict = submit_verdict::unknown;
    out.text = fmt::format(
        "HTTP {} with an answer that cannot be read ({}): the MMSC may have "
        "taken the message",
        http_status, config::printable(why, 200));
    return out;
  };
  auto soap_less = [&](std::string_view why) {
    if (http_status >= 200 && http_status <= 299) {
      return unknown(why);
    } else {
      out.verdict = submit_verdict::refused;
      out.retryable = retryable_http(http_status);
      out.text = fmt::format("HTTP {} without an MM7 answer ({})", http_status,
                             config::printable(why, 200));
    }
    return out;
  };
  mime_limits limits{.max_parts = 16, .max_depth = 4};
  auto read = read_mm7_body(content_type, body, limits);
  if (auto* problem = std::get_if<body_problem>(&read)) return soap_less(problem->text);
  const soap_document& doc = std::get<read_body>(read).soap;
  const auto* rsp = std::get_if<response>(&doc.message);
  if (!rsp || (!rsp->fault && rsp->operation != "SubmitRsp" && rsp->operation != "RSErrorRsp"))
    return soap_less("not a SubmitRsp, RSErrorRsp or Fault");
  if (!rsp->transaction_id.empty() && !transaction_id.empty() &&
      rsp->transaction_id != transaction_id) {
    out.verdict = submit_verdict::unknown;
    out.text = fmt::format(
        "the answer names TransactionID '{}', not '{}': the MMSC may have taken the message",
        config::printable(rsp->transaction_id), config::printable(transaction_id));
    return out;
  }
  out.status = rsp->status.code;
  out.message_id = rsp->message_id;
  if (!rsp->fault && rsp->operation == "SubmitRsp" && rsp->status.code == status::success) {
    if (http_status < 200 || http_status > 299)
      return unknown("a SubmitRsp with status 1000 under an HTTP error status");
    out.verdict = submit_verdict::accepted;
    out.text = status_line(rsp->status);
    return out;
  }
  if (rsp->operation == "SubmitRsp" && rsp->status.code == 0)
    return soap_less("a SubmitRsp without StatusCode");
  out.verdict = submit_verdict::refused;
  out.retryable =
      retryable_status(rsp->status.code) || (rsp->status.code == 0 && retryable_http(http_status));
  out.text = status_line(rsp->status);
  if (rsp->fault)
    out.text += fmt::format(" [SOAP Fault {}: {}]", config::printable(rsp->fault_code),
                            config::printable(rsp->fault_string, 200));
  return out;
}

}  // namespace smsdrv::mm7
