// What MM7 requests and responses carry (3GPP TS 23.140 §8.7): the subset this driver sends and
// reads, as plain values. The SOAP codec (soap_writer, soap_reader) and the MIME codec
// (mime_writer, mime_reader) convert between these and bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsdrv::mm7 {

// An MM7 address (§8.7.2 Recipients / Sender): a phone number, a short code or an e-mail address.
struct address {
  enum class kind : std::uint8_t { number, short_code, rfc2822 };
  kind type = kind::number;
  std::string value;
  bool display_only = false;  // displayOnly="true": shown, not delivered to

  bool operator==(const address&) const = default;
};

// "Number" for a value without '@', "RFC2822Address" with one.
address address_of(std::string value);

// A name from a peer made safe to use as the last component of a file path: what follows the
// last '/' or '\\', control characters and <>:"|?* replaced by '_', invalid UTF-8 replaced,
// leading dots and blanks dropped, at most 255 bytes; "" when nothing usable is left ("..").
std::string safe_part_name(std::string_view raw);

// A file extension for a media type ("image/jpeg" -> "jpg"), "bin" when unknown.
std::string_view extension_for(std::string_view media_type);

// One part of a multimedia message.
struct part {
  std::string content_type;  // "image/jpeg", possibly with parameters ("text/plain; charset=utf-8")
  std::string name;          // a file name without directories (safe_part_name), may be empty
  std::string content_id;    // without <>, may be empty
  std::string content_location;
  std::string bytes;  // decoded content

  bool operator==(const part&) const = default;
};

// MM7_submit.REQ (§8.7.1): what the VASP (this driver) asks the MMSC to send.
struct submit_req {
  std::string transaction_id;
  std::string mm7_version;  // as read (the writer takes it from soap_context)
  std::string vasp_id;      // as read (the writer takes it from soap_context)
  std::string vas_id;
  std::vector<address> to;
  std::vector<address> cc;
  std::vector<address> bcc;
  std::optional<address> sender;  // SenderAddress
  std::string subject;
  std::string service_code;
  std::string linked_id;
  std::string message_class;  // Personal, Informational, Advertisement, Auto (empty: left out)
  std::string priority;       // High, Normal, Low (empty: left out)
  std::string expiry_date;    // xs:dateTime or xs:duration as given (empty: left out)
  std::optional<bool> delivery_report;
  std::optional<bool> read_reply;
  std::vector<part> parts;  // the content; a SMIL part (application/smil) first when given
};

// Status of a response (§8.7.4): StatusCode, StatusText, Details.
struct status_info {
  int code = 0;
  std::string text;
  std::string details;
};

// Any MM7 response: SubmitRsp, DeliverRsp, DeliveryReportRsp, ReadReplyRsp, or an RSErrorRsp /
// VASPErrorRsp, usually inside a SOAP Fault.
struct response {
  std::string operation;  // "SubmitRsp", ..., "RSErrorRsp"; "Fault" for a Fault without one
  std::string transaction_id;
  std::string mm7_version;
  status_info status;
  std::string message_id;    // SubmitRsp MessageID (with 1000 and 1100)
  bool fault = false;        // the answer was a SOAP Fault (SOAP 1.1 §4.4)
  std::string fault_code;    // its faultcode
  std::string fault_string;  // its faultstring
};

// MM7_deliver.REQ (§8.7.6): a message from a mobile user to the VASP.
struct deliver_req {
  std::string transaction_id;
  std::string mm7_version;
  std::string relay_server_id;  // MMSRelayServerID
  std::string linked_id;
  std::optional<address> sender;
  std::vector<address> to;
  std::vector<address> cc;
  std::vector<address> bcc;
  std::string subject;
  std::string priority;
  std::string time_stamp;
  std::string reply_charging_id;
  std::vector<part> parts;  // leaves of the content, nested multiparts flattened, in order
  std::string text;         // the text/plain parts in UTF-8, joined by a newline
};

// MM7_delivery_report.REQ (§8.7.9).
struct delivery_report_req {
  std::string transaction_id;
  std::string mm7_version;
  std::string relay_server_id;
  std::string message_id;
  std::optional<address> recipient;
  std::optional<address> sender;
  std::string date;
  std::string mm_status;  // Retrieved, Expired, Rejected, Deferred, Indeterminate, Forwarded, ...
  std::string status_text;
};

// MM7_read_reply.REQ (§8.7.10).
struct read_reply_req {
  std::string transaction_id;
  std::string mm7_version;
  std::string relay_server_id;
  std::string message_id;
  std::optional<address> recipient;
  std::optional<address> sender;
  std::string time_stamp;
  std::string mm_status;  // Read, Deleted, Indeterminate
  std::string status_text;
};

}  // namespace smsdrv::mm7
