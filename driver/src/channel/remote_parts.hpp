// The parts of long inbound messages kept in a store that every host of an SMSC account shares
// (Redis: io/redis_parts_store, docs/scaling.md), so that a message whose parts the SMSC
// delivers to different hosts is joined, and delivered, once. Sans I/O: the interface and the
// encoding of a part; the channel's inbound_gate drives it.
//
// Contract of every call that takes a handler: the handler runs exactly once, later (never
// inside the call), on the channel's thread, with the time it runs at; the store then lets the
// channel write what the handler produced.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text/options.hpp"
#include "text/reassembler.hpp"
#include "text/udh.hpp"

namespace smsdrv::channel {

// Names one long message: what the local reassembler matches parts on (text::message_ref).
struct remote_message_key {
  std::string source_addr;
  std::string destination_addr;
  text::concat_method method = text::concat_method::none;
  std::uint16_t reference = 0;
  std::uint8_t total = 0;
  friend bool operator==(const remote_message_key&, const remote_message_key&) = default;
};

// The key's text for the store: the addresses hashed (no telephone number in a key name), the
// concatenation values in clear. Distinct messages collide with odds of 2^-64.
std::string remote_key_suffix(const remote_message_key& key);

// One part as the store keeps it: data_coding, the two national language shifts, the user data
// after the UDH.
struct stored_part {
  std::uint8_t data_coding = 0;
  text::national_language locking_shift = text::national_language::none;
  text::national_language single_shift = text::national_language::none;
  std::string user_data;
};
std::string encode_part(const text::inbound_part& part);
// False when `bytes` is not what encode_part() writes (3 octets of header, then the user data).
bool decode_part(std::string_view bytes, stored_part& out);

enum class remote_outcome : std::uint8_t {
  held,       // stored; the message is not complete yet
  completed,  // this call completed the message: `parts` holds every part; only this caller
              // delivers it, and confirms or reopens it once the host decided
  duplicate,  // the message was delivered and taken already (or, for take(): nothing to take)
  awaiting,   // the message was completed and its host has not decided yet
  failed,     // the store could not be asked (`error` says why): nothing was stored
};
std::string_view remote_outcome_name(remote_outcome o) noexcept;

struct remote_reply {
  remote_outcome outcome = remote_outcome::failed;
  std::vector<std::string> parts;  // completed / taken: part i+1 as encoded, "" when missing
  std::string error;
};

class remote_parts {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using wall_time = std::chrono::system_clock::time_point;
  using handler = std::function<void(remote_reply& reply, time_point now, wall_time wall)>;

  virtual ~remote_parts() = default;
  // Stores part `seqnum` (encode_part) of `key`: held, completed, duplicate, awaiting or failed.
  virtual void store(const remote_message_key& key, std::uint8_t seqnum, std::string part,
                     handler done) = 0;
  // The message's deadline passed: takes the parts held (completed, missing ones ""), unless
  // it completed elsewhere or is gone (duplicate), or the store failed.
  virtual void take(const remote_message_key& key, handler done) = 0;
  // The host took the completed message: a part delivered again is a duplicate from now on.
  virtual void confirm(const remote_message_key& key) = 0;
  // The host refused it: open again without part `seqnum` (its PDU is refused, so the SMSC
  // delivers it again and completes the message again).
  virtual void reopen(const remote_message_key& key, std::uint8_t seqnum) = 0;
};

}  // namespace smsdrv::channel
