#include <catch2/catch.hpp>

#include <string>

#include "mm7/settings.hpp"
#include "mm7/soap_reader.hpp"
#include "mm7/soap_writer.hpp"
#include "mm7/status.hpp"

using namespace smsdrv::mm7;

namespace {

const std::string envelope_open =
    R"(<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">)";

std::string header(std::string_view ns, std::string_view id) {
  return "<env:Header><TransactionID xmlns=\"" + std::string(ns) + "\" env:mustUnderstand=\"1\">" +
         std::string(id) + "</TransactionID></env:Header>";
}

submit_req full_submit() {
  submit_req r;
  r.transaction_id = "tx-42";
  r.to = {address_of("4917612345678"), address{address::kind::short_code, "777", true}};
  r.cc = {address_of("cc@example.net")};
  r.bcc = {address_of("4915000000")};
  r.sender = address_of("12345");
  r.subject = "Offer <50% & more>";
  r.service_code = "gold";
  r.linked_id = "link-1";
  r.message_class = "Informational";
  r.expiry_date = "P1D";
  r.delivery_report = true;
  r.read_reply = false;
  r.priority = "High";
  return r;
}

template <class M>
M read_as(const std::string& xml) {
  auto r = read_soap(xml);
  if (auto* p = std::get_if<soap_problem>(&r)) FAIL(p->status << " " << p->text);
  auto& doc = std::get<soap_document>(r);
  REQUIRE(std::holds_alternative<M>(doc.message));
  return std::get<M>(doc.message);
}

soap_problem problem_of(const std::string& xml) {
  auto r = read_soap(xml);
  REQUIRE(std::holds_alternative<soap_problem>(r));
  return std::get<soap_problem>(r);
}

}  // namespace

TEST_CASE("SubmitReq REL-6: golden envelope, every element in the schema's order") {
  soap_context ctx{rel6_namespace, rel6_version, "vasp1", "svc"};
  std::string ns(rel6_namespace);
  CHECK(write_submit_req(full_submit(), ctx, "cid:content.tx-42") ==
        envelope_open + header(ns, "tx-42") + "<env:Body><SubmitReq xmlns=\"" + ns +
            "\"><MM7Version>6.8.0</MM7Version>"
            "<SenderIdentification><VASPID>vasp1</VASPID><VASID>svc</VASID>"
            "<SenderAddress><Number>12345</Number></SenderAddress></SenderIdentification>"
            "<Recipients><To><Number>4917612345678</Number>"
            "<ShortCode displayOnly=\"true\">777</ShortCode></To>"
            "<Cc><RFC2822Address>cc@example.net</RFC2822Address></Cc>"
            "<Bcc><Number>4915000000</Number></Bcc></Recipients>"
            "<ServiceCode>gold</ServiceCode><LinkedID>link-1</LinkedID>"
            "<MessageClass>Informational</MessageClass><ExpiryDate>P1D</ExpiryDate>"
            "<DeliveryReport>true</DeliveryReport><ReadReply>false</ReadReply>"
            "<Priority>High</Priority><Subject>Offer &lt;50% &amp; more&gt;</Subject>"
            "<Content href=\"cid:content.tx-42\" allowAdaptations=\"true\"/>"
            "</SubmitReq></env:Body></env:Envelope>");
}

TEST_CASE("SubmitReq REL-5: golden envelope with only what is given") {
  soap_context ctx{rel5_namespace, rel5_version, "", ""};
  std::string ns(rel5_namespace);
  submit_req r;
  r.transaction_id = "t5";
  r.to = {address_of("4917612345678")};
  CHECK(write_submit_req(r, ctx, "") ==
        envelope_open + header(ns, "t5") + "<env:Body><SubmitReq xmlns=\"" + ns +
            "\"><MM7Version>5.3.0</MM7Version><Recipients><To><Number>4917612345678</Number>"
            "</To></Recipients></SubmitReq></env:Body></env:Envelope>");
}

