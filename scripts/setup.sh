#!/usr/bin/env bash
# The README's first command: install everything, start berth on its defaults, run a container.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
ln -sf "$PWD/bin/berth" /usr/local/bin/berth
# On hosts whose cgroups are v1 in hybrid mode, crun needs a v1 hugetlb hierarchy;
# this machine's owner (you, running setup) allows berth to mount it.
mkdir -p /etc/berth
[ -f /etc/berth/daemon.json ] || echo '{ "fix-cgroups": true }' > /etc/berth/daemon.json
# The CLI starts the daemon (berth serve) itself when none answers.
berth run --rm busybox echo "Hello from a berth container: $(uname -sr)"
