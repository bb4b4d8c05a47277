#!/bin/sh
# ctest (label bench): proves the benchmark tools run and print valid JSON. Tiny counts, and no
# figure is compared with any target: speed belongs in docs/benchmarks.md, never in a test.
# usage: bench_smoke.sh SMPP_BENCH [MICRO_BENCH]
set -eu
bench="$1"
micro="${2:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_json FILE KEY...: FILE's last line is a JSON object holding every KEY.
check_json() {
  python3 - "$@" <<'PY'
import json, sys
path, keys = sys.argv[1], sys.argv[2:]
lines = [l for l in open(path) if l.strip()]
if not lines:
    sys.exit(f"{path}: no output")
obj = json.loads(lines[-1])
missing = [k for k in keys if k not in obj]
if missing:
    sys.exit(f"{path}: last line lacks {missing}: {lines[-1]}")
PY
}

"$bench" driver --count 500 --window 10 --no-progress >"$tmp/driver"
check_json "$tmp/driver" msgs_per_s latency_us_p50 latency_us_p99 latency_us_p999 cpu_s peak_rss_kb

"$bench" driver --rate 1000 --duration 0.5 --warmup 0.2 --no-progress >"$tmp/rate"
check_json "$tmp/rate" measured_rate rate_error_percent

"$bench" driver --rate 250 --window 50 --duration 0.5 --warmup 0.2 --cpu-hog 1 --no-progress \
  >"$tmp/rate-busy"
check_json "$tmp/rate-busy" measured_rate cpu_hogs hog_cpu_percent

"$bench" driver --rate 1000 --window 20 --outstanding 100 --duration 0.5 --warmup 0.2 \
  --smsc-fault fail-every=10:ESME_RTHROTTLED --option "x-smpp-error-policy=ESME_RTHROTTLED: pause 10ms" \
  --no-progress >"$tmp/throttle"
check_json "$tmp/throttle" sim_accepted_rate smsc_accepts_per_s accepted_ratio pauses channel_options

"$bench" dms-stub --count 500 --no-progress >"$tmp/stub"
check_json "$tmp/stub" requests_per_s stub_peak_rss_kb

# The HTTP channel to http-sink, without Kannel (a Kannel run needs bearerbox and smsbox).
"$bench" http --count 300 --kannel-count 0 --floor-count 300 --concurrency 8 --no-progress \
  >"$tmp/http"
check_json "$tmp/http" requests_per_s cpu_us_per_request busiest_thread_cpu_us_per_request \
  sink_cpu_us_per_request bottleneck floor_requests floor_client_cpu_us_per_request \
  floor_sink_cpu_us_per_request floor_bottleneck
# The same with the channel's exchanges on threads of their own.
"$bench" http --count 300 --kannel-count 0 --floor-count 0 --concurrency 8 --io-threads 2 \
  --no-progress >"$tmp/http-threads"
check_json "$tmp/http-threads" io_threads requests_per_s busiest_thread thread_cpu_us_per_request

"$bench" mms --count 50 --inbound 20 --concurrency 4 --image-size 3000 --held 20 --held-ms 2000 \
  --no-progress >"$tmp/mms"
check_json "$tmp/mms" submits_per_s cpu_us_per_submit sim_cpu_percent delivers_per_s \
  held_heap_bytes_per_message released_heap_bytes_left

# The shared rate limit in the channel beside the local one, through a redis-server it starts.
"$bench" shared-limit --rates 1000 --duration 0.5 --warmup 0.2 --no-progress >"$tmp/shared"
check_json "$tmp/shared" local_msgs_per_s local_cpu_us_per_msg shared_msgs_per_s \
  shared_cpu_us_per_msg redis_cpu_us_per_msg redis_round_trips_per_msg

"$bench" queue-memory --count 1000 >"$tmp/queue"
check_json "$tmp/queue" bytes_per_queued_message

# compare prints a table and writes JSON lines; the npm column is left out without node_modules.
"$bench" compare --windows 1,10 --runs 1 --scale 0.01 --out "$tmp/compare.jsonl" >"$tmp/table"
python3 - "$tmp/compare.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
summaries = [r for r in rows if r.get("event") == "smpp-bench-summary"]
if len(summaries) != 2:
    sys.exit(f"expected 2 summaries, got {len(summaries)}")
PY

if [ -n "$micro" ]; then
  "$micro" --benchmark_min_time=0.001 --benchmark_format=json >"$tmp/micro.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["benchmarks"], "no results"' \
    "$tmp/micro.json"
fi
echo "bench smoke: ok"
