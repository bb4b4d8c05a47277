#!/usr/bin/env bash
# smsmms-demo - the SMS/MMS channel driver installed into a throw-away server root, dms-stub as
# the messaging server, smsc-sim as the operator's SMSC and mmsc-sim as its MMSC (MM7). Shows a
# SendSMS with its response and delivery report, inbound SMS routed to the paging and the
# chat-session endpoint, then an MMS round trip: a SendMMS with a picture, its delivery report,
# and a mobile-originated MMS with a picture posted by the MMSC to the channel's listener.
#
# Usage: smsmms-demo                   the programs installed by the packages (next to it)
#        scripts/demo.sh [<build dir>] a build of the source tree (default build/ci; make demo)
#        --help, --version
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
want_version=0
case "${1:-}" in
  -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
  --version) want_version=1; shift ;;
esac
if [ -x "$here/dms-stub" ] && [ -f "$here/../share/smsmms-tools/demo.cfg" ]; then
  # Installed: smsmms-tools next to this script, smsmms-driver's command to install the folder.
  version="$("$here/dms-stub" --version | cut -d' ' -f2)"
  sim="$here/smsc-sim"
  mmsc="$here/mmsc-sim"
  stub="$here/dms-stub"
  demo_cfg="$here/../share/smsmms-tools/demo.cfg"
  mms_cfg="$here/../share/smsmms-tools/demo-mms.cfg"
  mms_settings="$here/../share/smsmms-tools/demo-mms-settings.cfg"
  install_channel=("$here/smsmms-channel-install")
  needed=("$sim" "$mmsc" "$stub" "$here/smsmms-channel-install" "$mms_cfg" "$mms_settings")
  missing_hint="install the smsmms-tools and smsmms-driver packages"
else
  repo="$(dirname "$here")"
  build="${1:-build/ci}"
  version="$(sed -n 's/^ *VERSION \([0-9][0-9.]*\)$/\1/p' "$repo/CMakeLists.txt" | head -n 1)"
  sim="$build/tools/smsc-sim/smsc-sim"
  mmsc="$build/tools/mmsc-sim/mmsc-sim"
  stub="$build/host-stub/dms-stub"
  demo_cfg="$repo/cfg/demo.cfg"
  mms_cfg="$repo/cfg/demo-mms.cfg"
  mms_settings="$repo/cfg/demo-mms-settings.cfg"
  install_channel=("$repo/packaging/install.sh" --from "$build")
  needed=("$sim" "$mmsc" "$stub" "$build/driver/libsmsmms.so")
  missing_hint="run 'make build' first"
fi
if ((want_version)); then
  echo "smsmms-demo $version"
  exit 0
fi
for f in "${needed[@]}"; do
  [ -f "$f" ] || { echo "demo: $f is missing; $missing_hint" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "demo: python3 is needed to show the events" >&2; exit 1; }

work="$(mktemp -d /tmp/smsdrv-demo.XXXXXX)"
sim_pid=""
mmsc_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  [ -n "$mmsc_pid" ] && kill "$mmsc_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() {  # one JSON line per event, indented, with the interesting part first
  python3 -c '
import json, sys
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    e = json.loads(line)
    print("  " + json.dumps(e, ensure_ascii=False, indent=2).replace("\n", "\n  "))
'
}

step "Installing the driver into a server root ($work/server)"
echo "  programs: $stub, $sim"
mkdir -p "$work/server"
"${install_channel[@]}" "$work/server" >/dev/null
find "$work/server/media-channel-drivers" -maxdepth 2 | sed "s|$work/server/|  |"

step "Starting the SMSC simulator (smsc-sim) on loopback"
mkfifo "$work/sim.in"
"$sim" --listen 127.0.0.1:0 --port-file "$work/port" --account demo:demo1234 \
  --dlr-delay-ms 300 --mo "4915550002:12345:Hello from a handset" --exit-on-eof \
  <"$work/sim.in" >"$work/sim.log" 2>"$work/sim.err" &
