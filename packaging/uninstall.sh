#!/usr/bin/env bash
# smsmms-channel-uninstall - take the SMS/MMS channel driver's folder out of a server root again.
#
# Usage: smsmms-channel-uninstall <server-root>
#   Runs <server-root>/media-channel-drivers/channel-smsmms/uninstall/uninstall_custom.sh, which
#   removes that folder and nothing else (it checks the folder's name, place and marker first).
#   Stop the server that uses the driver first.
#   --help, --version
set -euo pipefail

version="@PROJECT_VERSION@"  # filled in when CMake installs this script
die() { echo "smsmms-channel-uninstall: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }

root=""
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --version) echo "smsmms-channel-uninstall $version"; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$root" ] || die "only one server root, not '$root' and '$1'"; root="$1"; shift ;;
  esac
done
[ -n "$root" ] || { usage >&2; exit 2; }
[ -d "$root" ] || die "the server root '$root' does not exist"
uninstaller="$root/media-channel-drivers/channel-smsmms/uninstall/uninstall_custom.sh"
[ -x "$uninstaller" ] || die "no driver installed in $root (no $uninstaller)"
exec "$uninstaller"
