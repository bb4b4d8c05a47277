#!/usr/bin/env python3
"""Prints the tables of docs/benchmarks.md (markdown) from the JSON results of scripts/bench.sh.

usage: scripts/bench-table.py [RESULTS_DIR (docs/benchmarks)]

Every figure is a median over the runs found; ratios are medians of same-run ratios (as
`smpp-bench compare` computes them). The targets are compared here, in the report,
never in a test.
"""
import json
import os
import statistics
import sys


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def fmt_rate(v):
    return f"{v:,.0f}"


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "docs", "benchmarks")
    targets = []  # (target, measured, met)

    summaries = {r["window"]: r for r in lines(os.path.join(d, "compare.jsonl"))
                 if r.get("event") == "smpp-bench-summary"}
    if summaries:
        print("### Throughput: driver vs ceiling vs npm client (msgs/s, medians)\n")
        print("| window | ceiling | npm smpp | driver | driver/ceiling | driver/npm "
              "| driver p50 / p99 / p999 µs | smsc-sim CPU max |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for w in sorted(summaries):
            s = summaries[w]
            npm = s.get("npm", {}).get("median", 0)
            vs_npm = s.get("driver_vs_npm", {}).get("median")
            print(f"| {w} | {fmt_rate(s['ceiling']['median'])} | {fmt_rate(npm) if npm else '-'} "
                  f"| {fmt_rate(s['driver']['median'])} "
                  f"| {100 * s['driver_vs_ceiling']['median']:.1f}% "
                  f"| {f'{vs_npm:.1f}×' if vs_npm else '-'} "
                  f"| {s['driver_latency_us_p50']['median']:.0f} / "
                  f"{s['driver_latency_us_p99']['median']:.0f} / "
                  f"{s['driver_latency_us_p999']['median']:.0f} "
                  f"| {s['sim_cpu_percent_max']:.0f}% |")
        print()
        if 100 in summaries:
            r = summaries[100]["driver_vs_ceiling"]["median"]
            targets.append(("driver at window 100 ≥ 40% of ceiling", f"{100 * r:.1f}%", r >= 0.40))
            n = summaries[100].get("driver_vs_npm", {}).get("median")
            if n:
                targets.append(("driver at window 100 ≥ 5× npm client", f"{n:.1f}×", n >= 5))
        if 1 in summaries:
            r = summaries[1]["driver_vs_ceiling"]["median"]
            targets.append(("driver at window 1 ≥ 60% of ceiling", f"{100 * r:.1f}%", r >= 0.60))

    micro_path = os.path.join(d, "micro.json")
    if os.path.exists(micro_path):
        with open(micro_path) as f:
            micro = json.load(f)
        med = {b["run_name"]: b["cpu_time"] for b in micro["benchmarks"]
               if b.get("aggregate_name") == "median"}
        print("### Micro-benchmarks (CPU ns per operation, median of repetitions)\n")
        print("| benchmark | ns | libsmpp34 ns | ratio |")
        print("|---|---:|---:|---:|")
        for name, ns in med.items():
            if name.startswith("bm_libsmpp34_"):
                continue
            other = med.get(name.replace("bm_", "bm_libsmpp34_", 1))
            ratio = f"{other / ns:.0f}×" if other else ""
            print(f"| {name[3:]} | {ns:,.1f} | {f'{other:,.0f}' if other else ''} | {ratio} |")
        print()
        for op in ("encode", "decode"):
            ns = med.get(f"bm_{op}_submit_sm")
            lib = med.get(f"bm_libsmpp34_{op}_submit_sm")
            if ns:
                targets.append((f"{op} of a typical submit_sm ≤ 60 ns", f"{ns:.1f} ns", ns <= 60))
            if ns and lib:
                targets.append((f"{op} of a typical submit_sm ≥ 3× libsmpp34",
                                f"{lib / ns:.0f}×", lib / ns >= 3))

    rates = {}
    for r in lines(os.path.join(d, "rate.jsonl")):
        rates.setdefault((r["max_rate"], r["window"], r.get("cpu_hogs", 0)), []).append(r)
    if rates:
        print("### Rate limiter (x-smpp-submit-max-rate, 10 s measured after 1 s warm-up)\n")
        print("| max rate | window | beside it | measured (median) | error median | error worst "
              "| at smsc-sim |")
        print("|---:|---:|---|---:|---:|---:|---:|")
        for rate, window, hogs in sorted(rates):
            rs = rates[(rate, window, hogs)]
            errs = [r["rate_error_percent"] for r in rs]
            worst = max(errs, key=abs)
            beside = (f"{hogs} busy-loop processes (hogs got "
                      f"{statistics.median(r['hog_cpu_percent'] for r in rs):.0f}% CPU)"
                      if hogs else "nothing")
            print(f"| {fmt_rate(rate)} | {window} | {beside} "
                  f"| {statistics.median(r['measured_rate'] for r in rs):,.1f} "
                  f"| {statistics.median(errs):+.3f}% | {worst:+.3f}% "
                  f"| {statistics.median(r['sim_rate'] for r in rs):,.1f} |")
            load = f" with {hogs} CPU hogs" if hogs else ""
            targets.append((f"rate limiter at {rate:,}/s{load} within 1% over 10 s",
                            f"worst {worst:+.2f}% of {len(rs)} runs", abs(worst) <= 1))
        print()

    throttled = {}
    for r in lines(os.path.join(d, "throttle.jsonl")):
        throttled.setdefault((r["smsc_faults"], r.get("channel_options", "")), []).append(r)
    if throttled:
        print("### Against a throttling SMSC (window 20, driver at 1,000/s, 10 s after 1 s "
              "warm-up)\n")
        print("| SMSC (smsc-sim fault) | error policy | accepted/s (median) | the SMSC accepts "
              "| share (median) | share worst | pauses/s | longest pause |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for (faults, options), rs in sorted(throttled.items()):
            policy = options.split("=", 1)[1].strip() if options else "default"
            shares = [r["accepted_ratio"] for r in rs]
            pauses = statistics.median(r["pauses"] / r["seconds"] for r in rs)
            print(f"| `{faults}` | {policy} "
                  f"| {statistics.median(r['sim_accepted_rate'] for r in rs):,.1f} "
                  f"| {fmt_rate(rs[0]['smsc_accepts_per_s'])} "
                  f"| {100 * statistics.median(shares):.1f}% | {100 * min(shares):.1f}% "
                  f"| {pauses:.1f} | {max(r['longest_pause_s'] for r in rs):.2f} s |")
        print()

    http = lines(os.path.join(d, "http.jsonl"))
    if http:
        med = lambda key: statistics.median(r[key] for r in http)
        conc = http[0]["concurrency"]
        print(f"### HTTP gateways: the driver vs Kannel's HTTP client ({conc} concurrent, "
              f"keep-alive loopback sink, medians of {len(http)} runs)\n")
        print("| measure | driver (C ABI, HTTP channel) | Kannel (smsbox sendsms → bearerbox "
              "`smsc = http`) |")
        print("|---|---:|---:|")
        print(f"| requests/s at the sink | {fmt_rate(med('requests_per_s'))} "
              f"| {fmt_rate(med('kannel_requests_per_s'))} |")
        print(f"| CPU µs per request, whole side | {med('cpu_us_per_request'):.1f} "
              f"| {med('kannel_bearerbox_cpu_us_per_request') + med('kannel_smsbox_cpu_us_per_request'):.1f}"
              f" (bearerbox {med('kannel_bearerbox_cpu_us_per_request'):.1f}, "
              f"smsbox {med('kannel_smsbox_cpu_us_per_request'):.1f}) |")
        print(f"| CPU µs per request, busiest thread of the driver | "
              f"{med('busiest_thread_cpu_us_per_request'):.1f} | - |")
        print(f"| the sink's CPU µs per request (one thread) | {med('sink_cpu_us_per_request'):.1f} "
              f"| - |")
        print(f"| the sink's CPU, % of one core | {med('sink_cpu_percent'):.1f}% "
              f"| {med('kannel_sink_cpu_percent'):.1f}% |")
        ratios = [r["ratio_to_kannel"] for r in http]
        print(f"| driver / Kannel, same run (median, worst, best) | "
              f"{statistics.median(ratios):.2f}× ({min(ratios):.2f}×, {max(ratios):.2f}×) | |")
        print()
        targets.append((f"HTTP channel ≥ 3× Kannel's HTTP client at {conc} concurrent",
                        f"{statistics.median(ratios):.2f}×", statistics.median(ratios) >= 3))
        sink_bound = sum(r["bottleneck"] == "sink" for r in http)
        targets.append((f"the HTTP sink, not the driver, the bottleneck at {conc} concurrent "
                        "(busiest driver thread ≤ the sink's CPU per request)",
                        f"{med('busiest_thread_cpu_us_per_request'):.1f} against "
                        f"{med('sink_cpu_us_per_request'):.1f} µs; sink-bound in {sink_bound} of "
                        f"{len(http)} runs", sink_bound * 2 > len(http)))

    threads = lines(os.path.join(d, "http-threads.jsonl"))
    if threads:
        conc = threads[0]["concurrency"]
        print(f"### HTTP gateways by x-http-io-threads ({conc} concurrent, the same sink, "
              "medians of the runs of each)\n")
        print("| x-http-io-threads | runs | requests/s | driver / Kannel | CPU µs/request, "
              "driver's process | busiest thread µs/request (which) | I/O thread µs/request | "
              "sink µs/request | sink-bound runs |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in sorted({r["io_threads"] for r in threads}):
            rs = [r for r in threads if r["io_threads"] == n]
            med = lambda key: statistics.median(r[key] for r in rs)
            names = sorted({r["busiest_thread"] for r in rs})
            names = ", ".join("smsdrv-http-*" if x.startswith("smsdrv-http-") else x
                              for x in names)
            names = ", ".join(dict.fromkeys(names.split(", ")))
            # The I/O thread: from the per-thread figures, or the busiest thread when that was it
            # (runs recorded before smpp-bench wrote thread_cpu_us_per_request).
            io = [r["thread_cpu_us_per_request"].get("smsdrv-io", 0)
                  if "thread_cpu_us_per_request" in r else r["busiest_thread_cpu_us_per_request"]
                  for r in rs
                  if "thread_cpu_us_per_request" in r or r["busiest_thread"] == "smsdrv-io"]
            sink_bound = sum(r["bottleneck"] == "sink" for r in rs)
            print(f"| {n} | {len(rs)} | {fmt_rate(med('requests_per_s'))} "
                  f"| {med('ratio_to_kannel'):.2f}× | {med('cpu_us_per_request'):.1f} "
                  f"| {med('busiest_thread_cpu_us_per_request'):.1f} ({names}) "
                  f"| {statistics.median(io):.1f} ({len(io)} runs) | {med('sink_cpu_us_per_request'):.1f} "
                  f"| {sink_bound} of {len(rs)} |")
            if n > 0:
                targets.append((f"the HTTP sink, not the driver, the bottleneck at {conc} "
                                f"concurrent with x-http-io-threads = {n}",
                                f"{med('busiest_thread_cpu_us_per_request'):.1f} against "
                                f"{med('sink_cpu_us_per_request'):.1f} µs; sink-bound in "
                                f"{sink_bound} of {len(rs)} runs", sink_bound * 2 > len(rs)))
        print()

    shared = lines(os.path.join(d, "shared-limit.jsonl"))
    if shared:
        hosts = shared[0]["hosts"]
        print(f"### Shared rate limit ({hosts} limiters through one redis-server, "
              f"{shared[0]['seconds']:.0f} s after 1 s to settle)\n")
        print("| account rate | lease | achieved/s | of the rate | Redis round trips per message "
              "| CPU µs/msg (process) | CPU µs/msg (redis-server) | local limiter achieved/s "
              "| local CPU µs/msg |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in shared:
            print(f"| {r['account_rate']:,} | {r['lease']:,} | {r['achieved_per_s']:,.1f} "
                  f"| {100 * r['achieved_ratio']:.2f}% | {r['round_trips_per_message']:.4f} "
                  f"| {r['cpu_us_per_message']:.2f} | {r['redis_cpu_us_per_message']:.2f} "
                  f"| {r['local_achieved_per_s']:,.1f} | {r['local_cpu_us_per_message']:.2f} |")
        print()

    channel = lines(os.path.join(d, "shared-limit-channel.jsonl"))
    if channel:
        print(f"### Shared rate limit in the channel (`smpp-bench shared-limit`, one channel, "
              f"{channel[0]['seconds']:.0f} s after {channel[0]['warmup']:.0f} s, medians of "
              f"{len(channel) // len({r['rate'] for r in channel})} runs)\n")
        print("| rate | lease | local limiter msgs/s | CPU µs/msg | shared limiter msgs/s "
              "| CPU µs/msg | redis-server CPU µs/msg | Redis round trips per message |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for rate in sorted({r["rate"] for r in channel}):
            rs = [r for r in channel if r["rate"] == rate]
            m = lambda k: statistics.median(r[k] for r in rs)
            print(f"| {rate:,} | {rs[0]['lease']:,} | {m('local_msgs_per_s'):,.1f} "
                  f"| {m('local_cpu_us_per_msg'):.2f} | {m('shared_msgs_per_s'):,.1f} "
                  f"| {m('shared_cpu_us_per_msg'):.2f} | {m('redis_cpu_us_per_msg'):.2f} "
                  f"| {m('redis_round_trips_per_msg'):.4f} |")
        print()

    stub = lines(os.path.join(d, "dms-stub.jsonl"))
    runs = [r for r in stub if r["tool"] == "dms-stub"]
    idle = [r for r in stub if r["tool"] == "dms-stub-idle"]
    queue = lines(os.path.join(d, "queue-memory.jsonl"))
    soak = lines(os.path.join(d, "soak.jsonl"))
    if runs or idle or queue or soak:
        print("### dms-stub and memory\n")
        print("| measure | median | runs |")
        print("|---|---:|---:|")
    if runs:
        v = statistics.median(r["requests_per_s"] for r in runs)
        print(f"| dms-stub SendSMS JSON lines, requests/s (stdin → response on stdout) "
              f"| {fmt_rate(v)} | {len(runs)} |")
        targets.append(("dms-stub JSON lines ≥ 100,000 SendSMS/s", fmt_rate(v) + "/s", v >= 100_000))
    if idle:
        kb = statistics.median(r["rss_kb"] for r in idle)
        print(f"| dms-stub, one bound channel idle, RSS | {kb / 1024:.1f} MB | {len(idle)} |")
        targets.append(("dms-stub one bound idle channel ≤ 15 MB RSS", f"{kb / 1024:.1f} MB",
                        kb <= 15 * 1024))
    if queue:
        b = statistics.median(r["bytes_per_queued_message"] for r in queue)
        print(f"| RSS per queued message (100,000 queued) | {b:.0f} B | {len(queue)} |")
        targets.append(("100,000 queued messages ≤ 1 KB each", f"{b:.0f} B", b <= 1024))
    if soak:
        s = soak[-1]
        growth = s["rss_last_kb"] - s["rss_settled_kb"]
        print(f"| soak {s['duration']:.0f} s at {fmt_rate(s['rate'])}/s: RSS after 1 min / at end "
              f"/ max | {s['rss_settled_kb'] / 1024:.1f} / {s['rss_last_kb'] / 1024:.1f} / "
              f"{s['rss_max_kb'] / 1024:.1f} MB | 1 |")
        targets.append(("no RSS growth over a 5-minute soak",
                        f"{growth:+d} kB from minute 1 to the end", growth <= 1024))
    if runs or idle or queue or soak:
        print()

    if targets:
        print("### Targets\n")
        print("| target | measured | |")
        print("|---|---:|---|")
        for name, measured, met in targets:
            print(f"| {name} | {measured} | {'met' if met else '**missed**'} |")


if __name__ == "__main__":
    main()
