#!/usr/bin/env bash
# The README's first command: install what berth needs, start berth on its defaults, run a container.
# BERTH_BIN_DIR (default /usr/local/bin), BERTH_CONFIG (/etc/berth/daemon.json), BERTH_ROOT,
# BERTH_RUN_ROOT and BERTH_COMPLETION_DIR put it elsewhere (the tests install a clone that way).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bin_dir=${BERTH_BIN_DIR:-/usr/local/bin}
mkdir -p "$bin_dir"
ln -sf "$PWD/bin/berth" "$bin_dir/berth"
ln -sf "$PWD/bin/berth-compose" "$bin_dir/berth-compose"
# On hosts whose cgroups are v1 in hybrid mode, crun needs a v1 hugetlb hierarchy;
# this machine's owner (you, running setup) allows berth to mount it.
config=${BERTH_CONFIG:-/etc/berth/daemon.json}
mkdir -p "$(dirname "$config")"
[ -f "$config" ] || echo '{ "fix-cgroups": true }' > "$config"
export BERTH_CONFIG=$config
# bash completion, where bash-completion looks for it
completion_dir=${BERTH_COMPLETION_DIR:-/usr/share/bash-completion/completions}
if "$bin_dir/berth" completion bash > /dev/null 2>&1; then
  mkdir -p "$completion_dir" && "$bin_dir/berth" completion bash > "$completion_dir/berth"
fi
# The CLI starts the daemon (berth serve) itself when none answers.
"$bin_dir/berth" run --rm busybox echo "Hello from a berth container: $(uname -sr)"
