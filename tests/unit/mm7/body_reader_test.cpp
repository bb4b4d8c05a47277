#include <catch2/catch.hpp>

#include <string>

#include "golden.hpp"
#include "mm7/body_reader.hpp"
#include "mm7/status.hpp"

using namespace smsdrv::mm7;
using smsdrv::mm7::test::golden;

namespace {

const std::string png_prefix("\x89PNG\r\n\x1a\n", 8);
const std::string gif_prefix = "GIF89a";

soap_document read_doc(const std::string& name, bool crlf) {
  auto g = golden(name, crlf);
  auto r = read_mm7_body(g.content_type, g.body, mime_limits{});
  if (auto* p = std::get_if<body_problem>(&r)) FAIL(p->status << " " << p->text);
  return std::get<read_body>(r).soap;
}

template <class M>
M read_as(const std::string& name, bool crlf) {
  soap_document doc = read_doc(name, crlf);
  REQUIRE(std::holds_alternative<M>(doc.message));
  return std::get<M>(doc.message);
}

}  // namespace

TEST_CASE("DeliverReq REL-6 with prefixes: nested multipart/related, base64 and quoted-printable") {
  bool crlf = GENERATE(false, true);
  CAPTURE(crlf);
  auto m = read_as<deliver_req>("deliver_rel6_prefixed.http", crlf);
  CHECK(m.transaction_id == "mmsc-0001");
  CHECK(m.mm7_version == "6.8.0");
  CHECK(m.relay_server_id == "mmsc.example.net");
  CHECK(m.linked_id == "link-77");
  REQUIRE(m.sender);
  CHECK(*m.sender == address{address::kind::number, "+4917612345678", false});
  CHECK(m.to == std::vector<address>{{address::kind::short_code, "12345", false}});
  CHECK(m.cc == std::vector<address>{{address::kind::rfc2822, "copy@example.net", true}});
  CHECK(m.bcc.empty());
  CHECK(m.time_stamp == "2024-05-01T10:11:12Z");
  CHECK(m.priority == "Normal");
  CHECK(m.subject == "Holiday & more");
  REQUIRE(m.parts.size() == 3);
  CHECK(m.parts[0].content_type == "application/smil");
  CHECK(m.parts[0].name == "pres.smil");
  CHECK(m.parts[0].content_id == "pres");
  CHECK(m.parts[0].bytes.find("<img src=\"pixel.png\"/>") != std::string::npos);
  CHECK(m.parts[1].content_type == "image/png");
  CHECK(m.parts[1].name == "pixel.png");
  CHECK(m.parts[1].content_location == "pixel.png");
  CHECK(m.parts[1].bytes.substr(0, 8) == png_prefix);
  CHECK(m.parts[1].bytes.size() == 70);
  CHECK(m.parts[2].content_type == "text/plain; charset=iso-8859-1");
  CHECK(m.parts[2].bytes ==
        "Gr\xfc\xdf"
        "e aus K\xf6ln");             // Latin-1 bytes as sent
  CHECK(m.text == "Grüße aus Köln");  // and in UTF-8 for the text
}

TEST_CASE("DeliverReq REL-5, default namespace: ids without <>, href without cid:, mixed") {
  bool crlf = GENERATE(false, true);
  CAPTURE(crlf);
  auto m = read_as<deliver_req>("deliver_rel5_default_ns.http", crlf);
  CHECK(m.transaction_id == "1000001");
  CHECK(m.mm7_version == "5.3.0");
  REQUIRE(m.sender);
  CHECK(m.sender->value == "1617423433");
  CHECK(m.to == std::vector<address>{{address::kind::number, "111122", false}});
  REQUIRE(m.parts.size() == 2);
  CHECK(m.parts[0].content_type == "image/gif");
  // A name from the MMSC never carries a directory.
  CHECK(m.parts[0].name == "pixel.gif");
  CHECK(m.parts[0].content_id == "image_0.gif");
  CHECK(m.parts[0].bytes.substr(0, 6) == gif_prefix);
  CHECK(m.parts[1].content_type == "text/plain; charset=utf-8");
  CHECK(m.parts[1].name == "text_0.txt");
  CHECK(m.parts[1].bytes == (crlf ? "Test MO message!" : "Test MO message!"));
  CHECK(m.text == "Test MO message!");
}

