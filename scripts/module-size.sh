#!/usr/bin/env bash
# module-size.sh - what the driver module weighs, as built and as installed, and what takes the
# room (docs/packaging.md "The module's size"):
#
#   scripts/module-size.sh [<libsmsmms.so>]        default: build/ci/driver/libsmsmms.so
#
# Prints the module's size as built, its debug sections, its size stripped the way the packages
# and install.sh strip it, the largest sections of the stripped module (size -A), and its code
# (text symbols, nm -C --size-sort -S, one per address) summed by namespace: boost::<library>, smsdrv::<part>,
# std, pugi, fmt, rapidjson, the rest. Writes only a temporary stripped copy, removed at exit.
set -euo pipefail

module="${1:-build/ci/driver/libsmsmms.so}"
[ -f "$module" ] || { echo "module-size.sh: no $module (build it first: make build)" >&2; exit 1; }
stripped="$(mktemp "${TMPDIR:-/tmp}/libsmsmms.stripped.XXXXXX")"
trap 'rm -f -- "$stripped"' EXIT
strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$stripped" "$module"

built="$(stat -c %s "$module")"
debug="$(size -A "$module" | awk '$1 ~ /^\.debug_/ { s += $2 } END { print s + 0 }')"
small="$(stat -c %s "$stripped")"
printf '%-44s %12s\n' "libsmsmms.so" "bytes"
printf '%-44s %12d\n' "as built ($module)" "$built"
printf '%-44s %12d  (%d%%)\n' "  of which debug sections (.debug_*)" "$debug" $((debug * 100 / built))
printf '%-44s %12d\n' "stripped (as packaged and installed)" "$small"
echo
echo "largest sections of the stripped module (size -A):"
size -A "$stripped" | awk 'NR > 2 && $1 ~ /^\./ && $2 > 0 { print }' | sort -k2,2nr | head -n 8 |
  awk '{ printf "  %-20s %10d\n", $1, $2 }'
echo
echo "code by namespace (text symbols, nm -C --size-sort -S):"
nm -C --size-sort -S "$module" | python3 -c '
import re, sys
total, by, seen = 0, {}, set()
def group(name):
    for prefix in ("non-virtual thunk to ", "virtual thunk to ", "construction vtable for ",
                   "vtable for ", "typeinfo for ", "typeinfo name for ", "guard variable for "):
        if name.startswith(prefix):
            name = name[len(prefix):]
    depth, plain = 0, []
    for c in name:                      # drop template arguments and everything from "("
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth == 0:
            break
        elif depth == 0:
            plain.append(c)
    words = "".join(plain).split()
    parts = (words[-1] if words else name).split("::")
    if parts[0] == "boost" and len(parts) > 2 and parts[1].startswith("re_detail"):
        return "boost::regex"
    if parts[0] in ("boost", "smsdrv") and len(parts) > 2:
        return "::".join(parts[:2])
    if parts[0] in ("std", "__gnu_cxx", "__cxxabiv1"):
        return "std (standard library instantiations)"
    if parts[0] in ("pugi", "fmt", "rapidjson", "boost", "smsdrv") and len(parts) > 1:
        return parts[0]
    return "other (C functions, anonymous namespaces, the ABI entry point)"
for line in sys.stdin:
    fields = line.split(None, 3)
    if len(fields) < 4 or fields[2] not in "tTwW" or fields[0] in seen:
        continue                        # aliases (C1/C2 constructors) share an address
    seen.add(fields[0])
    size = int(fields[1], 16)
    total += size
    key = group(fields[3].strip())
    by[key] = by.get(key, 0) + size
for key, size in sorted(by.items(), key=lambda kv: -kv[1])[:16]:
    print(f"  {100 * size / total:5.1f}%  {size:9d}  {key}")
print(f"  100.0%  {total:9d}  all text symbols")
'
echo
echo "shared libraries it needs (not in the module):"
readelf -d "$stripped" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/  \1/p'
