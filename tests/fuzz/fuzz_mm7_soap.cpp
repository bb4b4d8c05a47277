// MM7 SOAP envelopes (mm7/soap_reader) on arbitrary bytes; what is read must write back.
#include <cstdint>
#include <string_view>
#include <variant>

#include "mm7/soap_reader.hpp"
#include "mm7/soap_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smsdrv::mm7;
  auto r = read_soap(std::string_view(reinterpret_cast<const char*>(data), size));
  if (auto* doc = std::get_if<soap_document>(&r)) {
    soap_context ctx{"urn:x", "6.8.0", "", ""};
    if (auto* m = std::get_if<submit_req>(&doc->message))
      static_cast<void>(write_submit_req(*m, ctx, doc->content_href));
    if (auto* m = std::get_if<deliver_req>(&doc->message))
      static_cast<void>(write_deliver_req(*m, ctx, doc->content_href));
  }
  return 0;
}
