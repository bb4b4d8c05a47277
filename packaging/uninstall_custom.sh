#!/usr/bin/env bash
# uninstall_custom.sh - remove the channel-smsmms folder this script is installed in:
#   <server-root>/media-channel-drivers/channel-smsmms/uninstall/uninstall_custom.sh
# Stop the server using the driver first. It refuses to remove anything but an installed
# channel-smsmms folder (checked by its place and by the .channel-smsmms marker that install.sh
# and the CMake install write), and leaves media-channel-drivers/ itself alone.
set -euo pipefail

self_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
folder="$(dirname "$self_dir")"
parent="$(dirname "$folder")"

refuse() {
  echo "uninstall_custom.sh: refusing to remove $folder: $*" >&2
  exit 1
}
[ "$(basename "$self_dir")" = "uninstall" ] || refuse "this script is not in its uninstall/ folder"
[ "$(basename "$folder")" = "channel-smsmms" ] || refuse "the folder is not named channel-smsmms"
[ "$(basename "$parent")" = "media-channel-drivers" ] || refuse "it is not inside media-channel-drivers/"
[ -f "$folder/.channel-smsmms" ] || refuse "it has no .channel-smsmms marker, so it was not installed by install.sh"

rm -rf -- "$folder"
echo "uninstall_custom.sh: removed $folder"
