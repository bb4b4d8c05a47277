#!/bin/sh
# Runs every benchmark of docs/benchmarks.md against a release build and writes the JSON results
# to docs/benchmarks/ (committed), then the table (scripts/bench-table.py) and the chart
# (scripts/bench-chart.sh). Each figure is a median of RUNS runs; nothing here asserts a target.
# usage: scripts/bench.sh [BUILD_DIR (build/release)]
# env: RUNS (5), SOAK_RATE (requests/s; 0 leaves the 5-minute soak out), OUT (docs/benchmarks)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build="${1:-$root/build/release}"
runs="${RUNS:-5}"
soak_rate="${SOAK_RATE:-0}"
out="${OUT:-$root/docs/benchmarks}"
bench="$build/tools/smpp-bench/smpp-bench"
micro="$build/bench/micro-bench"
mkdir -p "$out"

echo "load before the runs: $(uptime)"

# The machine, as docs/benchmarks.md reports it.
python3 - "$out/machine.json" <<'PY'
import json, os, platform, subprocess, sys
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
cc = subprocess.run(["c++", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
json.dump({"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(), "compiler": cc},
          open(sys.argv[1], "w"))
PY

# Micro-benchmarks: the codec, text, receipts, and libsmpp34 on the same PDUs.
"$micro" --benchmark_repetitions="$runs" --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/micro.json" --benchmark_out_format=json

# Driver vs ceiling vs npm client, side by side.
"$bench" compare --windows 1,10,50,100 --runs "$runs" --out "$out/compare.jsonl"

# Rate limiter: x-smpp-submit-max-rate 1,000 / 5,000 / 50,000, measured over 10 s each; and 250
# with window 50, alone and with two and four busy-loop processes beside it (both cores taken:
# the I/O thread's timer fires late).
: >"$out/rate.jsonl"
for rate in 1000 5000 50000; do
  for i in $(seq "$runs"); do
    "$bench" driver --rate "$rate" --duration 10 --no-progress >>"$out/rate.jsonl"
  done
done
for hogs in 0 2 4; do
  for i in $(seq "$runs"); do
    "$bench" driver --rate 250 --window 50 --duration 10 --cpu-hog "$hogs" --no-progress \
      >>"$out/rate.jsonl"
  done
done

# Against a throttling SMSC, as a share of what that SMSC accepts: window 20, the driver at
# 1,000/s, 200 requests kept open; every 10th submission refused ESME_RTHROTTLED (900/s
# accepted), and a limit of 500 per sliding second. The default error policy (first pause
# 10 ms), a first pause of 20 ms, and the former default's 100 ms.
: >"$out/throttle.jsonl"
for fault in fail-every=10:ESME_RTHROTTLED throttle=500; do
  for policy in default "ESME_RTHROTTLED: pause 20ms-30s retry 11" \
    "ESME_RTHROTTLED: pause 100ms-30s retry 10"; do
    set -- --rate 1000 --window 20 --outstanding 200 --duration 10 --smsc-fault "$fault"
    [ "$policy" = default ] || set -- "$@" --option "x-smpp-error-policy=$policy"
    for i in $(seq "$runs"); do
      "$bench" driver "$@" --no-progress >>"$out/throttle.jsonl"
    done
  done
done

# dms-stub: JSON lines end to end, idle RSS with one bound channel, RSS per queued message.
: >"$out/dms-stub.jsonl"
for i in $(seq "$runs"); do
  "$bench" dms-stub --count 500000 --no-progress >>"$out/dms-stub.jsonl"
done
"$bench" dms-stub --idle 10 >>"$out/dms-stub.jsonl"
: >"$out/queue-memory.jsonl"
for i in $(seq "$runs"); do
  "$bench" queue-memory --count 100000 >>"$out/queue-memory.jsonl"
done

# HTTP gateways: the driver's HTTP channel and Kannel's generic HTTP client, 32 concurrent
# requests each, to the same keep-alive loopback sink (http-sink).
: >"$out/http.jsonl"
for i in $(seq "$runs"); do
  "$bench" http --count 50000 --kannel-count 20000 --concurrency 32 --no-progress \
    >>"$out/http.jsonl"
done

# The same with the channel's exchanges on threads of its own (x-http-io-threads = N; 0 as above,
# again in the same stretch of time as the others).
: >"$out/http-threads.jsonl"
for n in 0 2 3 4; do
  for i in $(seq "$runs"); do
    "$bench" http --count 50000 --kannel-count 20000 --concurrency 32 --no-progress \
      --io-threads "$n" >>"$out/http-threads.jsonl"
  done
done

# MMS over MM7 to mmsc-sim (docs/benchmarks.md): submits/s with a 30 KB image, DeliverReq/s, and
# the heap per SendMMS with 500 in flight and after their answers.
: >"$out/mms-release.jsonl"
for i in $(seq "$runs"); do
  "$bench" mms --count 3000 --inbound 1000 --concurrency 16 --held 500 --no-progress \
    >>"$out/mms-release.jsonl"
done

# The account-wide rate limit shared through Redis (docs/scaling.md): 3 hosts, each rate with a
# small and a large lease, beside the local limiter (one run each).
: >"$out/shared-limit.jsonl"
for case in "1000 20" "1000 50" "10000 50" "10000 200" "100000 500" "100000 2000"; do
  set -- $case
  "$build/tools/shared-limit-bench/shared-limit-bench" --rate "$1" --hosts 3 --lease "$2" \
    --seconds 5 >>"$out/shared-limit.jsonl"
done

# The same limit inside the channel (smpp-bench through the C ABI against smsc-sim): for each
# rate the channel's own limiter, then the shared one through a redis-server it starts.
: >"$out/shared-limit-channel.jsonl"
for i in $(seq "$runs"); do
  "$bench" shared-limit --rates 1000,10000,100000 --duration 5 --no-progress \
    >>"$out/shared-limit-channel.jsonl"
done

if [ "$soak_rate" != 0 ]; then
  "$bench" dms-stub --rate "$soak_rate" --duration 300 --sample 10 --no-progress \
    >"$out/soak.jsonl"
fi

echo "load after the runs: $(uptime)"
python3 "$root/scripts/bench-table.py" "$out"
"$root/scripts/bench-chart.sh" "$out/compare.jsonl" "$root/docs/benchmarks-throughput.png"
