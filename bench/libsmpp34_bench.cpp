// libsmpp34 (c-open-smpp3.4, Debian libsmpp34-dev) on the same PDUs as codec_bench.cpp, for the
// side-by-side figure of docs/benchmarks.md. Its decode copies every field into fixed arrays of
// a struct and allocates each TLV; its encode reads such a struct.
#include <benchmark/benchmark.h>

#include <cstring>

#include "bench_pdus.hpp"

extern "C" {
// In this order: each header needs the one before.
#include <smpp34.h>

#include <smpp34_structs.h>

#include <smpp34_params.h>
}

namespace {

using namespace smsdrv;

void copy_c_string(std::uint8_t* dst, std::string_view s) {
  std::memcpy(dst, s.data(), s.size());
  dst[s.size()] = 0;
}

submit_sm_t typical_submit_sm_t() {
  const smpp::submit_sm m = bench::typical_submit_sm();
  submit_sm_t s{};
  s.command_id = SUBMIT_SM;
  s.sequence_number = 7;
  s.source_addr_ton = m.source_addr_ton;
  s.source_addr_npi = m.source_addr_npi;
  copy_c_string(s.source_addr, m.source_addr);
  s.dest_addr_ton = m.dest_addr_ton;
  s.dest_addr_npi = m.dest_addr_npi;
  copy_c_string(s.destination_addr, m.destination_addr);
  s.registered_delivery = m.registered_delivery;
  s.sm_length = static_cast<std::uint8_t>(m.short_message.size());
  std::memcpy(s.short_message, m.short_message.data(), m.short_message.size());
  return s;
}

void bm_libsmpp34_encode_submit_sm(benchmark::State& state) {
  submit_sm_t s = typical_submit_sm_t();
  std::uint8_t buf[512];
  int len = 0;
  for (auto _ : state) {
    if (smpp34_pack(SUBMIT_SM, buf, sizeof buf, &len, &s) != 0)
      state.SkipWithError(smpp34_strerror);
    benchmark::DoNotOptimize(buf);
  }
  if (std::string_view(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len)) !=
      bench::typical_submit_sm_frame())
    state.SkipWithError("libsmpp34 encodes other bytes than the driver's codec");
}
BENCHMARK(bm_libsmpp34_encode_submit_sm);

void bm_libsmpp34_decode_submit_sm(benchmark::State& state) {
  const std::string& frame = bench::typical_submit_sm_frame();
  submit_sm_t s{};
  for (auto _ : state) {
    if (smpp34_unpack(SUBMIT_SM, &s, reinterpret_cast<const std::uint8_t*>(frame.data()),
                      static_cast<int>(frame.size())) != 0)
      state.SkipWithError(smpp34_strerror);
    destroy_tlv(s.tlv);
    s.tlv = nullptr;
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(bm_libsmpp34_decode_submit_sm);

void bm_libsmpp34_encode_deliver_sm(benchmark::State& state) {
  const smpp::deliver_sm m = bench::typical_deliver_sm();
  deliver_sm_t d{};
  d.command_id = DELIVER_SM;
  d.sequence_number = 7;
  d.source_addr_ton = m.source_addr_ton;
  d.source_addr_npi = m.source_addr_npi;
  copy_c_string(d.source_addr, m.source_addr);
  d.dest_addr_ton = m.dest_addr_ton;
  d.dest_addr_npi = m.dest_addr_npi;
  copy_c_string(d.destination_addr, m.destination_addr);
  d.esm_class = m.esm_class;
  d.sm_length = static_cast<std::uint8_t>(m.short_message.size());
  std::memcpy(d.short_message, m.short_message.data(), m.short_message.size());
  tlv_t id{}, st{};
  id.tag = TLVID_receipted_message_id;
  id.length = 9;
  std::memcpy(id.value.octet, "0000002a", 9);
  st.tag = TLVID_message_state;
  st.length = 1;
  st.value.val08 = 2;
  // build_tlv() puts each TLV at the front of the list: the last one first.
  build_tlv(&d.tlv, &st);
  build_tlv(&d.tlv, &id);
  std::uint8_t buf[512];
  int len = 0;
  for (auto _ : state) {
    if (smpp34_pack(DELIVER_SM, buf, sizeof buf, &len, &d) != 0)
      state.SkipWithError(smpp34_strerror);
    benchmark::DoNotOptimize(buf);
  }
  destroy_tlv(d.tlv);
  if (std::string_view(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len)) !=
      bench::typical_deliver_sm_frame())
    state.SkipWithError("libsmpp34 encodes other bytes than the driver's codec");
}
BENCHMARK(bm_libsmpp34_encode_deliver_sm);

void bm_libsmpp34_decode_deliver_sm(benchmark::State& state) {
  const std::string& frame = bench::typical_deliver_sm_frame();
  deliver_sm_t d{};
  for (auto _ : state) {
    if (smpp34_unpack(DELIVER_SM, &d, reinterpret_cast<const std::uint8_t*>(frame.data()),
                      static_cast<int>(frame.size())) != 0)
      state.SkipWithError(smpp34_strerror);
    destroy_tlv(d.tlv);
    d.tlv = nullptr;
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(bm_libsmpp34_decode_deliver_sm);

}  // namespace
