#!/bin/sh
# The driver module exports exactly one symbol: smsdrv_driver_entry (house style §1).
set -eu
module="$1"
symbols=$(nm -D --defined-only "$module" | awk '{print $NF}' | sort)
if [ "$symbols" != "smsdrv_driver_entry" ]; then
  echo "expected only smsdrv_driver_entry, the module exports:" >&2
  echo "$symbols" >&2
  exit 1
fi
echo "exports: $symbols"
