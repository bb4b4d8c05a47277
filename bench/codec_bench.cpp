// The codec on the driver's hot path: encode / decode of a typical submit_sm (the driver encodes
// one per segment on the host's thread, the SMSC decodes it), of a delivery receipt deliver_sm
// (decoded on the I/O thread), of submit_sm_resp; TLV spec strings; delivery receipt parsing.
// Buffers are reused across iterations, as the driver reuses them.
#include <benchmark/benchmark.h>

#include "bench_pdus.hpp"
#include "smpp/codec.hpp"
#include "smpp/delivery_receipt.hpp"
#include "smpp/tlv_spec.hpp"

namespace {

using namespace smsdrv;

void bm_encode_submit_sm(benchmark::State& state) {
  const smpp::submit_sm m = bench::typical_submit_sm();
  std::string out;
  out.reserve(256);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(smpp::encode(m, 7, out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(bm_encode_submit_sm);

void bm_decode_submit_sm(benchmark::State& state) {
  const std::string& frame = bench::typical_submit_sm_frame();
  smpp::pdu p;
  for (auto _ : state) {
    benchmark::DoNotOptimize(smpp::decode(frame, p));
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.size()));
}
BENCHMARK(bm_decode_submit_sm);

void bm_encode_deliver_sm(benchmark::State& state) {
  const smpp::deliver_sm m = bench::typical_deliver_sm();
  std::string out;
  out.reserve(256);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(smpp::encode(m, 7, out));
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(bm_encode_deliver_sm);

void bm_decode_deliver_sm(benchmark::State& state) {
  const std::string& frame = bench::typical_deliver_sm_frame();
  smpp::pdu p;
  for (auto _ : state) {
    benchmark::DoNotOptimize(smpp::decode(frame, p));
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(bm_decode_deliver_sm);

void bm_decode_submit_sm_resp(benchmark::State& state) {
  smpp::submit_sm_resp r;
  r.message_id = "0000002a";
  std::string frame;
  smpp::encode(r, 7, frame);
  smpp::pdu p;
  for (auto _ : state) {
    benchmark::DoNotOptimize(smpp::decode(frame, p));
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(bm_decode_submit_sm_resp);

void bm_parse_tlv_spec(benchmark::State& state) {
  constexpr std::string_view spec =
      "{ tlvItems: [ {tag:4401, typ:octets, val:2a03b44c6d0f}, {tag:4402, typ:int, val:52173} ] }";
  for (auto _ : state)
    benchmark::DoNotOptimize(smpp::parse_tlv_spec(spec));
}
BENCHMARK(bm_parse_tlv_spec);

void bm_parse_receipt_text(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(smpp::parse_receipt_text(bench::receipt_text));
}
BENCHMARK(bm_parse_receipt_text);

// What the channel does with a receipt deliver_sm: TLVs and text combined.
void bm_read_delivery_receipt(benchmark::State& state) {
  const smpp::deliver_sm m = bench::typical_deliver_sm();
  for (auto _ : state)
    benchmark::DoNotOptimize(smpp::read_delivery_receipt(m));
}
BENCHMARK(bm_read_delivery_receipt);

}  // namespace