sim_pid=$!
exec 3>"$work/sim.in"  # keeps the simulator's stdin open until we are done
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port="$(cat "$work/port")"
echo "  smsc-sim listening on 127.0.0.1:$port (account demo / demo1234)"
sed "s/^x-smpp-port = .*/x-smpp-port = $port/" "$demo_cfg" >"$work/server/demo.cfg"

step "Running dms-stub with cfg/demo.cfg: one SendSMS on stdin, events on stdout"
request='{"id":"r1","request":"SendSMS","channel":"channel-demo","userData":{"_smsDestNumber":"4915550001","_smsText":"Hello from the demo: grüße, ça va? ✓"}}'
echo "  request: $request"
(
  echo "$request"
  sleep 1.5  # the receipt (300 ms) and the MO sent at bind arrive meanwhile
  echo '{"cmd":"mo","from":"4915550003","to":"12345","text":"chat: can an agent call me?"}' >&3
  sleep 1
) | "$stub" run --config "$work/server/demo.cfg" --linger 1 --app-name demo-dms \
    >"$work/events.jsonl" 2>"$work/dms.log"

step "Events from dms-stub (stdout)"
show <"$work/events.jsonl"

step "What the SMSC saw (smsc-sim events)"
grep -E '"event":"(bind|submit_sm|deliver_sm_resp|unbind)"' "$work/sim.log" |
  python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    keep = {k: e[k] for k in ("event", "system_id", "seq", "destination_addr", "data_coding",
                              "registered_delivery", "message_id", "status", "outcome", "kind")
            if k in e}
    print("  " + json.dumps(keep))
'

step "Driver log (dms-stub stderr)"
sed 's/^/  /' "$work/dms.log"

step "Starting the MMSC simulator (mmsc-sim, MM7) on loopback"
# The channel's listener needs a port before mmsc-sim can be told where to post: a free one now.
listener_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkfifo "$work/mmsc.in"
"$mmsc" --listen 127.0.0.1:0 --port-file "$work/mmsc-port" --account vasp:vasp1234 \
  --vasp-url "http://127.0.0.1:$listener_port/mm7" --vasp-user mmsc:mmsc1234 --dlr-delay-ms 300 \
  --no-part-bytes --exit-on-eof <"$work/mmsc.in" >"$work/mmsc.log" 2>"$work/mmsc.err" &
mmsc_pid=$!
exec 4>"$work/mmsc.in"  # keeps the simulator's stdin open until we are done
for _ in $(seq 100); do [ -s "$work/mmsc-port" ] && break; sleep 0.05; done
mmsc_port="$(cat "$work/mmsc-port")"
echo "  mmsc-sim taking SubmitReq on http://127.0.0.1:$mmsc_port/mm7 (VASP vasp / vasp1234),"
echo "  posting to the channel's listener on http://127.0.0.1:$listener_port/mm7 (as mmsc / mmsc1234)"
sed -e "s|^url = .*|url = http://127.0.0.1:$mmsc_port/mm7|" -e "s/^port = .*/port = $listener_port/" \
  "$mms_settings" >"$work/server/demo-mms-settings.cfg"
sed -e "s/^x-smpp-port = .*/x-smpp-port = $port/" \
  -e "s|^x-jsms-config-file = .*|x-jsms-config-file = $work/server/demo-mms-settings.cfg|" \
  "$mms_cfg" >"$work/server/demo-mms.cfg"

