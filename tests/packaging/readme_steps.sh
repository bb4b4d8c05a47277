#!/usr/bin/env bash
# The README's install steps, run as a new user would type them, with a throw-away HOME:
#
#   readme_steps.sh from-source <source dir> <build dir>
#       "From the source tree", then "Configuring a channel", in a throw-away checkout (the
#       source tree's files, its build/ci being <build dir>).
#   readme_steps.sh packaged <source dir> <build dir> <packages dir> <work dir>
#       "From Debian packages", then "Configuring a channel", in an empty directory; `apt install`
#       installs into the throw-away root <work dir>/root (dpkg --root, with this machine's
#       package database so that dependencies are checked), and where a mount namespace can be
#       made (root) the source and build trees are hidden under an empty tmpfs meanwhile, so that
#       nothing but the installed files can be used. Leaves <work dir>/root and <work dir>/home
#       for further checks.
#
# The steps are README.md's own: every ```sh block between `<!-- readme-steps: NAME -->` and
# `<!-- /readme-steps -->`, in order, run in one shell with `set -e -o pipefail` (a failing step
# fails the test). Stand-ins replace only what cannot run inside a test:
#   make build     the tree under test is that build: checked to be what the Makefile's recipe
#                  builds (the ci preset), not rebuilt;
#   make packages  checked to run `packaging/build-packages.sh build/ci build/packages`, the
#                  command whose output <packages dir> is;
#   apt install    of local .deb files only, into the throw-away root;
#   port 2775      the SMSC simulator's port, replaced by a free one (tests run in parallel).
# Any other use of make, apt, apt-get, dpkg or sudo in the steps fails the test: the steps must
# stay something this test can follow.
# Then it checks what the steps promise: the server root holds the channel folder with every file
# of the README's layout, the options file the next command reads is there, and dms-stub, started
# with it, loaded the module from the server root, bound to the simulator and answered SendSMS.
set -euo pipefail

