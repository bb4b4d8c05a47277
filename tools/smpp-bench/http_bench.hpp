// The HTTP gateway channel under load, beside Kannel's own HTTP client, in one run against one
// loopback HTTP sink (tools/http-sink, keep-alive, answers at once):
//
//  1. the driver: libsmsmms.so through the C ABI with an HTTP channel to the sink (GET, keep-alive,
//     x-http-max-concurrent-requests = concurrency), SendSMS pushed with a bounded backlog,
//     RESPONSE events polled; requests/s from the first send() to the last response, this
//     process's CPU (host thread + the driver's I/O thread) and the sink's CPU over that time;
//  2. Kannel: bearerbox with an `smsc = http`, `system-type = generic` connection to the same
//     sink, fed by smsbox's sendsms from http-sink's load generator (keep-alive, `concurrency`
//     connections); requests/s at the sink from the first sendsms to the last request the sink
//     saw, and the CPU of bearerbox (its HTTP client and router) and of smsbox (the intake);
//  3. the floor: http-sink's own load client (one thread, one write and one read per request,
//     nothing parsed) straight to the sink: the least any client can cost per request on it,
//     beside the sink's own cost per request in that run.
#pragma once

#include <cstdint>
#include <string>

namespace smsdrv::bench {

struct http_bench_options {
  std::string module;
  std::string sink;  // http-sink
  std::uint64_t count = 50'000;
  std::uint64_t kannel_count = 20'000;  // 0: no Kannel run
  std::uint64_t floor_count = 50'000;   // 0: no floor run
  std::uint32_t concurrency = 32;
  std::size_t text_length = 20;
  bool progress = true;
};

// Returns the result line (JSON).
std::string run_http(const http_bench_options& o);

}  // namespace smsdrv::bench