step "Running dms-stub with cfg/demo-mms.cfg: a SendMMS with a picture, then an MMS from a handset"
# An 8x8 PNG (166 bytes) goes out; a 1x1 GIF comes in, posted by mmsc-sim as a DeliverReq.
png='iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAbUlEQVR42hXOUREAUQhCUaMYhShEMcqNQhSi7Fs/OQzjzLCDBg83MGToMLPsosXLLSxZug/ECgmLE4iI6oFZI2NzBhNTPzj20OHjDo4cvQf/7Bt41Rf+F+h7YsIGBYfLHyc0D8oWFZfrX05p+QDeqGABtJu0bQAAAABJRU5ErkJggg=='
gif='R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=='
mms_request='{"id":"m1","request":"SendMMS","channel":"channel-mms","userData":{"_smsDestNumber":"4915550001","Subject":"Greetings","_smsText":"A picture from the demo"},"parts":[{"contentType":"image/png","name":"demo.png","base64":"'"$png"'"}]}'
echo "  request: ${mms_request/$png/<166 bytes of PNG, base64>}"
(
  echo "$mms_request"
  sleep 1  # the SubmitRsp, then the delivery report (300 ms) posted to the listener
  echo '{"cmd":"deliver","from":"+4915550003","to":"12345","subject":"Holiday","text":"Look at this","parts":[{"content_type":"image/gif","name":"beach.gif","base64":"'"$gif"'"}]}' >&4
  sleep 1.5
) | "$stub" run --config "$work/server/demo-mms.cfg" --linger 1 --app-name demo-dms \
    >"$work/mms-events.jsonl" 2>"$work/mms-dms.log"
exec 4>&- 3>&-

step "MMS events from dms-stub (stdout)"
show <"$work/mms-events.jsonl"

step "What the MMSC saw and did (mmsc-sim events)"
grep -E '"event":"(submit|post-result)"' "$work/mmsc.log" |
  python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    keep = {k: e[k] for k in ("event", "transaction_id", "to", "subject", "delivery_report",
                              "status", "message_id", "kind", "http_status", "outcome")
            if k in e}
    if "parts" in e:
        keep["parts"] = ["%s %s, %s bytes" % (p.get("content_type"), p.get("name"), p.get("size"))
                         for p in e["parts"]]
    print("  " + json.dumps(keep))
'

step "Driver log of the MMS run (dms-stub stderr)"
sed 's/^/  /' "$work/mms-dms.log"

if python3 - "$work/events.jsonl" "$work/mms-events.jsonl" "$work/mmsc.log" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mms = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
mmsc = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
def seen(pred, within=None):
    return any(pred(e) for e in (events if within is None else within))
def has_part(e, content_type):
    return any(p.get("contentType") == content_type for p in e.get("parts", []))
checks = {
    "positive esp-response for r1": seen(lambda e: e["event"] == "esp-response" and e.get("id") == "r1" and e.get("ok")),
    "delivery report for r1": seen(lambda e: e["event"] == "delivery-report" and e.get("id") == "r1"),
    "interaction in paging mode": seen(lambda e: e["event"] == "interaction" and e.get("mode") == "paging"),
    "interaction in chat mode": seen(lambda e: e["event"] == "interaction" and e.get("mode") == "chat"),
    "SendMMS m1 accepted by the MMSC": seen(lambda e: e["event"] == "esp-response" and e.get("id") == "m1" and e.get("ok"), mms),
    "MMSC received the PNG": seen(lambda e: e["event"] == "submit" and any(p.get("content_type") == "image/png" for p in e.get("parts", [])), mmsc),
    "MMS delivery report for m1": seen(lambda e: e["event"] == "delivery-report" and e.get("id") == "m1", mms),
    "inbound MMS with its GIF": seen(lambda e: e["event"] == "interaction" and has_part(e, "image/gif"), mms),
    "MMSC told the MMS was taken": seen(lambda e: e["event"] == "post-result" and e.get("kind") == "deliver" and e.get("outcome") == "acknowledged", mmsc),
}
for name, ok in checks.items():
    print(("  ok       " if ok else "  MISSING  ") + name)
sys.exit(0 if all(checks.values()) else 1)
PY
then
  step "Demo complete"
else
  step "Demo incomplete: see the events above" >&2
  exit 1
fi