mode="${1:-}"
fail() { echo "readme_steps ($mode): $*" >&2; exit 1; }
case "$mode" in
  from-source) (($# == 3)) || fail "usage: readme_steps.sh from-source <source dir> <build dir>"
               src="$(cd "$2" && pwd -P)" build="$(cd "$3" && pwd -P)"
               work="$(mktemp -d "${TMPDIR:-/tmp}/smsdrv-readme.XXXXXX")"
               trap 'rm -rf -- "$work"' EXIT ;;
  packaged) (($# == 5)) || fail "usage: readme_steps.sh packaged <source dir> <build dir> <packages dir> <work dir>"
            src="$(cd "$2" && pwd -P)" build="$(cd "$3" && pwd -P)" debs="$(cd "$4" && pwd -P)"
            work="$(cd "$5" && pwd -P)" ;;
  *) fail "usage: readme_steps.sh from-source|packaged ..." ;;
esac
readme="$src/README.md"
debs="${debs:-}"
version="$(sed -n 's/^ *VERSION \([0-9][0-9.]*\)$/\1/p' "$src/CMakeLists.txt" | head -n 1)"

# A region's shell steps, or a non-sh block's lines with `block`.
extract() {  # <region> [sh|block]
  python3 - "$readme" "$1" "${2:-sh}" <<'PY'
import re, sys
readme, name, kind = sys.argv[1:]
lines = open(readme, encoding="utf-8").read().split("\n")
start = f"<!-- readme-steps: {name} -->"
try:
    begin = lines.index(start)
    end = lines.index("<!-- /readme-steps -->", begin)
except ValueError:
    sys.exit(f"README.md has no region '{start}' ... '<!-- /readme-steps -->'")
out, inside = [], None
for line in lines[begin + 1:end]:
    if inside is None and line.startswith("```"):
        inside = line[3:].strip()
        continue
    if inside is not None and line.startswith("```"):
        inside = None
        continue
    if inside is not None and (inside == "sh") == (kind == "sh"):
        out.append(line)
if not out:
    sys.exit(f"README.md's region '{name}' has no {'```sh' if kind == 'sh' else '```'} block")
print("\n".join(out))
PY
}

# The README opens with exactly the two commands.
top="$(awk '/^```/ { if (inside) exit; inside = 1; next } inside' "$readme" |
       sed 's/ *#.*//' | grep -v '^ *$' || true)"
[ "$top" = "make demo
make test" ] || fail "README.md's first block is not exactly 'make demo' and 'make test': $top"

steps_install="$(extract "$mode")"
steps_channel="$(extract first-channel)"
for word in sudo apt-get dpkg aptitude; do
  grep -Eq "(^|[^[:alnum:]_-])$word([^[:alnum:]_-]|$)" <<<"$steps_install$steps_channel" &&
    fail "the README's steps use '$word', which this test cannot run in a throw-away root"
done
grep -c '2775' <<<"$steps_channel" | grep -qx 2 ||
  fail "the README's channel steps no longer name port 2775 exactly twice (options file, simulator)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
steps_channel="${steps_channel//2775/$port}"

# What the Makefile's recipes do, checked here (the trees may be hidden while the steps run).
recipe() { make --no-print-directory -s -n -f "$src/Makefile" -C "$src" -o setup "$@"; }
grep -q 'cmake --build --preset ci' <<<"$(recipe build)" ||
  fail "'make build' no longer builds the ci preset: $(recipe build)"
[ "$(recipe -o build packages)" = "packaging/build-packages.sh build/ci build/packages" ] ||
  fail "'make packages' no longer runs 'packaging/build-packages.sh build/ci build/packages': $(recipe -o build packages)"

home="$work/home"
mkdir -p "$home"
root="$work/root"
if [ "$mode" = from-source ]; then
  # A checkout whose build/ci is the build under test.
  cwd="$work/checkout"
  mkdir -p "$cwd/build"
  for entry in "$src"/* "$src"/.[!.]*; do
    [ -e "$entry" ] && [ "$(basename "$entry")" != build ] && ln -s "$entry" "$cwd/"
  done
  ln -s "$build" "$cwd/build/ci"
  path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  cwd="$work/cwd"
  mkdir -p "$cwd" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
  # This machine's package database, so that dpkg checks the packages' dependencies against what
  # is installed, as apt would; an empty file list per installed package.
  cp /var/lib/dpkg/status "$root/var/lib/dpkg/status"
  : >"$root/var/lib/dpkg/available"
  (cd "$root/var/lib/dpkg/info" &&
     dpkg-query -W -f '${binary:Package}\n' | while read -r p; do : >"$p.list"; done)
  path="$root/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
fi

steps="$work/steps.sh"
{
  cat <<SH
set -e -o pipefail
trap 'kill \$(jobs -p) 2>/dev/null || true' EXIT
make() {
  case "\$*" in
    build) echo "make build: the build under test" ;;
    packages) mkdir -p build && ln -sfn "$debs" build/packages && echo "make packages: $debs" ;;
    *) echo "readme_steps: no stand-in for 'make \$*'" >&2; return 1 ;;
  esac
}
apt() {
  [ "\$1" = install ] || { echo "readme_steps: no stand-in for 'apt \$1'" >&2; return 1; }
  shift
  local f
  for f; do
    case "\$f" in ./*.deb|/*.deb) [ -f "\$f" ] || { echo "apt: no file \$f" >&2; return 1; } ;;
                  *) echo "readme_steps: apt install '\$f': only local .deb files here" >&2; return 1 ;;
    esac
  done
  dpkg --root="$root" --force-not-root -i "\$@"
}
echo "== readme-steps: $mode"
SH
  printf '%s\n' "$steps_install"
  echo 'echo "== readme-steps: first-channel"'
  printf '%s\n' "$steps_channel"
} >"$steps"

run=(env -i "HOME=$home" "PATH=$path" "LANG=C.UTF-8" "TMPDIR=${TMPDIR:-/tmp}" bash "$steps")
hidden=()
if [ "$mode" = packaged ] && unshare --mount true 2>/dev/null; then
  for dir in "$src" "$build"; do
    case "$work/" in "$dir/"*) continue ;; esac        # the work directory stays visible
    case "$dir/" in "$src/"*) [ "$dir" = "$src" ] || continue ;; esac  # hidden with the source
    hidden+=("$dir")
  done
  run=(unshare --mount --propagation private bash -c '
         n="$1"; shift
         for ((i = 0; i < n; i++)); do mount -t tmpfs -o size=1m,mode=0755 hidden "$1"; shift; done
         exec "$@"' _ "${#hidden[@]}" "${hidden[@]}" "${run[@]}")
fi
echo "readme_steps ($mode): running the README's steps in $cwd (HOME=$home)${hidden[*]:+, hidden: ${hidden[*]}}"
(cd "$cwd" && "${run[@]}") >"$work/steps.out" 2>"$work/steps.err" || {
  echo "--- steps"; cat "$steps"; echo "--- stdout"; cat "$work/steps.out"; echo "--- stderr"
  cat "$work/steps.err"
  fail "a step of README.md failed"
} >&2

# What the steps promise.
show_and_fail() { { echo "--- stdout"; cat "$work/steps.out"; echo "--- stderr"; cat "$work/steps.err"; } >&2; fail "$*"; }
folder="$home/dms/media-channel-drivers/channel-smsmms"
while IFS= read -r entry; do  # the README's layout block: one file or folder a line, then a comment
  entry="$(sed 's/ *#.*//; s/^ *//; s/ *$//' <<<"$entry")"
  case "$entry" in ""|"~/dms/media-channel-drivers/channel-smsmms/") continue ;; esac
  [ -e "$folder/$entry" ] || show_and_fail "the README's layout lists $entry, which $folder does not hold"
done <<<"$(extract layout block)"
[ -f "$home/dms/dms.cfg" ] || show_and_fail "no ~/dms/dms.cfg after the steps"
python3 - "$work/steps.out" "$mode" <<'PY' || show_and_fail "dms-stub did not bind and answer"
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("== readme-steps: first-channel\n", 1)[1]
events = [json.loads(l) for l in section.splitlines() if l.startswith('{"event"')]
assert any(e["event"] == "channel-state" and e["attributes"].get("state") == "bound"
           for e in events), events
answers = [e for e in events if e["event"] == "esp-response" and e.get("id") == "r1"]
assert len(answers) == 1 and answers[0]["ok"], answers
PY
grep -q "loaded driver smsmms $version from $folder/libsmsmms.so" "$work/steps.err" ||
  show_and_fail "dms-stub did not load smsmms $version from $folder/libsmsmms.so"
if [ "$mode" = packaged ]; then
  for p in smsmms-driver smsmms-tools smsdrv-dev; do
    [ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${db:Status-Abbrev}${Version}' "$p")" = "ii $version" ] ||
      show_and_fail "$p $version is not installed in $root"
  done
  grep -q "Demo complete" "$work/steps.out" || show_and_fail "smsmms-demo did not complete"
  grep -q "programs: $root/usr/bin/dms-stub, $root/usr/bin/smsc-sim" "$work/steps.out" ||
    show_and_fail "smsmms-demo did not run the installed programs"
  cmp -s "$folder/libsmsmms.so" "$root/usr/lib/smsmms-driver/channel-smsmms/libsmsmms.so" ||
    show_and_fail "the server root's module is not the packaged one"
fi
echo "ok: README.md's $mode steps and first channel: $folder, dms-stub bound and answered${hidden[*]:+ (hidden: ${hidden[*]})}"
