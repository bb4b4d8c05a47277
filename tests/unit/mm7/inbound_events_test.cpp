#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "golden.hpp"
#include "mm7/body_reader.hpp"
#include "mm7/inbound_events.hpp"

using namespace smsdrv::mm7;
using smsdrv::mm7::test::golden;

namespace {

const inbound_context ctx{
    "channel-mms", "dms", 60,
    std::chrono::system_clock::time_point(std::chrono::milliseconds(1548643196035))};

template <class M>
M read_golden(const std::string& name) {
  auto g = golden(name);
  auto r = read_mm7_body(g.content_type, g.body, mime_limits{});
  return std::get<M>(std::get<read_body>(r).soap.message);
}

std::map<std::string, std::string> attrs_of(const smsdrv::channel::channel_event& e) {
  return {e.attrs.begin(), e.attrs.end()};
}

}  // namespace

TEST_CASE("a DeliverReq is an INBOUND interaction with the SMS attributes and its parts") {
  auto e = deliver_event(read_golden<deliver_req>("deliver_rel6_prefixed.http"), ctx);
  CHECK(e.type == SMSDRV_EVENT_INBOUND);
  auto a = attrs_of(e);
  CHECK(a == std::map<std::string, std::string>{
                 {"MediaType", "mmssession"},
                 {"FromAddr", "+4917612345678"},
                 {"PhoneNumber", "+4917612345678"},
                 {"ToAddr", "12345"},
                 {"Subject", "Holiday & more"},
                 {"_smsSrcNumber", "+4917612345678"},
                 {"_smsDestNumber", "12345"},
                 {"_smsText", "Grüße aus Köln"},
                 {"_umsChannel", "channel-mms"},
                 {"_umsInboundIxnSubmittedBy", "dms"},
                 {"_msg_CreatedAt", "2019-01-28T02:39:56.035Z"},
                 {"_mmsLinkedId", "link-77"},
                 {"_mmsParts",
                  "application/smil pres.smil (81 bytes), image/png pixel.png (70 "
                  "bytes), text/plain; charset=iso-8859-1 note.txt (14 bytes)"}});
  REQUIRE(e.parts.size() == 3);
  CHECK(e.parts[1].content_type == "image/png");
  CHECK(e.parts[1].name == "pixel.png");
  CHECK(e.parts[1].bytes.size() == 70);
  // Without a subject, the start of the text is the Subject (as for SMS).
  auto d = read_golden<deliver_req>("deliver_rel5_default_ns.http");
  CHECK(attrs_of(deliver_event(std::move(d), ctx)).at("Subject") == "Test MO message!");
}

TEST_CASE("delivery reports and read replies are events with the report attributes") {
  auto r =
      delivery_report_event(read_golden<delivery_report_req>("delivery_report_rel6.http"), ctx);
  CHECK(r.type == SMSDRV_EVENT_DELIVERY_REPORT);
  CHECK(attrs_of(r) ==
        std::map<std::string, std::string>{{"_smsMessageId", "369500617770864640"},
                                           {"_smsDeliveryStat", "Retrieved"},
                                           {"_smsDeliveryFinal", "true"},
                                           {"_smsDoneDate", "2015-03-16T14:03:51.749Z"},
                                           {"_mmsStatusText", "Success"},
                                           {"FromAddr", "16175550123"},
                                           {"ToAddr", "111122"},
                                           {"MediaType", "mmssession"},
                                           {"_umsChannel", "channel-mms"},
                                           {"_msg_CreatedAt", "2019-01-28T02:39:56.035Z"}});
  auto rr = read_reply_event(read_golden<read_reply_req>("read_reply_rel5.http"), ctx);
  CHECK(rr.type == SMSDRV_EVENT_READ_REPLY);
  CHECK(attrs_of(rr).at("_mmsReadStatus") == "Read");
  CHECK(attrs_of(rr).at("_smsMessageId") == "msg-1");
  CHECK(final_mm_status("retrieved"));
  CHECK(final_mm_status("Expired"));
  CHECK_FALSE(final_mm_status("Deferred"));
  CHECK_FALSE(final_mm_status("Forwarded"));
}
