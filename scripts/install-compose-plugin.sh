#!/bin/sh
# Link berth's compose into the docker CLI's plugin directory, so that `docker compose …` runs
# berth's implementation: $DOCKER_CONFIG/cli-plugins (else ~/.docker/cli-plugins)/docker-compose.
# An existing docker-compose plugin there is kept as docker-compose.orig unless it is already ours.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
plugin="$here/cli-plugins/docker-compose"
dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
mkdir -p "$dir"
dest="$dir/docker-compose"
if [ -e "$dest" ] || [ -L "$dest" ]; then
  if [ "$(readlink "$dest" 2>/dev/null || true)" = "$plugin" ]; then
    echo "already installed: $dest -> $plugin"
    exit 0
  fi
  mv "$dest" "$dest.orig"
  echo "kept the previous plugin as $dest.orig"
fi
ln -s "$plugin" "$dest"
echo "installed: $dest -> $plugin"
echo "check it with: docker compose version"
