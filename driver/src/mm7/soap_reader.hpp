// Reading MM7 SOAP envelopes (3GPP TS 23.140 §8.4), with pugixml, as tolerantly as the open
// implementations read real MMSCs: elements are matched by local name whatever their prefix or
// namespace (or none), blanks around values are dropped, an address may be an element
// (Number, ShortCode, RFC2822Address) or bare text. A document type declaration is refused
// (SOAP 1.1 §3: a SOAP message must not contain one), so no entity is ever declared or expanded,
// and nothing outside the document is ever read.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "mm7/message.hpp"

namespace smsdrv::mm7 {

struct soap_document {
  std::variant<submit_req, deliver_req, delivery_report_req, read_reply_req, response> message;
  std::string content_href;  // href of <Content>, as written
  bool has_content = false;  // a <Content> element was there
};

// Why a document is not an MM7 message, and the status to answer it with: 2007 Message format
// corrupt (not XML, no Envelope or Body, a DOCTYPE), 4003 Unsupported operation (an MM7 element
// this driver does not take).
struct soap_problem {
  int status = 0;
  std::string text;
};

std::variant<soap_document, soap_problem> read_soap(std::string_view xml);

}  // namespace smsdrv::mm7
