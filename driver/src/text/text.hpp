// smsdrv::text - alphabets, long messages and inbound reassembly for the SMPP channel.
// Pure: no I/O, clocks or threads; outputs go into caller-owned, reusable buffers.
//
// Outbound (one SendSMS text -> submit_sm PDUs):
//   text::encoded_text enc;    // keep both per channel: buffers are reused
//   text::segmented_text seg;
//   if (auto st = text::encode(utf8, {requested, schema, language}, enc); !st.ok()) fail(st);
//   if (auto st = text::split(enc, {method, reference, max_segments}, seg); !st.ok()) fail(st);
//   for (i < seg.size()): short_message = seg.short_message(i); esm_class |= seg.udhi ? 0x40 : 0;
//     data_coding = seg.result.data_coding; if seg.method == sar: sar_* TLVs.
//
// Inbound (deliver_sm -> _smsText):
//   text::decode(short_message, data_coding, esm_class & 0x40, {inbound_default}, msg);
//   if msg.udh.concat (or SAR TLVs) names a part: reassembler.add(make_part(...), now, done).
//
// See docs/text.md for the rules (limits, fallback, data_coding table, reassembly).
#pragma once

#include "text/data_coding.hpp"
#include "text/decode.hpp"
#include "text/encode.hpp"
#include "text/gsm7.hpp"
#include "text/gsm7_tables.hpp"
#include "text/options.hpp"
#include "text/reassembler.hpp"
#include "text/segment.hpp"
#include "text/status.hpp"
#include "text/udh.hpp"
#include "text/utf8.hpp"
