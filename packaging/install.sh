#!/usr/bin/env bash
# smsmms-channel-install - put the SMS/MMS channel driver's folder into a server root
# (docs/deployment.md):
#
#   <server-root>/media-channel-drivers/channel-smsmms/
#       libsmsmms.so
#       Configuration/SmsMmsDriver.cfg
#       Configuration/mms.cfg           (commented example of an MMS settings file)
#       logging-filter-smsmms.json
#       Business Process Examples/
#       uninstall/uninstall_custom.sh
#
# Usage: smsmms-channel-install <server-root> [--from <dir>] [--force]   (the smsmms-driver package)
#        packaging/install.sh <server-root> [--from <dir>] [--force]     (a source tree)
#   --from DIR  a channel folder (as the package keeps it), a CMake install stage
#               (DIR/media-channel-drivers/channel-smsmms/), or a build tree (its libsmsmms.so,
#               stripped, plus cfg/ and examples/ of the source tree). Default: the package's folder
#               when installed, else the first of build/release, build/ci, build/dev with a module.
#   --force     replace an existing installation (as uninstall, then install).
#   --help, --version
# The folder is assembled next to its final place and renamed into it, so a failed install
# leaves nothing behind.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
folder_name="channel-smsmms"
module_name="libsmsmms.so"
# Filled in when CMake installs this script (the package); left as they are in a source tree.
version="@PROJECT_VERSION@"
packaged_folder="@SMSDRV_PACKAGED_CHANNEL_DIR@"

installed=0 repo=""
if [[ "$version" != @* ]]; then
  installed=1
else
  repo="$(dirname "$here")"
  version="$(sed -n 's/^ *VERSION \([0-9][0-9.]*\)$/\1/p' "$repo/CMakeLists.txt" | head -n 1)"
fi

die() { echo "smsmms-channel-install: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }

root="" from="" force=0
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --version) echo "smsmms-channel-install $version"; exit 0 ;;
    --from) (($# >= 2)) || die "--from needs a directory"; from="$2"; shift 2 ;;
    --from=*) from="${1#--from=}"; shift ;;
    --force) force=1; shift ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$root" ] || die "only one server root, not '$root' and '$1'"; root="$1"; shift ;;
  esac
done
[ -n "$root" ] || { usage >&2; exit 2; }
[ -d "$root" ] || die "the server root '$root' does not exist (create it first: mkdir -p '$root')"
root="$(cd "$root" && pwd -P)"

drivers="$root/media-channel-drivers"
target="$drivers/$folder_name"
if [ -e "$target" ]; then
  ((force)) || die "$target already exists: run its uninstall/uninstall_custom.sh first, or pass --force"
  [ -f "$target/.channel-smsmms" ] || die "$target exists but is not an installed $folder_name folder; not replacing it"
fi

find_module() { find -H "$1" -name "$module_name" -type f 2>/dev/null | sort | head -n 1; }

stage="" module=""
if [ -z "$from" ] && ((installed)); then
  from="$(dirname "$here")/$packaged_folder"
  [ -f "$from/$module_name" ] || die "the package's channel folder $from has no $module_name; reinstall smsmms-driver"
fi
if [ -n "$from" ]; then
  [ -d "$from" ] || die "--from '$from' is not a directory"
  if [ -f "$from/$module_name" ] && [ -d "$from/Configuration" ]; then
    stage="$from"
  elif [ -d "$from/media-channel-drivers/$folder_name" ]; then
    stage="$from/media-channel-drivers/$folder_name"
    [ -f "$stage/$module_name" ] || die "the stage $stage has no $module_name"
  else
    [ -n "$repo" ] || die "--from '$from' is neither a channel folder nor a stage with media-channel-drivers/$folder_name"
    module="$(find_module "$from")"
    [ -n "$module" ] || die "no $module_name under $from; build the driver first (cmake --build --preset release) or pass another --from"
  fi
else
  for b in release ci dev; do
    [ -d "$repo/build/$b" ] || continue
    module="$(find_module "$repo/build/$b")"
    [ -n "$module" ] && break
  done
  [ -n "$module" ] || die "no $module_name in build/release, build/ci or build/dev; build the driver first or pass --from"
fi

mkdir -p "$drivers"
work="$(mktemp -d "$drivers/.$folder_name.install.XXXXXX")"
trap 'rm -rf -- "$work"' EXIT

if [ -n "$stage" ]; then
  cp -R "$stage/." "$work/"
  echo "smsmms-channel-install: from $stage"
else
  echo "smsmms-channel-install: module $module"
  # A build's module carries its debug information (tens of MB); the build keeps that copy, the
  # server root gets it stripped.
  if command -v strip >/dev/null; then
    strip --strip-unneeded --remove-section=.comment --remove-section=.note \
      -o "$work/$module_name" "$module"
    chmod 0755 "$work/$module_name"
  else
    echo "smsmms-channel-install: warning: no strip command; the module keeps its debug information" >&2
    install -m 0755 "$module" "$work/$module_name"
  fi
  mkdir -p "$work/Configuration" "$work/Business Process Examples"
  install -m 0644 "$repo/cfg/SmsMmsDriver.cfg" "$work/Configuration/SmsMmsDriver.cfg"
  install -m 0644 "$repo/cfg/mms.cfg" "$work/Configuration/mms.cfg"
  install -m 0644 "$repo/cfg/logging-filter-smsmms.json" "$work/logging-filter-smsmms.json"
  cp -R "$repo/examples/business-processes/." "$work/Business Process Examples/"
fi
# Whatever the source, the folder ends with its uninstaller and the marker it checks: from this
# source tree when there is one, else as the channel folder brought them.
if [ -n "$repo" ]; then
  mkdir -p "$work/uninstall"
  install -m 0755 "$here/uninstall_custom.sh" "$work/uninstall/uninstall_custom.sh"
  install -m 0644 "$here/channel-smsmms.marker" "$work/.channel-smsmms"
fi
[ -x "$work/uninstall/uninstall_custom.sh" ] && [ -f "$work/.channel-smsmms" ] ||
  die "the channel folder from $stage has no uninstall/uninstall_custom.sh or .channel-smsmms"
chmod 0755 "$work"

if [ -e "$target" ]; then
  "$target/uninstall/uninstall_custom.sh" >/dev/null 2>&1 || rm -rf -- "$target"
fi
mv -- "$work" "$target"
trap - EXIT
echo "smsmms-channel-install: installed $target"
echo "smsmms-channel-install: import Configuration/SmsMmsDriver.cfg into the server's options, then restart it"
