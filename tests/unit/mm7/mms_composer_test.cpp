#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mm7/body_reader.hpp"
#include "mm7/mms_composer.hpp"
#include "smsdrv/smsdrv.h"

using namespace smsdrv::mm7;

namespace {

using kv = std::vector<std::pair<std::string_view, std::string_view>>;

mms_settings settings() {
  mms_settings s;
  s.vasp_id = "vasp";
  s.service_code = "gold";
  s.sender = "";
  return s;
}

struct composed {
  mms_compose_result result;
  prepared_mms prepared;
  submit_req req;  // read back
  std::string content_href;
};

composed compose(const kv& data, const std::vector<part_input>& parts = {},
                 mms_settings s = settings(), std::string default_sender = "7777") {
  mms_composer c(std::move(s), "channel-mms", std::move(default_sender));
  composed out;
  out.result = c.compose(data, parts, out.prepared);
  if (!out.result.ok()) return out;
  const auto& h = out.prepared.post.headers;
  auto read = read_mm7_body(h.at(0).value, out.prepared.post.body, mime_limits{});
  REQUIRE(std::holds_alternative<read_body>(read));
  out.content_href = std::get<read_body>(read).soap.content_href;
  out.req = std::get<submit_req>(std::get<read_body>(read).soap.message);
  return out;
}

std::string refusal(const kv& data, const std::vector<part_input>& parts = {},
                    mms_settings s = settings()) {
  auto c = compose(data, parts, std::move(s));
  CHECK(c.result.status == SMSDRV_E_BAD_REQUEST);
  return c.result.error;
}

}  // namespace

TEST_CASE("SendMMS: recipients, sender, subject, options and a made SMIL") {
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(1000, '\x01');
  auto c = compose({{"_smsDestNumber", "4917612345678, 4917600000002"},
                    {"_mmsCc", "cc@example.net"},
                    {"_mmsBcc", "4915000000"},
                    {"Subject", "Grüße"},
                    {"_smsText", "Hallo"},
                    {"_mmsDeliveryReport", "true"},
                    {"_mmsReadReply", "yes"},
                    {"_mmsPriority", "high"},
                    {"_mmsMessageClass", "informational"},
                    {"_mmsExpiry", "P2D"},
                    {"_mmsLinkedId", "mo-17"},
                    {"ignored", "x"}},
                   {{"image/jpeg", "../holiday photo.jpg", jpeg}});
  REQUIRE(c.result.ok());
  CHECK(c.prepared.recipients ==
        std::vector<std::string>{"4917612345678", "4917600000002", "cc@example.net", "4915000000"});
  CHECK(c.prepared.delivery_report);
  CHECK(c.prepared.read_reply);
  CHECK(c.prepared.parts == 3);
  CHECK(c.req.transaction_id == c.prepared.transaction_id);
  CHECK(c.req.to.size() == 2);
  CHECK(c.req.cc == std::vector<address>{address_of("cc@example.net")});
  CHECK(c.req.sender == address_of("7777"));  // the channel's default-reply-address
  CHECK(c.req.subject == "Grüße");
  CHECK(c.req.service_code == "gold");
  CHECK(c.req.linked_id == "mo-17");
  CHECK(c.req.priority == "High");
  CHECK(c.req.message_class == "Informational");
  CHECK(c.req.expiry_date == "P2D");
  CHECK(c.req.delivery_report == true);
  CHECK(c.req.read_reply == true);
  REQUIRE(c.req.parts.size() == 3);
  CHECK(c.req.parts[0].content_type == "application/smil; charset=utf-8");
  CHECK(c.req.parts[0].bytes.find("<img src=\"holiday photo.jpg\"") != std::string::npos);
  CHECK(c.req.parts[0].bytes.find("<text src=\"text.txt\"") != std::string::npos);
  CHECK(c.req.parts[1].content_type == "text/plain; charset=utf-8");
  CHECK(c.req.parts[1].bytes == "Hallo");
  CHECK(c.req.parts[2].content_type == "image/jpeg");
  CHECK(c.req.parts[2].content_location == "holiday photo.jpg");
  CHECK(c.req.parts[2].bytes == jpeg);
}

