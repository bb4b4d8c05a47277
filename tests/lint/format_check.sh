#!/bin/sh
# ctest (label lint): every C and C++ file git tracks is formatted as .clang-format says (the
# same files `make format` formats). Prints the first differences and fails when one is not.
# Skipped (77) outside a git checkout or without clang-format.
# usage: format_check.sh SOURCE_DIR
set -eu
src="$1"
command -v clang-format >/dev/null 2>&1 || { echo "clang-format not found (scripts/setup.sh)"; exit 77; }
git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "not a git checkout"; exit 77; }
cd "$src"
out=$(git ls-files -z '*.cpp' '*.hpp' '*.h' '*.c' | xargs -0 clang-format --dry-run --Werror 2>&1) || {
  printf '%s\n' "$out" | head -40
  echo "not formatted: run 'make format'"
  exit 1
}
echo "every tracked C/C++ file is formatted"
