#!/bin/sh
# Draws docs/benchmarks-throughput.png from the JSON lines of `smpp-bench compare --out`:
# throughput (median msgs/s) against window for the ceiling, the driver and the npm client.
# usage: scripts/bench-chart.sh [RESULTS.jsonl] [OUT.png]
# Needs python3 (to pick the summary lines) and gnuplot (Debian gnuplot-nox).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
results="${1:-$root/docs/benchmarks/compare.jsonl}"
out="${2:-$root/docs/benchmarks-throughput.png}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One row per window: window ceiling npm driver (a missing tool is "NaN", which gnuplot skips).
python3 - "$results" >"$tmp/throughput.dat" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    r = json.loads(line)
    if r.get("event") == "smpp-bench-summary":
        rows[r["window"]] = r
if not rows:
    sys.exit(f"{sys.argv[1]}: no smpp-bench-summary lines")
def median(r, tool):
    return r[tool]["median"] if tool in r and r[tool]["median"] > 0 else float("nan")
for w in sorted(rows):
    r = rows[w]
    print(w, median(r, "ceiling"), median(r, "npm"), median(r, "driver"))
PY

gnuplot <<GP
set terminal pngcairo size 900,560 font ",11" noenhanced
set output "$out"
set title "SMPP submit_sm throughput over loopback (medians; smpp-bench compare)"
set xlabel "window (submit_sm in flight)"
set ylabel "messages per second"
set logscale xy
set format y "%.0s%c"
set grid xtics ytics mxtics mytics
set key top left
set xtics (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
plot "$tmp/throughput.dat" using 1:2 with linespoints lw 2 pt 7 title "ceiling (smsc-sim-flood, pre-encoded)", \
     "" using 1:4 with linespoints lw 2 pt 5 title "driver (C ABI)", \
     "" using 1:3 with linespoints lw 2 pt 9 title "npm smpp client"
GP
echo "wrote $out"
