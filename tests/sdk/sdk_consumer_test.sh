#!/usr/bin/env bash
# The SDK as a third party gets it: installed into an empty prefix (`cmake --install --component
# sdk`), then a project that knows only `find_package(smsdrv)` is configured, built and run
# against the real driver module and a driver of its own; the same host builds with pkg-config.
# Usage: sdk_consumer_test.sh <build dir> <module.so> <C compiler> <C++ compiler>
set -euo pipefail

build="$1" module="$2" cc="$3" cxx="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
work="$(mktemp -d "${TMPDIR:-/tmp}/smsdrv-sdk.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT
fail() { echo "sdk_consumer_test: $*" >&2; exit 1; }

prefix="$work/prefix"
cmake --install "$build" --component sdk --prefix "$prefix" >"$work/install.log"
for f in include/smsdrv/smsdrv.h include/smsdrv/smsdrv.hpp include/smsdrv/status.hpp \
         share/cmake/smsdrv/smsdrvConfig.cmake share/cmake/smsdrv/smsdrvConfigVersion.cmake \
         share/cmake/smsdrv/smsdrvTargets.cmake share/pkgconfig/smsdrv.pc; do
  [ -f "$prefix/$f" ] || fail "the SDK install has no $f"
done
# Only the SDK (and its package's copyright and changelog): no module, no program, nothing
# architecture-dependent.
extra="$(cd "$prefix" && find . -type f ! -path './include/smsdrv/*' ! -path './share/cmake/smsdrv/*' \
                                 ! -path ./share/pkgconfig/smsdrv.pc ! -path './share/doc/smsdrv-dev/*')"
[ -z "$extra" ] || fail "the SDK component installs more than the SDK: $extra"

# CMake: a fresh configure, no cache, no package registry, nothing but the prefix.
cmake -S "$here/consumer" -B "$work/cmake-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; fail "configure failed"; }
grep -q "headers in $prefix/include" "$work/configure.log" ||
  { cat "$work/configure.log" >&2; fail "the headers did not come from $prefix"; }
cmake --build "$work/cmake-build" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; fail "build failed"; }

expect_line() {  # <what> <regex> <command...>
  local what="$1" re="$2" out
  shift 2
  out="$("$@")" || fail "$what: '$*' failed"
  [[ "$out" =~ $re ]] || fail "$what: '$out' does not match '$re'"
  echo "ok: $what: $out"
}
expect_line "C host, driver module" '^smsmms [0-9]+\.[0-9]+\.[0-9]+ abi 1\.[0-9]+$' \
  "$work/cmake-build/c_host" "$module"
expect_line "C++ host, driver module" '^smsmms [0-9.]+ abi 1\.[0-9]+ metrics yes$' \
  "$work/cmake-build/cpp_host" "$module"
expect_line "C++ host, the consumer's own ABI 1.0 driver" '^null 1\.0 abi 1\.0 metrics no$' \
  "$work/cmake-build/cpp_host" "$work/cmake-build/libnull_driver.so"
[ "$(nm -D --defined-only "$work/cmake-build/libnull_driver.so" | grep -c ' T smsdrv_driver_entry$')" = 1 ] ||
  fail "the consumer's driver does not export smsdrv_driver_entry"

# pkg-config, from the relocated prefix.
flags="$(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --cflags smsdrv)"
flags="${flags%% }"
[[ "$flags" == -I* ]] && [ "$(realpath "${flags#-I}")" = "$(realpath "$prefix/include")" ] ||
  fail "pkg-config --cflags smsdrv gave '$flags', not -I of $prefix/include"
version="$(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --modversion smsdrv)"
"$cc" -std=c99 -pedantic -Wall -Werror $flags "$here/consumer/c_host.c" -o "$work/c_host_pc" -ldl
expect_line "pkg-config C host (smsdrv $version)" '^smsmms ' "$work/c_host_pc" "$module"
