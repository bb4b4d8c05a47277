#include "smpp/command_status.hpp"

#include <catch2/catch.hpp>

using namespace smsdrv::smpp;

TEST_CASE("command_status names follow the SMPP v3.4 spelling") {
  CHECK(status_name(command_status::esme_rok) == "ESME_ROK");
  CHECK(status_name(0x58) == "ESME_RTHROTTLED");
  CHECK(status_name(0x0B) == "ESME_RINVDSTADR");
  CHECK(status_description(0x14) == "Message Queue Full");
  CHECK(status_name(0x09).empty());  // 0x09 is reserved in v3.4
}

TEST_CASE("status_display is printable for every value") {
  CHECK(status_display(0x0B) == "ESME_RINVDSTADR (0x0000000B: Invalid Dest Addr)");
  CHECK(status_display(0x401) == "0x00000401 (SMSC vendor-specific error)");
  CHECK(status_display(0x99) == "0x00000099 (reserved)");
}