TEST_CASE("what the writer writes, the reader reads back") {
  soap_context ctx{rel6_namespace, rel6_version, "vasp1", "svc"};
  submit_req in = full_submit();
  auto out = read_as<submit_req>(write_submit_req(in, ctx, "cid:c"));
  CHECK(out.transaction_id == in.transaction_id);
  CHECK(out.mm7_version == "6.8.0");
  CHECK(out.vasp_id == "vasp1");
  CHECK(out.vas_id == "svc");
  CHECK(out.to == in.to);
  CHECK(out.cc == in.cc);
  CHECK(out.bcc == in.bcc);
  CHECK(out.sender == in.sender);
  CHECK(out.subject == in.subject);
  CHECK(out.service_code == in.service_code);
  CHECK(out.linked_id == in.linked_id);
  CHECK(out.message_class == in.message_class);
  CHECK(out.expiry_date == in.expiry_date);
  CHECK(out.delivery_report == in.delivery_report);
  CHECK(out.read_reply == in.read_reply);
  CHECK(out.priority == in.priority);

  deliver_req d;
  d.transaction_id = "d1";
  d.sender = address_of("4917600000");
  d.to = {address{address::kind::short_code, "12345", false}};
  d.subject = "Hi";
  d.linked_id = "L";
  d.time_stamp = "2024-01-01T00:00:00Z";
  auto dr = read_soap(write_deliver_req(d, ctx, "cid:x"));
  auto& ddoc = std::get<soap_document>(dr);
  CHECK(ddoc.has_content);
  CHECK(ddoc.content_href == "cid:x");
  auto d2 = std::get<deliver_req>(ddoc.message);
  CHECK(d2.sender == d.sender);
  CHECK(d2.to == d.to);
  CHECK(d2.subject == "Hi");
  CHECK(d2.linked_id == "L");

  delivery_report_req rep;
  rep.transaction_id = "r1";
  rep.message_id = "m1";
  rep.recipient = address_of("4917600000");
  rep.sender = address_of("12345");
  rep.date = "2024-01-01T00:00:00Z";
  rep.mm_status = "Retrieved";
  auto rep2 = read_as<delivery_report_req>(write_delivery_report_req(rep, ctx));
  CHECK(rep2.message_id == "m1");
  CHECK(rep2.mm_status == "Retrieved");
  CHECK(rep2.recipient == rep.recipient);

  read_reply_req rr;
  rr.transaction_id = "rr";
  rr.message_id = "m2";
  rr.time_stamp = "2024-01-01T00:00:00Z";
  rr.mm_status = "Deleted";
  auto rr2 = read_as<read_reply_req>(write_read_reply_req(rr, ctx));
  CHECK(rr2.mm_status == "Deleted");
  CHECK(rr2.time_stamp == rr.time_stamp);
}

TEST_CASE("responses: Rsp with status, VASPErrorRsp and RSErrorRsp in a Fault") {
  soap_context ctx{rel5_namespace, rel5_version, "", ""};
  std::string ns(rel5_namespace);
  CHECK(write_vasp_response("DeliverRsp", "t9", ctx, {1000, "Success", ""}) ==
        envelope_open + header(ns, "t9") + "<env:Body><DeliverRsp xmlns=\"" + ns +
            "\"><MM7Version>5.3.0</MM7Version><Status><StatusCode>1000</StatusCode>"
            "<StatusText>Success</StatusText></Status></DeliverRsp></env:Body></env:Envelope>");
  CHECK(write_vasp_error("t9", ctx, {4006, "Service unavailable", "try later"}) ==
        envelope_open + header(ns, "t9") +
            "<env:Body><env:Fault><faultcode>env:Server</faultcode>"
            "<faultstring>Service unavailable</faultstring><detail><VASPErrorRsp xmlns=\"" +
            ns +
            "\"><MM7Version>5.3.0</MM7Version><Status><StatusCode>4006</StatusCode>"
            "<StatusText>Service unavailable</StatusText><Details>try later</Details></Status>"
            "</VASPErrorRsp></detail></env:Fault></env:Body></env:Envelope>");
  auto client = read_as<response>(write_rs_error("t", ctx, {2007, "Message format corrupt", ""}));
  CHECK(client.fault);
  CHECK(client.fault_code == "env:Client");
  CHECK(client.operation == "RSErrorRsp");
  CHECK(client.status.code == 2007);
  auto ok = read_as<response>(write_submit_rsp("t", ctx, {1000, "Success", ""}, "id-1"));
  CHECK(ok.operation == "SubmitRsp");
  CHECK(ok.message_id == "id-1");
  CHECK_FALSE(ok.fault);
}