TEST_CASE("no start parameter, no Content element, bare addresses: first parts are taken") {
  bool crlf = GENERATE(false, true);
  CAPTURE(crlf);
  auto m = read_as<deliver_req>("deliver_no_start_no_content.http", crlf);
  CHECK(m.transaction_id == "tx-3");
  REQUIRE(m.sender);
  CHECK(*m.sender == address{address::kind::number, "+15551234567", false});
  CHECK(m.to == std::vector<address>{{address::kind::number, "12345", false}});
  CHECK(m.subject == "card");
  REQUIRE(m.parts.size() == 1);
  CHECK(m.parts[0].content_type == "text/x-vcard");
  CHECK(m.parts[0].name == "alice.vcf");
  CHECK(m.parts[0].bytes.rfind("BEGIN:VCARD", 0) == 0);
  CHECK(m.text.empty());
}

TEST_CASE("attachments as siblings of the envelope, href to the first: all are the content") {
  bool crlf = GENERATE(false, true);
  CAPTURE(crlf);
  auto m = read_as<deliver_req>("deliver_siblings_no_namespace.http", crlf);
  CHECK(m.transaction_id.empty());
  REQUIRE(m.parts.size() == 2);
  CHECK(m.parts[0].content_type == "text/plain");
  CHECK(m.parts[0].bytes == "first");
  CHECK(m.parts[0].name == "att1");
  CHECK(m.parts[1].content_type == "image/png");
  CHECK(m.parts[1].name == "att2");
  CHECK(m.parts[1].bytes.substr(0, 8) == png_prefix);
  CHECK(m.text == "first");
}

TEST_CASE("delivery reports and read replies of both versions") {
  bool crlf = GENERATE(false, true);
  CAPTURE(crlf);
  auto r6 = read_as<delivery_report_req>("delivery_report_rel6.http", crlf);
  CHECK(r6.transaction_id == "10000001");
  CHECK(r6.mm7_version == "6.8.0");
  CHECK(r6.message_id == "369500617770864640");
  CHECK(r6.recipient == address{address::kind::number, "16175550123", false});
  CHECK(r6.sender == address{address::kind::number, "111122", false});
  CHECK(r6.date == "2015-03-16T14:03:51.749Z");
  CHECK(r6.mm_status == "Retrieved");
  CHECK(r6.status_text == "Success");

  auto r5 = read_as<delivery_report_req>("delivery_report_no_boundary.http", crlf);
  CHECK(r5.transaction_id == "dr-2");
  CHECK(r5.mm7_version == "5.3.0");
  CHECK(r5.message_id == "msg-9");
  CHECK(r5.sender == address{address::kind::short_code, "12345", false});
  CHECK(r5.mm_status == "Expired");

  auto rr = read_as<read_reply_req>("read_reply_rel5.http", crlf);
  CHECK(rr.transaction_id == "rr-1");
  CHECK(rr.message_id == "msg-1");
  CHECK(rr.recipient == address{address::kind::number, "4917612345678", false});
  CHECK(rr.time_stamp == "2024-05-01T10:11:12Z");
  CHECK(rr.mm_status == "Read");
}

TEST_CASE("answers to a SubmitReq: SubmitRsp, RSErrorRsp in a Fault, a Fault alone") {
  auto ok = read_as<response>("submit_rsp_ok_rel5.http", false);
  CHECK(ok.operation == "SubmitRsp");
  CHECK(ok.transaction_id == "t-1");
  CHECK(ok.mm7_version == "5.3.0");
  CHECK(ok.status.code == 1000);
  CHECK(ok.message_id == "041502073667");
  CHECK_FALSE(ok.fault);

  auto err = read_as<response>("rs_error_fault.http", false);
  CHECK(err.operation == "RSErrorRsp");
  CHECK(err.fault);
  CHECK(err.fault_code == "env:Client");
  CHECK(err.status.code == 4001);
  CHECK(err.status.details == "unknown VASPID");

  auto bare = read_as<response>("fault_without_detail.http", false);
  CHECK(bare.fault);
  CHECK(bare.status.code == status::server_error);
  CHECK(bare.status.text == "database down");
}

TEST_CASE("content references: cid: or not, %-escapes, <> or not") {
  CHECK(normalized_href("cid:a%40b") == "a@b");
  CHECK(normalized_href(" CID:<x> ") == "x");
  CHECK(normalized_href("plain") == "plain");
  CHECK(normalized_href("cid:%4") == "%4");
  CHECK(normalized_content_id(" <a@b> ") == "a@b");
  CHECK(normalized_content_id("a@b") == "a@b");
}

TEST_CASE("an empty body or an empty multipart is refused, never a crash") {
  auto empty = read_mm7_body("multipart/related; boundary=x", std::string_view(), mime_limits{});
  REQUIRE(std::holds_alternative<body_problem>(empty));
  CHECK(std::get<body_problem>(empty).status == 2007);
  auto none = read_mm7_body("", std::string_view(), mime_limits{});
  REQUIRE(std::holds_alternative<body_problem>(none));
  CHECK(std::get<body_problem>(none).status == 2007);
}
