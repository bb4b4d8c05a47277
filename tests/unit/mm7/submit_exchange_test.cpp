#include <catch2/catch.hpp>

#include <string>

#include "golden.hpp"
#include "mm7/body_reader.hpp"
#include "mm7/submit_exchange.hpp"

using namespace smsdrv::mm7;
using smsdrv::mm7::test::golden;

namespace {

submit_outcome answer(const std::string& name, int http = 200, std::string tx = "t-1") {
  auto g = golden(name);
  return read_submit_answer(http, g.content_type, g.body, tx);
}

}  // namespace

TEST_CASE("1000 accepts with the MessageID, both versions") {
  auto six = answer("submit_rsp_ok_rel6.http");
  CHECK(six.verdict == submit_verdict::accepted);
  CHECK(six.status == 1000);
  CHECK(six.message_id == "mmsc-msg-1");
  CHECK(six.text == "1000 Success");
  auto five = answer("submit_rsp_ok_rel5.http");
  CHECK(five.verdict == submit_verdict::accepted);
  CHECK(five.message_id == "041502073667");
}

TEST_CASE("1100, 2xxx, RSErrorRsp and Faults refuse with code and text") {
  auto partial = answer("submit_rsp_partial.http");
  CHECK(partial.verdict == submit_verdict::refused);
  CHECK_FALSE(partial.retryable);
  CHECK(partial.status == 1100);
  CHECK(partial.message_id == "mmsc-msg-2");
  CHECK(partial.text == "1100 Partial success");

  auto address = answer("submit_rsp_address_error.http");
  CHECK(address.verdict == submit_verdict::refused);
  CHECK(address.status == 2002);
  CHECK(address.text == "2002 Address Error");

  auto fault = answer("rs_error_fault.http", 500);
  CHECK(fault.verdict == submit_verdict::refused);
  CHECK_FALSE(fault.retryable);
  CHECK(fault.status == 4001);
  CHECK(fault.http_status == 500);
  CHECK(fault.text ==
        "4001 Improper identification (unknown VASPID) [SOAP Fault env:Client: Client error]");

  auto server = answer("fault_without_detail.http", 500);
  CHECK(server.verdict == submit_verdict::refused);
  CHECK(server.retryable);
  CHECK(server.status == 3000);
  CHECK(server.text == "3000 Server Error: database down [SOAP Fault soap:Server: database down]");
}

TEST_CASE("HTTP errors without SOAP refuse; unreadable 2xx answers leave the outcome unknown") {
  auto unavailable = read_submit_answer(503, "text/html", "<html>busy</html>", "t-1");
  CHECK(unavailable.verdict == submit_verdict::refused);
  CHECK(unavailable.retryable);
  CHECK(unavailable.text.rfind("HTTP 503 without an MM7 answer", 0) == 0);
  auto unauthorized = read_submit_answer(401, "text/plain", "no", "t-1");
  CHECK(unauthorized.verdict == submit_verdict::refused);
  CHECK_FALSE(unauthorized.retryable);
  auto garbage = read_submit_answer(200, "text/xml", "<oops", "t-1");
  CHECK(garbage.verdict == submit_verdict::unknown);
  CHECK(garbage.text.find("the MMSC may have taken the message") != std::string::npos);
  auto empty = read_submit_answer(200, "", "", "t-1");
  CHECK(empty.verdict == submit_verdict::unknown);
}

TEST_CASE("an answer for another TransactionID does not count") {
  auto other = answer("submit_rsp_other_transaction.http");
  CHECK(other.verdict == submit_verdict::unknown);
  CHECK(other.text ==
        "the answer names TransactionID 't-999', not 't-1': the MMSC may have taken the message");
  auto ok_under_500 = answer("submit_rsp_ok_rel6.http", 500);
  CHECK(ok_under_500.verdict == submit_verdict::unknown);
}

TEST_CASE("the POST: headers, credentials, envelope and content as the settings say") {
  mms_settings s;
  s.user = "vasp";
  s.password = "pw";
  s.mm7_version = "5.3.0";
  s.xml_namespace = std::string(rel5_namespace);
  submit_req r;
  r.transaction_id = "tx1";
  r.to = {address_of("491700")};
  part_view parts[] = {{"text/plain; charset=utf-8", "t", "t.txt", "hello"}};
  http_post post = build_submit_post(s, r, parts, "tx1");
  REQUIRE(post.headers.size() == 3);
  CHECK(post.headers[0].name == "Content-Type");
  CHECK(post.headers[0].value ==
        "multipart/related; type=\"text/xml\"; start=\"<soap.tx1>\"; boundary=\"=_mm7_s_tx1\"");
  CHECK(post.headers[1].name == "SOAPAction");
  CHECK(post.headers[1].value == "\"\"");
  CHECK(post.headers[2].name == "Authorization");
  CHECK(post.headers[2].value == "Basic dmFzcDpwdw==");
  auto read = read_mm7_body(post.headers[0].value, post.body, mime_limits{});
  auto& doc = std::get<read_body>(read).soap;
  CHECK(doc.content_href == "cid:content.tx1");
  auto& m = std::get<submit_req>(doc.message);
  CHECK(m.mm7_version == "5.3.0");
  REQUIRE(m.parts.size() == 1);
  CHECK(m.parts[0].bytes == "hello");

  s.user.clear();
  post = build_submit_post(s, r, {}, "tx1");
  REQUIRE(post.headers.size() == 2);
  CHECK(post.headers[0].value == "text/xml; charset=\"utf-8\"");
}