TEST_CASE("malformed SOAP is refused with Message format corrupt") {
  CHECK(problem_of("").status == status::message_format_corrupt);
  CHECK(problem_of("not xml at all").status == status::message_format_corrupt);
  CHECK(problem_of("<a><b></a>").text.find("not well-formed XML") != std::string::npos);
  CHECK(problem_of("<Envelope/>").text == "the SOAP Envelope has no Body");
  CHECK(problem_of("<Html><Body/></Html>").text == "the SOAP part is not a SOAP Envelope");
  CHECK(problem_of("<Envelope><Body/></Envelope>").text == "the SOAP Body is empty");
  auto op = problem_of("<Envelope><Body><CancelReq/></Body></Envelope>");
  CHECK(op.status == status::unsupported_operation);
  CHECK(op.text == "the MM7 operation 'CancelReq' is not supported");
}

TEST_CASE("no entity is ever expanded and nothing outside the document is read") {
  // Billion laughs (CVE-2003-1564 style): refused for its DOCTYPE, never expanded.
  std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
      "<!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
      "<Envelope><Body><DeliverReq><Subject>&lol9;</Subject></DeliverReq></Body></Envelope>";
  auto p = problem_of(laughs);
  CHECK(p.status == status::message_format_corrupt);
  CHECK(p.text == "the SOAP part has a document type declaration (SOAP 1.1 §3 forbids it)");
  // XXE: an external entity naming a local file.
  auto x = problem_of(
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<Envelope><Body><DeliverReq><Subject>&xxe;</Subject></DeliverReq></Body></Envelope>");
  CHECK(x.status == status::message_format_corrupt);
  // Without a DOCTYPE an undeclared entity stays text; only the five predefined entities and
  // character references are decoded.
  auto d = read_as<deliver_req>(
      "<Envelope><Body><DeliverReq><Subject>&xxe; &lt;&#65;&#x42;&gt; &amp;amp;</Subject>"
      "</DeliverReq></Body></Envelope>");
  CHECK(d.subject == "&xxe; <AB> &amp;");
}

TEST_CASE("blanks, a byte-order mark, CDATA and bare addresses are tolerated") {
  auto d = read_as<deliver_req>(
      "\xEF\xBB\xBF \r\n<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"x\"><s:Header>"
      "<TransactionID>\n  tid  \n</TransactionID></s:Header><s:Body><m:DeliverReq xmlns:m=\"y\">"
      "<m:Sender displayOnly=\"true\"> a@b.example </m:Sender><m:Recipients><m:To>"
      "<m:Number>1</m:Number><m:Number>2</m:Number></m:To><m:Bcc>3</m:Bcc></m:Recipients>"
      "<m:Subject><![CDATA[<raw & text>]]></m:Subject></m:DeliverReq></s:Body></s:Envelope>");
  CHECK(d.transaction_id == "tid");
  CHECK(d.sender == address{address::kind::rfc2822, "a@b.example", true});
  CHECK(d.to == std::vector<address>{address_of("1"), address_of("2")});
  CHECK(d.bcc == std::vector<address>{address_of("3")});
  CHECK(d.subject == "<raw & text>");
}
