// SendMMS -> the HTTP POST of an MM7 SubmitReq, on the caller's thread (smsdrv send()), so that
// a bad request is refused synchronously naming the key or part at fault, and each part's bytes
// are copied once: from the host's buffer straight into the body that goes to the socket.
//
// User data (docs/mms.md, docs/esp.md):
//   _smsDestNumber    required: one or more recipients separated by commas (To)
//   _mmsCc, _mmsBcc   more recipients, comma-separated
//   _smsSrcNumber     SenderAddress; else the settings file's sender, else the channel's
//                     default-reply-address, else none (the MMSC decides)
//   Subject           the subject
//   _smsText          a text part (text/plain; charset=utf-8), before the given parts
//   _mmsDeliveryReport, _mmsReadReply   true/false: ask for reports (else the settings file's)
//   _mmsPriority      High, Normal or Low
//   _mmsMessageClass  Personal, Informational, Advertisement or Auto
//   _mmsExpiry        ExpiryDate: an xs:duration (P1D) or xs:dateTime
//   _mmsServiceCode, _mmsLinkedId   ServiceCode (else the settings file's), LinkedID
// Parts: the request's parts (ABI 1.2). An application/smil part is the presentation (sent
// first); without one the driver makes one (mm7/smil.hpp). A part's name becomes its
// Content-Location (made safe and unique); its Content-ID is derived from it.
// Other _mms* keys are refused (a misspelt key must not be lost); other keys are ignored.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mm7/settings.hpp"
#include "mm7/submit_exchange.hpp"

namespace smsdrv::mm7 {

// A part as the host gives it (views valid during compose()).
struct part_input {
  std::string_view content_type;
  std::string_view name;
  std::string_view bytes;
};

using user_data = std::span<const std::pair<std::string_view, std::string_view>>;

// A SendMMS ready for the MMSC.
struct prepared_mms {
  std::uint64_t request_id = 0;  // set by the caller
  std::string transaction_id;
  http_post post;
  std::vector<std::string> recipients;  // To, Cc and Bcc values, for the response and reports
  bool delivery_report = false;
  bool read_reply = false;
  std::size_t parts = 0;  // as sent, the SMIL included
};

struct mms_compose_result {
  std::int32_t status = 0;  // SMSDRV_OK or the SMSDRV_E_* to return from send()
  std::string error;        // names the key or the part and the problem
  bool ok() const noexcept { return status == 0; }
};

class mms_composer {
 public:
  // default_sender: the channel's default-reply-address (after the settings file's sender).
  mms_composer(mms_settings settings, std::string channel, std::string default_sender);

  mms_compose_result compose(user_data data, std::span<const part_input> parts,
                             prepared_mms& out) const;

  const mms_settings& settings() const noexcept { return settings_; }

 private:
  mms_settings settings_;
  std::string channel_;
  std::string default_sender_;
  std::string id_prefix_;  // of TransactionIDs: unique per channel and process start
  mutable std::atomic<std::uint64_t> next_transaction_{1};
};

}  // namespace smsdrv::mm7
