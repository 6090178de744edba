#!/usr/bin/env bash
# Debian 13 (trixie)'s skopeo 1.18 for the signing interop tests and benchmark, without touching the
# system: Debian 12's skopeo 1.9.3 is built with sigstore disabled, trixie's signs and verifies sigstore
# signatures. apt-get downloads skopeo and the libraries it links (libc6, libgpgme11t64, libassuan9,
# libgpg-error0, libsqlite3-0) from trixie under a private apt configuration (its own sources list, state
# and cache directories; the system's apt configuration and package database stay as they are),
# dpkg-deb unpacks them into a cache directory, and a wrapper runs skopeo with trixie's own loader and
# libraries. Runs where Debian's archive is reachable (scripts/test.sh calls it before `unshare --net`).
#
# Usage: scripts/fetch-skopeo-trixie.sh [DIR]   (default ${XDG_CACHE_HOME:-$HOME/.cache}/berth-test/skopeo-trixie)
# Prints the wrapper's path (DIR/skopeo) on success. Reuses DIR when it is less than a week old.
set -euo pipefail

dir="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/berth-test/skopeo-trixie}"
wrapper="$dir/skopeo"
mirror="${BERTH_TRIXIE_MIRROR:-http://deb.debian.org/debian}"
packages=(skopeo libc6 libgpgme11t64 libassuan9 libgpg-error0 libsqlite3-0)

if [ -x "$wrapper" ] && [ -n "$(find "$dir/.complete" -mtime -7 2>/dev/null)" ] && "$wrapper" --version >/dev/null 2>&1; then
  echo "$wrapper"
  exit 0
fi

# trixie's archive keys ship in Debian 12's debian-archive-keyring (2023.3+deb12u1 and later)
keys=()
for k in debian-archive-trixie-stable.gpg debian-archive-trixie-automatic.gpg; do
  [ -s "/usr/share/keyrings/$k" ] && keys+=("/usr/share/keyrings/$k")
done
if [ ${#keys[@]} -eq 0 ]; then
  echo "fetch-skopeo-trixie: no trixie archive key in /usr/share/keyrings (debian-archive-keyring too old)" >&2
  exit 1
fi
signed_by=$(IFS=,; echo "${keys[*]}")

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-skopeo-trixie.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etc/sources.list.d" "$work/etc/preferences.d" "$work/state/lists/partial" \
  "$work/cache/archives/partial" "$work/debs" "$work/root"
echo "deb [signed-by=$signed_by] $mirror trixie main" >"$work/etc/sources.list"
: >"$work/state/status"
# Every directory apt reads or writes is redirected here; Debug::NoLocking since the lock files are ours.
apt_opts=(
  -o "Dir::Etc::SourceList=$work/etc/sources.list" -o "Dir::Etc::SourceParts=$work/etc/sources.list.d"
  -o "Dir::Etc::Preferences=$work/etc/preferences" -o "Dir::Etc::PreferencesParts=$work/etc/preferences.d"
  -o "Dir::State=$work/state" -o "Dir::State::Lists=$work/state/lists" -o "Dir::State::status=$work/state/status"
  -o "Dir::Cache=$work/cache" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
  -o "APT::Architecture=amd64" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
)
timeout 300 apt-get -q "${apt_opts[@]}" update >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; exit 1; }
(cd "$work/debs" && timeout 300 apt-get -q "${apt_opts[@]}" download "${packages[@]}") >"$work/download.log" 2>&1 \
  || { cat "$work/download.log" >&2; exit 1; }
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done

lib="$work/root/usr/lib/x86_64-linux-gnu"
[ -x "$lib/ld-linux-x86-64.so.2" ] && [ -x "$work/root/usr/bin/skopeo" ] || { echo "fetch-skopeo-trixie: unpacked tree lacks skopeo or ld-linux" >&2; exit 1; }

# Replace the cached tree only once the new one is complete.
mkdir -p "$(dirname "$dir")"
rm -rf "$dir.new"
mkdir -p "$dir.new"
mv "$work/root" "$dir.new/root"
(cd "$work/debs" && ls *.deb) >"$dir.new/packages.txt"
cat >"$dir.new/skopeo" <<EOF
#!/bin/sh
# Debian 13's skopeo with its own loader and libraries (made by scripts/fetch-skopeo-trixie.sh)
d="$dir/root"
exec "\$d/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "\$d/usr/lib/x86_64-linux-gnu" "\$d/usr/bin/skopeo" "\$@"
EOF
chmod 0755 "$dir.new/skopeo"
rm -rf "$dir"
mv "$dir.new" "$dir"
"$wrapper" --version >/dev/null
touch "$dir/.complete"
echo "$wrapper"
