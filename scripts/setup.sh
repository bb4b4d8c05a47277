#!/usr/bin/env bash
# Install what the project needs from Debian 12 packages (and the npm registry for the interop
# peer). Idempotent and quiet when everything is already there. Run as root, or with sudo set up.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libssl-dev openssl libfmt-dev rapidjson-dev catch2
  libbenchmark-dev libsmpp34-dev
  clang lld libclang-rt-14-dev clang-format
  python3 gnuplot-nox procps binutils
  libcurl4-openssl-dev
  # MMS over MM7: MIME multipart/related (GMime) and the SOAP envelope (pugixml)
  libgmime-3.0-dev libpugixml-dev
  # the account-wide rate limit shared through Redis: the client library and, for the tests, the
  # server
  libhiredis-dev redis-server
  # independent peers of the HTTP gateway tests: an SMS gateway (sendsms) and a proxy
  kannel kannel-extras tinyproxy
  # the Debian packages and their test (tests/packaging/): dpkg-shlibdeps, lintian, manual pages
  dpkg-dev lintian help2man file
  # the browser tests of dms-stub's web console (tests/console/): headless Chromium and Selenium
  chromium chromium-driver python3-selenium
)

# Node.js and npm may come from another packaging (NodeSource's `nodejs` bundles npm and conflicts
# with Debian's `npm`), so they are asked for by command, not by package name.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The independent SMPP peer for interop tests: the npm `smpp` package, pinned by the lock file.
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$here/tests/interop/package.json" ] && [ ! -d "$here/tests/interop/node_modules/smpp" ]; then
  echo "setup: installing the interop peer (npm smpp)"
  (cd "$here/tests/interop" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: ok"