TEST_CASE("SendMMS: a given SMIL goes first; names are made safe and unique") {
  auto c = compose({{"_smsDestNumber", "1"}, {"_smsSrcNumber", "555"}},
                   {{"image/gif", "a.gif", "GIF89a"},
                    {"application/smil", "pres.smil", "<smil/>"},
                    {"image/gif", "a.gif", "GIF87a"},
                    {"audio/amr", "", "#!AMR\n"}});
  REQUIRE(c.result.ok());
  CHECK(c.req.sender == address_of("555"));
  REQUIRE(c.req.parts.size() == 4);
  CHECK(c.req.parts[0].content_type == "application/smil");
  CHECK(c.req.parts[0].bytes == "<smil/>");
  CHECK(c.req.parts[1].content_location == "a.gif");
  CHECK(c.req.parts[2].content_location == "2-a.gif");
  CHECK(c.req.parts[3].content_location == "part4.amr");
  // Transaction ids differ from request to request.
  mms_composer comp(settings(), "c", "");
  prepared_mms a, b;
  kv data{{"_smsDestNumber", "1"}, {"_smsText", "x"}};
  REQUIRE(comp.compose(data, {}, a).ok());
  REQUIRE(comp.compose(data, {}, b).ok());
  CHECK(a.transaction_id != b.transaction_id);
}

TEST_CASE("SendMMS refusals name the key or the part") {
  CHECK(refusal({{"_smsText", "x"}}) == "SendMMS: _smsDestNumber is required");
  CHECK(refusal({{"_smsDestNumber", " , "}, {"_smsText", "x"}}) ==
        "SendMMS: _smsDestNumber is required");
  CHECK(refusal({{"_smsDestNumber", "1"}}) == "SendMMS: nothing to send: no _smsText and no parts");
  CHECK(refusal({{"_smsDestNumber", "1"}, {"_mmsPriorty", "High"}, {"_smsText", "x"}})
            .rfind("SendMMS: unknown key _mmsPriorty", 0) == 0);
  CHECK(refusal({{"_smsDestNumber", "1"}, {"_mmsPriority", "urgent"}, {"_smsText", "x"}}) ==
        "SendMMS: _mmsPriority 'urgent' must be High, Normal or Low");
  CHECK(refusal({{"_smsDestNumber", "1"}, {"_mmsDeliveryReport", "maybe"}, {"_smsText", "x"}}) ==
        "SendMMS: _mmsDeliveryReport 'maybe' must be true or false");
  CHECK(refusal({{"_smsDestNumber", "1"}, {"Subject", "a\x01"}, {"_smsText", "x"}}) ==
        "SendMMS: Subject contains the control character \\x01");
  CHECK(refusal({{"_smsDestNumber", "1"}, {"_smsText", "\xff"}}) ==
        "SendMMS: _smsText is not valid UTF-8");
  CHECK(refusal({{"_smsDestNumber", "1"}}, {{"jpeg", "a", "x"}}) ==
        "SendMMS: parts[0] has the content type 'jpeg'; it must be type/subtype with optional "
        "parameters");
  CHECK(refusal({{"_smsDestNumber", "1"}},
                {{"application/smil", "a", "x"}, {"application/smil", "b", "y"}}) ==
        "SendMMS: parts[1] is a second SMIL presentation");
  mms_settings small = settings();
  small.max_message_size = 2048;
  CHECK(refusal({{"_smsDestNumber", "1"}}, {{"image/jpeg", "a", std::string(3000, 'x')}}, small) ==
        "SendMMS: the parts have 3000 bytes; the MMS settings allow 2048 (max-message-size)");
  CHECK(refusal({{"_smsDestNumber", "1"}}, {{"image/jpeg", "a", std::string(2000, 'x')}}, small)
            .rfind("SendMMS: the MM7 request is ", 0) == 0);
  small = settings();
  small.max_parts = 2;
  CHECK(refusal({{"_smsDestNumber", "1"}, {"_smsText", "x"}}, {{"image/gif", "a", "x"}}, small) ==
        "SendMMS: 3 parts (with the SMIL); the MMS settings allow 2 (max-parts)");
}

TEST_CASE("SendMMS: each part's bytes are written once into the body") {
  // The body is reserved once: writing the parts never reallocates it (the only copy of a
  // part is the one into the body; base64 is that copy's encoding).
  std::string big(300000, 'z');
  auto c = compose({{"_smsDestNumber", "1"}}, {{"image/jpeg", "big.jpg", big}});
  REQUIRE(c.result.ok());
  CHECK(c.prepared.post.body.capacity() < c.prepared.post.body.size() + 4096);
  CHECK(c.req.parts.at(1).bytes == big);
}
