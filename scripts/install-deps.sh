#!/usr/bin/env bash
# Installs what berth needs on a fresh Debian 12 machine: system packages, npm packages, the build.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(crun runc conmon busybox-static catatonit tini mmdebstrap debootstrap iproute2 attr procps util-linux zstd xz-utils openssl uidmap docker-registry skopeo nftables docker-compose python3-docker)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci refuses this lock file: npm 11 leaves the other platforms' optional packages of
  # node-unix-socket out of it; npm install installs exactly the locked versions all the same.
  npm install --no-audit --no-fund
fi
npm run -s build
