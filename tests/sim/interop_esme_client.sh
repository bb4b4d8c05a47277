#!/bin/sh
# ctest: the npm `smpp` client (tests/interop/esme-client.js) against smsc-sim: bind, 1,000
# submit_sm with a window of 10, a receipt for each, two MO messages. Exit 77 (skipped) when
# node or tests/interop/node_modules is missing.
# usage: interop_esme_client.sh SMSC_SIM INTEROP_DIR
sim="$1"
interop="$2"
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed"
  exit 77
fi
if [ ! -d "$interop/node_modules/smpp" ]; then
  echo "SKIP: npm smpp is not installed; run 'npm ci' in tests/interop"
  exit 77
fi
tmp=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

"$sim" --account esme:secret --port-file "$tmp/port" --dlr-delay-ms 10 \
  --mo 4917600000009:12345:first --mo 4917600000009:12345:second >"$tmp/events" </dev/null &
sim_pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port") || exit 1

out=$(node "$interop/esme-client.js" --port "$port" --system-id esme --password secret \
  --count 1000 --window 10 --registered-delivery 1 --expect-mo 2 --timeout-ms 60000)
status=$?
echo "$out"
[ $status -eq 0 ] || { echo "FAIL: esme-client.js exited $status"; exit 1; }
echo "$out" | grep -q '"ok":1000,"errors":0' || { echo "FAIL: not 1000 ESME_ROK"; exit 1; }
echo "$out" | grep -q '"receipts":1000,"mo":2' || { echo "FAIL: receipts or MO missing"; exit 1; }
echo "$out" | grep -q '"max_in_flight":10' || { echo "FAIL: the window was not used"; exit 1; }
windows=$(grep -c '"event":"submit_sm"' "$tmp/events")
[ "$windows" -eq 1000 ] || { echo "FAIL: smsc-sim saw $windows submit_sm"; exit 1; }
if grep '"event":"submit_sm"' "$tmp/events" | grep -q '"window":\(1[1-9]\|[2-9][0-9]\)'; then
  echo "FAIL: smsc-sim saw a window above 10"
  exit 1
fi
echo "PASS: npm smpp client against smsc-sim"
