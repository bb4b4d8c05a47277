#!/usr/bin/env bash
# The Debian packages, built from the (already built) build tree, checked, and used from the
# installed files only:
#   - exactly the expected packages and debug packages, versioned from CMakeLists.txt, and exactly
#     the expected commands (the driver's two, the host, both simulators, the load tool, the demo);
#   - the module and programs stripped, their debug information in the -dbgsym packages under
#     their build ids; a manual page, copyright and changelog where Debian wants them;
#   - lintian: no tag but those the packages override (each explained in docs/packaging.md);
#   - README.md's packaged install followed as written (readme_steps.sh): `apt install` into a
#     throw-away root (dpkg --root, dependencies checked against this machine's packages), with
#     the source and build trees hidden where a mount namespace can be made; smsmms-demo runs to
#     the end from the installed files; smsmms-channel-install makes the server root; dms-stub
#     answers with the README's options file;
#   - in that root: every program answers --version; smsmms-channel-install refuses a second
#     install and smsmms-channel-uninstall takes the folder out; smpp-bench finds the installed
#     module and simulator; a third party's project builds against the packaged SDK and loads the
#     packaged module.
# Usage: deb_packages_test.sh <build dir> <source dir> <version> <C compiler> <C++ compiler>
set -euo pipefail

build="$1" src="$2" version="$3" cc="$4" cxx="$5"
arch="$(dpkg --print-architecture)"
work="$(mktemp -d "${TMPDIR:-/tmp}/smsdrv-debs.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
fail() { echo "deb_packages_test: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# has PATTERN COMMAND...: COMMAND succeeds and its output has a line matching PATTERN. (Not
# `COMMAND | grep -q`: under pipefail, grep -q's early exit can fail COMMAND with SIGPIPE.)
has() {
  local output
  output="$("${@:2}")" || return 1
  [ "$(grep -c -e "$1" <<<"$output")" -gt 0 ]
}

# 1. Build them.
debs="$work/debs"
"$src/packaging/build-packages.sh" "$build" "$debs" >/dev/null
expected="smsdrv-dev_${version}_all.deb
smsmms-driver-dbgsym_${version}_${arch}.ddeb
smsmms-driver_${version}_${arch}.deb
smsmms-tools-dbgsym_${version}_${arch}.ddeb
smsmms-tools_${version}_${arch}.deb"
got="$(cd "$debs" && ls | LC_ALL=C sort)"
[ "$got" = "$(LC_ALL=C sort <<<"$expected")" ] || fail "packages: expected
$expected
got
$got"
ok "packages: $(echo $got)"
head="$(sed -n 's/^## \([^ ]*\) - .*/\1/p' "$src/CHANGELOG.md" | head -n 1)"
[ "$head" = "$version" ] || fail "CHANGELOG.md's latest entry is '$head', the version is $version"

# 2. Lintian: nothing but what the packages override. Two heuristics over machine code are left
# out, as they change with any edit of the code (docs/packaging.md): spelling-error-in-binary
# (fragments of strings in immediate operands) and hardening-no-fortify-functions (a program
# whose calls have no size known at compile time); fortification is checked below instead.
command -v lintian >/dev/null || fail "lintian is missing (scripts/setup.sh installs it)"
tags="$(cd "$debs" && lintian -I --pedantic -E --profile debian \
          --suppress-tags spelling-error-in-binary,hardening-no-fortify-functions \
          *.deb *.ddeb 2>&1 | grep -v '^running with root privileges' || true)"
[ -z "$tags" ] || fail "lintian:
$tags"
ok "lintian: no tags (overrides: $(cat "$src"/packaging/lintian/* | grep -c '^[a-z]'))"

# 3. README.md's packaged install, as written: the packages into a throw-away root, the demo from
# there, a server root, a first channel. Then the debug packages into the same root.
"$src/tests/packaging/readme_steps.sh" packaged "$src" "$build" "$debs" "$work"
root="$work/root"
dpkg --root="$root" --force-not-root -i "$debs"/*.ddeb >"$work/dbgsym.log" 2>&1 ||
  { cat "$work/dbgsym.log" >&2; fail "the debug packages do not install beside the packages"; }
usr="$root/usr"
module="$usr/lib/smsmms-driver/channel-smsmms/libsmsmms.so"
has ', stripped' file -L "$module" || fail "the packaged module is not stripped: $(file "$module")"
programs="$(cd "$usr/bin" && ls | LC_ALL=C sort | tr '\n' ' ')"
[ "$programs" = "dms-stub http-sink mmsc-sim smpp-bench smsc-sim smsc-sim-flood smsmms-channel-install smsmms-channel-uninstall smsmms-demo " ] ||
  fail "the packages install these commands: $programs"
for f in "$module" "$usr"/bin/dms-stub "$usr"/bin/smsc-sim "$usr"/bin/mmsc-sim \
         "$usr"/bin/smpp-bench "$usr"/bin/smsc-sim-flood "$usr"/bin/http-sink; do
  id="$(readelf -n "$f" | sed -n 's/.*Build ID: \([0-9a-f]*\)/\1/p')"
  debug="$usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
  [ -f "$debug" ] || fail "no debug file $debug for $f"
  has '\.debug_info' readelf -S "$debug" || fail "$debug has no .debug_info"
  has ', stripped' file -L "$f" || fail "$f is not stripped"
done
for f in "$module" "$usr"/bin/dms-stub "$usr"/bin/smsc-sim "$usr"/bin/mmsc-sim; do
  fortified="$(readelf --dyn-syms --wide "$f" | grep -v __stack_chk_fail | grep -c '__[a-z0-9]*_chk@' || true)"
  [ "$fortified" -gt 0 ] || fail "$f calls no fortified function (_FORTIFY_SOURCE)"
  has 'BIND_NOW' readelf -d "$f" || fail "$f is not linked with -z now"
done
ok "module $(stat -c %s "$module") bytes, stripped; debug information in the -dbgsym packages; hardened"
for program in "$usr"/bin/*; do
  name="$(basename "$program")"
  line="$("$program" --version)" || fail "$name --version failed"
  [ "$line" = "$name $version" ] || [[ "$line" == "$name $version "* ]] ||
    fail "$name --version says '$line', not '$name $version'"
  [ -f "$usr/share/man/man1/$name.1.gz" ] || fail "no manual page for $name"
done
for package in smsmms-driver smsmms-tools smsdrv-dev smsmms-driver-dbgsym smsmms-tools-dbgsym; do
  [ -f "$usr/share/doc/$package/copyright" ] && [ -f "$usr/share/doc/$package/changelog.gz" ] ||
    fail "$package has no copyright or changelog.gz"
done
ok "every program: --version '$version', a manual page"

# The channel folder into a server root and out again.
server="$work/server"
mkdir -p "$server/media-channel-drivers/channel-other"
"$usr/bin/smsmms-channel-install" "$server" >/dev/null
folder="$server/media-channel-drivers/channel-smsmms"
for f in libsmsmms.so Configuration/SmsMmsDriver.cfg logging-filter-smsmms.json \
         "Business Process Examples/README.md" uninstall/uninstall_custom.sh .channel-smsmms; do
  [ -f "$folder/$f" ] || fail "smsmms-channel-install left out $f"
done
cmp -s "$module" "$folder/libsmsmms.so" || fail "the installed module is not the packaged one"
"$usr/bin/smsmms-channel-install" "$server" >/dev/null 2>&1 && fail "a second install without --force succeeded"
"$usr/bin/smsmms-channel-uninstall" "$server" >/dev/null
[ ! -e "$folder" ] && [ -d "$server/media-channel-drivers/channel-other" ] ||
  fail "smsmms-channel-uninstall did not remove exactly the channel folder"
ok "smsmms-channel-install / smsmms-channel-uninstall"

# smpp-bench finds what the packages installed next to it.
line="$("$usr/bin/smpp-bench" driver --count 2000 --window 10 --no-progress | tail -n 1)"
python3 -c 'import json, sys; r = json.loads(sys.argv[1]); assert r["ok"] == 2000, r' "$line" ||
  fail "smpp-bench driver from the packages: $line"
ok "smpp-bench with the packaged module and simulator"

# The packaged SDK, for a third party.
cmake -S "$src/tests/sdk/consumer" -B "$work/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$usr" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/consumer.log" 2>&1 &&
  grep -q "headers in $usr/include" "$work/consumer.log" &&
  cmake --build "$work/consumer" >>"$work/consumer.log" 2>&1 ||
  { cat "$work/consumer.log" >&2; fail "the consumer project does not build against the packaged SDK"; }
[[ "$("$work/consumer/cpp_host" "$module")" == "smsmms $version abi 1."* ]] ||
  fail "the consumer does not load the packaged module"
ok "the packaged SDK: find_package(smsdrv), the packaged module loaded"
