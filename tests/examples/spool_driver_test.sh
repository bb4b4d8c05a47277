#!/usr/bin/env bash
# The example third-party driver (examples/spool-driver/, C99) as a third party builds it: against
# the SDK installed into an empty prefix and nothing else of this tree. Then dms-stub loads it
# beside the SMPP driver from one server root and drives both:
#   - SendSMS to the SMPP channel (smsc-sim) and to the spool channel: one esp-response each, the
#     spool's message in its outbox, line breaks escaped, default-reply-address applied;
#   - a SendSMS without _smsDestNumber: refused by the spool driver, naming the key;
#   - a file dropped into the spool's inbox: an interaction on the routed endpoint, the file
#     removed once dms-stub acknowledged it; a malformed file set aside as .bad.
# Usage: spool_driver_test.sh <build dir> <source dir> <C compiler>
set -euo pipefail

build="$1" src="$2" cc="$3"
work="$(mktemp -d "${TMPDIR:-/tmp}/smsdrv-spool.XXXXXX")"
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  rm -rf -- "$work"
}
trap cleanup EXIT
fail() {
  echo "spool_driver_test: $*" >&2
  for f in "$work"/dms.log "$work"/events.jsonl; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
  exit 1
}

# 1. The driver, from the installed SDK only.
cmake --install "$build" --component sdk --prefix "$work/sdk" >/dev/null
cmake -S "$src/examples/spool-driver" -B "$work/spool-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$work/sdk" -DSPOOL_WERROR=ON \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; fail "configure failed"; }
cmake --build "$work/spool-build" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "build failed"; }
module="$work/spool-build/libsmsdrv-spool.so"
exported="$(nm -D --defined-only "$module" | awk '{print $3}')"
[ "$exported" = "smsdrv_driver_entry" ] || fail "the module exports '$exported', not only smsdrv_driver_entry"

# 2. One server root, both drivers.
root="$work/server"
mkdir -p "$root" "$work/spool"
"$src/packaging/install.sh" "$root" --from "$build" >/dev/null
cmake --install "$work/spool-build" --prefix "$root" >/dev/null
[ -f "$root/media-channel-drivers/channel-spool/libsmsdrv-spool.so" ] || fail "the spool driver is not in its channel folder"

mkfifo "$work/sim.in"
"$build/tools/smsc-sim/smsc-sim" --listen 127.0.0.1:0 --port-file "$work/port" \
  --account spool:spool123 --exit-on-eof <"$work/sim.in" >"$work/sim.log" 2>"$work/sim.err" &
sim_pid=$!
exec 3>"$work/sim.in"
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || fail "smsc-sim did not start"

cat >"$root/dms.cfg" <<CFG
[channel-sms]
driver = smsmms
x-smpp-host = 127.0.0.1
x-smpp-port = $(cat "$work/port")
x-smpp-system-id = spool
password = spool123
inbound-route = 101:sms_endpoint

[channel-file]
driver = spool
x-spool-dir = $work/spool
x-spool-poll-ms = 50
default-reply-address = 12345
inbound-route = 101:file_endpoint
CFG

inbox="$work/spool/inbox"
(
  echo '{"id":"r1","request":"SendSMS","channel":"channel-sms","userData":{"_smsDestNumber":"4915550001","_smsText":"over SMPP"}}'
  echo '{"id":"r2","request":"SendSMS","channel":"channel-file","userData":{"_smsDestNumber":"4915550002","_smsText":"line one\nline two"}}'
  echo '{"id":"r3","request":"SendSMS","channel":"channel-file","userData":{"_smsText":"no destination"}}'
  sleep 0.5
  # Written under a hidden name, then renamed: the driver never reads half a file.
  printf 'FromAddr=4915550009\nToAddr=12345\n_smsText=hello\\nfrom a file\n' >"$inbox/.in1.msg"
  mv "$inbox/.in1.msg" "$inbox/in1.msg"
  printf 'this line has no equals sign\n' >"$inbox/.bad1.msg"
  mv "$inbox/.bad1.msg" "$inbox/bad1.msg"
  sleep 1.5
) | "$build/host-stub/dms-stub" run --config "$root/dms.cfg" --linger 1 --app-name spool-test \
    >"$work/events.jsonl" 2>"$work/dms.log" || fail "dms-stub failed"
exec 3>&-

python3 - "$work/events.jsonl" "$work/spool" <<'PY' || fail "events or files not as expected"
import json, os, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
spool = sys.argv[2]
def one(pred, what):
    found = [e for e in events if pred(e)]
    if len(found) != 1:
        sys.exit(f"expected one {what}, got {len(found)}")
    return found[0]
def resp(i):
    return one(lambda e: e["event"] == "esp-response" and e.get("id") == i, f"esp-response {i}")

r1 = resp("r1")
assert r1["ok"] and r1["channel"] == "channel-sms", r1
r2 = resp("r2")
assert r2["ok"] and r2["channel"] == "channel-file", r2
message_id = r2["userData"]["_smsMessageId"]
outbox = os.path.join(spool, "outbox")
written = open(os.path.join(outbox, message_id + ".msg")).read()
assert written == ("_smsDestNumber=4915550002\n_smsText=line one\\nline two\n"
                   "_smsSrcNumber=12345\n"), repr(written)
assert [f for f in os.listdir(outbox)] == [message_id + ".msg"], os.listdir(outbox)
r3 = resp("r3")
assert not r3["ok"] and r3["error"]["name"] == "SMSDRV_E_BAD_REQUEST", r3
assert "_smsDestNumber" in r3["error"]["text"], r3

ix = one(lambda e: e["event"] == "interaction" and e["channel"] == "channel-file", "spool interaction")
a = ix["attributes"]
assert ix["endpoint"] == "101:file_endpoint" and ix["mode"] == "paging", ix
assert a["FromAddr"] == "4915550009" and a["_smsText"] == "hello\nfrom a file", a
assert a["MediaType"] == "smssession" and a["_umsChannel"] == "channel-file", a
assert a["_umsInboundIxnSubmittedBy"] == "spool-test", a
one(lambda e: e["event"] == "channel-state" and e["channel"] == "channel-file"
    and e["attributes"]["state"] == "ready", "ready channel-state")
one(lambda e: e["event"] == "channel-state" and e["channel"] == "channel-sms"
    and e["attributes"]["state"] == "bound", "bound channel-state")
inbox = sorted(os.listdir(os.path.join(spool, "inbox")))
assert inbox == ["bad1.msg.bad"], inbox  # in1.msg acknowledged and removed
print("spool_driver_test: ok")
PY
grep -q "bad1.msg is not a message (a line is not key=value)" "$work/dms.log" ||
  fail "the malformed inbox file was not reported"
