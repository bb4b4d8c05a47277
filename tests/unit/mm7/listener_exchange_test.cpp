#include <catch2/catch.hpp>

#include <string>

#include "golden.hpp"
#include "mm7/basic_auth.hpp"
#include "mm7/listener_exchange.hpp"
#include "mm7/soap_reader.hpp"

using namespace smsdrv::mm7;
using smsdrv::mm7::test::golden;

namespace {

mms_settings listener() {
  mms_settings s;
  s.listener_enabled = true;
  s.listen_port = 8080;
  s.listen_path = "/mm7";
  s.listen_user = "mmsc";
  s.listen_password = "secret";
  s.max_message_size = 4096;
  s.max_parts = 3;
  return s;
}

const std::string good_auth = basic_authorization("mmsc", "secret");

response answer_of(const http_answer& a) {
  auto r = read_soap(a.body);
  REQUIRE(std::holds_alternative<soap_document>(r));
  return std::get<response>(std::get<soap_document>(r).message);
}

}  // namespace

TEST_CASE("the head: path, method, credentials, size") {
  mms_settings s = listener();
  CHECK_FALSE(check_request_head(s, {"POST", "/mm7", good_auth, 100}));
  CHECK_FALSE(check_request_head(s, {"POST", "/mm7?x=1", good_auth, std::nullopt}));
  CHECK(check_request_head(s, {"POST", "/other", good_auth, 100})->status == 404);
  auto get = check_request_head(s, {"GET", "/mm7", good_auth, 0});
  CHECK(get->status == 405);
  CHECK(get->allow_post);
  auto none = check_request_head(s, {"POST", "/mm7", "", 100});
  CHECK(none->status == 401);
  CHECK(none->challenge);
  CHECK(check_request_head(s, {"POST", "/mm7", basic_authorization("mmsc", "secreT"), 1})->status ==
        401);
  CHECK(
      check_request_head(s, {"POST", "/mm7", basic_authorization("mmsc", "secret2"), 1})->status ==
      401);
  CHECK(check_request_head(s, {"POST", "/mm7", "Bearer abc", 1})->status == 401);
  CHECK_FALSE(check_request_head(s, {"POST", "/mm7", "basic  bW1zYzpzZWNyZXQ= ", 1}));
  auto big = check_request_head(s, {"POST", "/mm7", good_auth, 4097});
  CHECK(big->status == 413);
  CHECK(big->body == "the request is larger than 4096 bytes (max-message-size)\n");
  s.listen_user.clear();
  CHECK_FALSE(check_request_head(s, {"POST", "/mm7", "", 100}));
}

TEST_CASE("a DeliverReq is taken, then answered 1000 only when the host took it") {
  mms_settings s = listener();
  s.max_message_size = 1 << 20;
  auto g = golden("deliver_rel6_prefixed.http", true);
  auto taken = take_request(s, g.content_type, g.body);
  REQUIRE(std::holds_alternative<mmsc_request>(taken));
  auto& request = std::get<mmsc_request>(taken);
  REQUIRE(std::holds_alternative<deliver_req>(request));
  CHECK(std::get<deliver_req>(request).parts.size() == 3);

  http_answer ok = answer_taken(request, s);
  CHECK(ok.status == 200);
  auto rsp = answer_of(ok);
  CHECK(rsp.operation == "DeliverRsp");
  CHECK(rsp.transaction_id == "mmsc-0001");
  CHECK(rsp.status.code == 1000);
  CHECK_FALSE(rsp.fault);

  http_answer retry = answer_not_taken(request, s, "the host did not take it in time");
  CHECK(retry.status == 500);
  auto fault = answer_of(retry);
  CHECK(fault.fault);
  CHECK(fault.operation == "VASPErrorRsp");
  CHECK(fault.transaction_id == "mmsc-0001");
  CHECK(fault.status.code == 4006);
  CHECK(fault.status.details == "the host did not take it in time");
}

TEST_CASE("reports and read replies get their own Rsp") {
  mms_settings s = listener();
  auto dr = golden("delivery_report_rel6.http");
  auto taken = take_request(s, dr.content_type, dr.body);
  REQUIRE(std::holds_alternative<mmsc_request>(taken));
  CHECK(answer_of(answer_taken(std::get<mmsc_request>(taken), s)).operation == "DeliveryReportRsp");
  auto rr = golden("read_reply_rel5.http");
  taken = take_request(s, rr.content_type, rr.body);
  REQUIRE(std::holds_alternative<mmsc_request>(taken));
  CHECK(answer_of(answer_taken(std::get<mmsc_request>(taken), s)).operation == "ReadReplyRsp");
}

TEST_CASE("what is not an MMSC request is answered with a Fault, nothing is taken") {
  mms_settings s = listener();
  auto malformed = take_request(s, "text/xml", "<Envelope><Body>");
  REQUIRE(std::holds_alternative<http_answer>(malformed));
  auto a = std::get<http_answer>(malformed);
  CHECK(a.status == 500);
  CHECK(answer_of(a).status.code == 2007);
  CHECK(answer_of(a).fault_code == "env:Client");

  auto submit = take_request(s, "text/xml",
                             "<Envelope><Header><TransactionID>x</TransactionID></Header><Body>"
                             "<SubmitReq/></Body></Envelope>");
  a = std::get<http_answer>(submit);
  CHECK(answer_of(a).status.code == 4003);
  CHECK(answer_of(a).transaction_id == "x");

  auto big = take_request(s, "text/xml", std::string(4097, ' '));
  CHECK(std::get<http_answer>(big).status == 413);

  s.max_message_size = 1 << 20;
  s.max_parts = 1;
  auto g = golden("deliver_rel6_prefixed.http");
  auto many = take_request(s, g.content_type, g.body);
  REQUIRE(std::holds_alternative<http_answer>(many));
  CHECK(answer_of(std::get<http_answer>(many)).status.code == 2004);
}
