// SOAP 1.1 envelopes of MM7 (3GPP TS 23.140 §8.4 and Annex L), written with pugixml: the
// TransactionID in the header (mustUnderstand), one MM7 element in the body, its children in the
// order of the schema. Both roles are here: the VASP's (this driver: SubmitReq, the Rsp of each
// MMSC request, VASPErrorRsp) and the MMSC's (the simulator: SubmitRsp, RSErrorRsp, DeliverReq,
// DeliveryReportReq, ReadReplyReq). Text values must be valid UTF-8 without control characters
// other than tab, CR and LF (requests are checked before they get here).
#pragma once

#include <string>
#include <string_view>

#include "mm7/message.hpp"

namespace smsdrv::mm7 {

// What every envelope of one MM7 interface shares.
struct soap_context {
  std::string_view xml_namespace;  // REL-5-MM7-1-0, REL-6-MM7-1-4, ...
  std::string_view mm7_version;    // 5.3.0, 6.8.0, ...
  std::string_view vasp_id;        // SenderIdentification of SubmitReq (empty: left out)
  std::string_view vas_id;
};

inline constexpr std::string_view soap_envelope_namespace =
    "http://schemas.xmlsoap.org/soap/envelope/";

// VASP role.
// SubmitReq with <Content href="content_href"> (a "cid:" URL), or no Content when empty.
std::string write_submit_req(const submit_req& req, const soap_context& ctx,
                             std::string_view content_href);
// DeliverRsp, DeliveryReportRsp, ReadReplyRsp: operation is the response element's name.
std::string write_vasp_response(std::string_view operation, std::string_view transaction_id,
                                const soap_context& ctx, const status_info& status);
// A SOAP Fault (HTTP 500) carrying VASPErrorRsp: faultcode Client for 2xxx, else Server.
std::string write_vasp_error(std::string_view transaction_id, const soap_context& ctx,
                             const status_info& status);

// MMSC role.
std::string write_submit_rsp(std::string_view transaction_id, const soap_context& ctx,
                             const status_info& status, std::string_view message_id);
std::string write_rs_error(std::string_view transaction_id, const soap_context& ctx,
                           const status_info& status);
std::string write_deliver_req(const deliver_req& req, const soap_context& ctx,
                              std::string_view content_href);
std::string write_delivery_report_req(const delivery_report_req& req, const soap_context& ctx);
std::string write_read_reply_req(const read_reply_req& req, const soap_context& ctx);

}  // namespace smsdrv::mm7
