#include "bench_pdus.hpp"

#include "smpp/codec.hpp"
#include "smpp/tlv.hpp"

namespace smsdrv::bench {

smpp::submit_sm typical_submit_sm() {
  smpp::submit_sm m;
  m.source_addr_ton = 1;
  m.source_addr_npi = 1;
  m.source_addr = "4915100000000";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 1;
  m.destination_addr = "4917612345678";
  m.registered_delivery = smpp::registered_delivery_bits::receipt_on_final;
  m.short_message = typical_text;
  return m;
}

smpp::deliver_sm typical_deliver_sm() {
  static const char message_id[] = "0000002a";  // C-Octet String: with its NUL
  static const char delivered = 2;              // message_state DELIVERED
  smpp::deliver_sm m;
  m.source_addr_ton = 1;
  m.source_addr_npi = 1;
  m.source_addr = "4917612345678";
  m.dest_addr_ton = 1;
  m.dest_addr_npi = 1;
  m.destination_addr = "4915100000000";
  m.esm_class = smpp::esm_class_bits::smsc_delivery_receipt;
  m.short_message = receipt_text;
  m.tlvs.push_back({smpp::tlv_tag::receipted_message_id, std::string_view(message_id, 9)});
  m.tlvs.push_back({smpp::tlv_tag::message_state, std::string_view(&delivered, 1)});
  return m;
}

const std::string& typical_submit_sm_frame() {
  static const std::string frame = [] {
    std::string f;
    smpp::encode(typical_submit_sm(), 7, f);
    return f;
  }();
  return frame;
}

const std::string& typical_deliver_sm_frame() {
  static const std::string frame = [] {
    std::string f;
    smpp::encode(typical_deliver_sm(), 7, f);
    return f;
  }();
  return frame;
}

}  // namespace smsdrv::bench
