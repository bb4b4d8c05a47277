#!/usr/bin/env bash
# build-packages.sh - the Debian packages from an existing build tree (docs/packaging.md):
#
#   packaging/build-packages.sh <build dir> <output dir>      (make packages: build/ci, build/packages)
#
# Writes smsmms-driver_<v>_<arch>.deb, smsmms-tools_<v>_<arch>.deb, smsdrv-dev_<v>_all.deb and
# the debug packages smsmms-driver-dbgsym_<v>_<arch>.ddeb, smsmms-tools-dbgsym_<v>_<arch>.ddeb into
# <output dir>, and nothing else. The build tree must be built (it is not rebuilt) and must not be
# a sanitizer build.
set -euo pipefail

die() { echo "build-packages.sh: $*" >&2; exit 1; }
(($# == 2)) || die "usage: build-packages.sh <build dir> <output dir>"
build="$(cd "$1" && pwd -P)" || die "no build directory $1"
out="$2"
[ -f "$build/CPackConfig.cmake" ] || die "$build has no CPackConfig.cmake: configure it with CMake first"
grep -q '^SMSDRV_SANITIZE:STRING=$' "$build/CMakeCache.txt" ||
  die "$build is a sanitizer build: its programs need the sanitizer runtime; package an optimised build (build/ci, build/release)"

mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
stage="$(mktemp -d "$out/.cpack.XXXXXX")"
trap 'rm -rf -- "$stage"' EXIT
cpack --config "$build/CPackConfig.cmake" -B "$stage" >"$stage/cpack.log" 2>&1 ||
  { cat "$stage/cpack.log" >&2; die "cpack failed"; }
for deb in "$stage"/*.deb; do
  name="$(basename "$deb")"
  case "$name" in
    *-dbgsym_*) mv -f -- "$deb" "$out/${name%.deb}.ddeb" ;;
    *) mv -f -- "$deb" "$out/$name" ;;
  esac
done
(cd "$out" && ls -l -- *.deb *.ddeb)
