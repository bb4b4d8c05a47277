// MM7 request status codes (3GPP TS 23.140 §8.7.4, table 8-x "Request Status Codes"): one table
// yields the constants, their spec texts and their classes, so a status is always reported with
// the words an operator can look up in the spec.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smsdrv::mm7 {

// X(name, code, text) - texts as the spec writes them.
#define SMSDRV_MM7_STATUS_MAP(X)                                                        \
  X(success, 1000, "Success")                                                           \
  X(partial_success, 1100, "Partial success")                                           \
  X(client_error, 2000, "Client error")                                                 \
  X(operation_restricted, 2001, "Operation restricted")                                 \
  X(address_error, 2002, "Address Error")                                               \
  X(address_not_found, 2003, "Address Not Found")                                       \
  X(multimedia_content_refused, 2004, "Multimedia content refused")                     \
  X(message_id_not_found, 2005, "Message ID Not found")                                 \
  X(linked_id_not_found, 2006, "LinkedID not found")                                    \
  X(message_format_corrupt, 2007, "Message format corrupt")                             \
  X(application_id_not_found, 2008, "Application ID not found")                         \
  X(reply_application_id_not_found, 2009, "Reply Application ID not found")             \
  X(server_error, 3000, "Server Error")                                                 \
  X(not_possible, 3001, "Not Possible")                                                 \
  X(message_rejected, 3002, "Message rejected")                                         \
  X(multiple_addresses_not_supported, 3003, "Multiple addresses not supported")         \
  X(application_addressing_not_supported, 3004, "Application Addressing not supported") \
  X(general_service_error, 4000, "General service error")                               \
  X(improper_identification, 4001, "Improper identification")                           \
  X(unsupported_version, 4002, "Unsupported version")                                   \
  X(unsupported_operation, 4003, "Unsupported operation")                               \
  X(validation_error, 4004, "Validation error")                                         \
  X(service_error, 4005, "Service error")                                               \
  X(service_unavailable, 4006, "Service unavailable")                                   \
  X(service_denied, 4007, "Service denied")                                             \
  X(application_denied, 4008, "Application denied")

namespace status {
#define SMSDRV_MM7_STATUS_CONST_(name, code, text) inline constexpr int name = code;
SMSDRV_MM7_STATUS_MAP(SMSDRV_MM7_STATUS_CONST_)
#undef SMSDRV_MM7_STATUS_CONST_
}  // namespace status

// The class of a status: its thousands digit (§8.7.4: 1 success, 2 client, 3 server, 4 service).
enum class status_class : std::uint8_t { success, partial, client, server, service, unknown };
status_class classify(int code) noexcept;

// The spec's text of a code in the table, "" for any other.
std::string_view status_text(int code) noexcept;

// Always printable: "2002 Address Error" or, for a code outside the table, "2099 (client error)".
std::string status_display(int code);

}  // namespace smsdrv::mm7
