#!/usr/bin/env bash
# How long the driver takes from "connecting" to TLS established and to bound (docs/tls.md,
# "Figures"): smsc-sim closes the link every 1.2 s for 40 s, the driver reconnects, and the
# times are read from the driver's log (millisecond timestamps). Plain, single and mutual.
# Usage: scripts/tls-connect-times.sh [build dir]   (default build/dev)
set -euo pipefail

build="${1:-build/dev}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
sim="$build/tools/smsc-sim/smsc-sim"
stub="$build/host-stub/dms-stub"
for f in "$sim" "$stub" "$build/driver/libsmsmms.so"; do
  [ -f "$f" ] || { echo "tls-connect-times: $f is missing; build first" >&2; exit 1; }
done

work="$(mktemp -d /tmp/smsdrv-tls-times.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$repo/tests/support/make-test-certs.sh" "$work/certs" >/dev/null
mkdir -p "$work/media-channel-drivers/channel-smsmms"
cp "$build/driver/libsmsmms.so" "$work/media-channel-drivers/channel-smsmms/"
c="$work/certs"

measure() {  # measure LABEL "SIM FLAGS" "CHANNEL OPTIONS"
  rm -f "$work/port"
  # shellcheck disable=SC2086
  (for _ in $(seq 33); do sleep 1.2; echo '{"cmd":"close"}'; done; sleep 1; echo '{"cmd":"exit"}') |
    "$sim" --quiet --port-file "$work/port" --account e2e:e2e-pw $2 >/dev/null &
  for _ in $(seq 50); do [ -f "$work/port" ] && break; sleep 0.1; done
  printf '[channel-t]\ndefault-reply-address = 1\nx-smpp-host = 127.0.0.1\nx-smpp-port = %s\n%s\n%s\n' \
    "$(cat "$work/port")" "x-smpp-system-id = e2e
password = e2e-pw" "$3" >"$work/dms.cfg"
  sleep 41 | "$stub" run --config "$work/dms.cfg" 2>&1 >/dev/null |
    python3 -c '
import sys, datetime, statistics as st
label = sys.argv[1]
start = None; tls = []; bound = []
for line in sys.stdin:
    t = datetime.datetime.fromisoformat(line.split()[0].replace("Z", "+00:00"))
    if "connecting to" in line: start = t
    elif start and "TLS with" in line: tls.append((t - start).total_seconds() * 1000)
    elif start and "bound to" in line: bound.append((t - start).total_seconds() * 1000)
def show(name, v):
    return f"{name} median {st.median(v):.0f} ms, max {max(v):.0f} ms" if v else f"{name} -"
a = show("connect -> TLS", tls)
b = show("connect -> bound", bound)
print(f"{label:8} n={len(bound):3}  {a};  {b}")
' "$1"
  wait
}

measure plain "" ""
measure single "--tls-cert $c/server.chain.pem --tls-key $c/server.key" "x-smpp-tls-mode = single
x-smpp-tls-path-to-certificate = $c/trust.p12
x-smpp-tls-certificate-file-password = file-pw-1"
measure mutual "--tls-cert $c/server.chain.pem --tls-key $c/server.key --tls-client-ca $c/ca.pem" \
  "x-smpp-tls-mode = mutual
x-smpp-tls-path-to-certificate = $c/client.p12
x-smpp-tls-certificate-file-password = file-pw-1"
