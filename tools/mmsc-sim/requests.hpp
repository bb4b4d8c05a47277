// What the simulated MMSC writes: its requests to the VASP (DeliverReq, DeliveryReportReq,
// ReadReplyReq) and its answers to SubmitReq (SubmitRsp, RSErrorRsp in a SOAP Fault).
//
// Written here by hand, not with the driver's writer, so that the simulator can send what real
// MMSCs send (docs/mmsc-sim.md, "Styles"): MM7 elements with a prefix, in a default namespace
// or in none; start with or without <>, or no start; Content-IDs with or without <>; href with or
// without "cid:", or no Content element; attachments nested in one content part or next to the
// envelope; base64, quoted-printable, binary or 8bit; CRLF or LF line ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::mmsc_sim {

enum class xml_style : std::uint8_t { default_ns, prefixed, no_namespace };

struct body_style {
  xml_style xml = xml_style::default_ns;
  bool start = true;                // the multipart names its start part
  bool angle_ids = true;            // Content-IDs and start in <>
  bool cid_href = true;             // Content href="cid:..."
  bool content_element = true;      // a Content element at all
  bool siblings = false;            // parts next to the envelope, href naming the first
  std::string encoding = "base64";  // base64, quoted-printable, binary, 8bit
  bool crlf = true;
};

struct sim_part {
  std::string content_type;
  std::string name;  // Content-Location (and the Content-ID's base)
  std::string bytes;
};

struct mm7_context {
  std::string_view version;
  std::string_view xml_namespace;
};

struct outgoing_body {
  std::string content_type;
  std::string body;
};

struct deliver_fields {
  std::string transaction_id;
  std::string sender;
  std::vector<std::string> to;
  std::string subject;
  std::string linked_id;
  std::string time_stamp;
};

outgoing_body build_deliver_req(const mm7_context& ctx, const deliver_fields& f,
                                const std::vector<sim_part>& parts, const body_style& style);

struct report_fields {
  std::string transaction_id;
  std::string message_id;
  std::string recipient;
  std::string sender;
  std::string date;
  std::string mm_status;
  std::string status_text;
};

// DeliveryReportReq (read_reply false) or ReadReplyReq (true), as text/xml.
outgoing_body build_report_req(const mm7_context& ctx, const report_fields& f, bool read_reply,
                               const body_style& style);

std::string submit_rsp_xml(const mm7_context& ctx, std::string_view transaction_id, int status,
                           std::string_view message_id);
std::string rs_error_xml(const mm7_context& ctx, std::string_view transaction_id, int status);

// The spec's text of an MM7 status ("Success", "Address Error", ...).
std::string_view mm7_status_text(int status);

}  // namespace smsdrv::mmsc_sim
