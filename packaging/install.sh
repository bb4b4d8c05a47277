#!/usr/bin/env bash
# install.sh - put the SMS/MMS channel driver into a server root (docs/deployment.md):
#
#   <server-root>/media-channel-drivers/channel-smsmms/
#       libsmsmms.so
#       Configuration/SmsMmsDriver.cfg
#       Configuration/mms.cfg           (commented example of an MMS settings file)
#       logging-filter-smsmms.json
#       Business Process Examples/
#       uninstall/uninstall_custom.sh
#
# Usage: packaging/install.sh <server-root> [--from <build-or-stage dir>] [--force]
#   --from DIR  a CMake install stage (DIR/media-channel-drivers/channel-smsmms/ is copied as is)
#               or a build tree (its libsmsmms.so, plus cfg/ and examples/ of this source tree).
#               Default: the first of build/release, build/ci, build/dev that has libsmsmms.so.
#   --force     replace an existing installation (as uninstall, then install).
# The folder is assembled next to its final place and renamed into it, so a failed install
# leaves nothing behind.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
folder_name="channel-smsmms"
module_name="libsmsmms.so"

die() { echo "install.sh: $*" >&2; exit 1; }
usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

root="" from="" force=0
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --from) (($# >= 2)) || die "--from needs a directory"; from="$2"; shift 2 ;;
    --from=*) from="${1#--from=}"; shift ;;
    --force) force=1; shift ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$root" ] || die "only one server root, not '$root' and '$1'"; root="$1"; shift ;;
  esac
done
[ -n "$root" ] || { usage >&2; exit 2; }
[ -d "$root" ] || die "the server root '$root' does not exist"
root="$(cd "$root" && pwd -P)"

drivers="$root/media-channel-drivers"
target="$drivers/$folder_name"
if [ -e "$target" ]; then
  ((force)) || die "$target already exists: run its uninstall/uninstall_custom.sh first, or pass --force"
  [ -f "$target/.channel-smsmms" ] || die "$target exists but is not an installed $folder_name folder; not replacing it"
fi

find_module() { find "$1" -name "$module_name" -type f 2>/dev/null | sort | head -n 1; }

stage="" module=""
if [ -n "$from" ]; then
  [ -d "$from" ] || die "--from '$from' is not a directory"
  if [ -d "$from/media-channel-drivers/$folder_name" ]; then
    stage="$from/media-channel-drivers/$folder_name"
    [ -f "$stage/$module_name" ] || die "the stage $stage has no $module_name"
  else
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
  echo "install.sh: from the stage $stage"
else
  echo "install.sh: module $module"
  install -m 0755 "$module" "$work/$module_name"
  mkdir -p "$work/Configuration" "$work/Business Process Examples"
  if [ -f "$repo/cfg/SmsMmsDriver.cfg" ]; then
    install -m 0644 "$repo/cfg/SmsMmsDriver.cfg" "$work/Configuration/SmsMmsDriver.cfg"
  else
    echo "install.sh: warning: $repo/cfg/SmsMmsDriver.cfg is missing; Configuration/ stays empty" >&2
  fi
  if [ -f "$repo/cfg/mms.cfg" ]; then
    install -m 0644 "$repo/cfg/mms.cfg" "$work/Configuration/mms.cfg"
  fi
  if [ -f "$repo/cfg/logging-filter-smsmms.json" ]; then
    install -m 0644 "$repo/cfg/logging-filter-smsmms.json" "$work/logging-filter-smsmms.json"
  else
    echo "install.sh: warning: $repo/cfg/logging-filter-smsmms.json is missing" >&2
  fi
  if [ -d "$repo/examples/business-processes" ]; then
    cp -R "$repo/examples/business-processes/." "$work/Business Process Examples/"
  fi
fi
# Whatever the source, the folder ends with its uninstaller and the marker it checks.
mkdir -p "$work/uninstall"
install -m 0755 "$here/uninstall_custom.sh" "$work/uninstall/uninstall_custom.sh"
install -m 0644 "$here/channel-smsmms.marker" "$work/.channel-smsmms"
chmod 0755 "$work"

if [ -e "$target" ]; then
  "$target/uninstall/uninstall_custom.sh" >/dev/null 2>&1 || rm -rf -- "$target"
fi
mv -- "$work" "$target"
trap - EXIT
echo "install.sh: installed $target"
echo "install.sh: import Configuration/SmsMmsDriver.cfg into the server's options, then restart it"
