/**
 * Installs the peer engines from Debian (docker.io, podman, buildah, skopeo, docker-registry) with
 * service starts blocked: Debian's docker.io would otherwise start dockerd in the machine's own
 * network namespace (docker0, iptables rules). Every peer is later started by the benchmark itself,
 * inside its own namespace, with a temporary root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BenchError } from './errors.js';

export interface PeerPackage { pkg: string; binary: string }

export const PEER_PACKAGES: PeerPackage[] = [
  { pkg: 'docker.io', binary: '/usr/sbin/dockerd' },
  { pkg: 'podman', binary: '/usr/bin/podman' },
  { pkg: 'buildah', binary: '/usr/bin/buildah' },
  { pkg: 'skopeo', binary: '/usr/bin/skopeo' },
  { pkg: 'docker-registry', binary: '/usr/bin/docker-registry' },
  // the compose cases' peer client (the tests install it too)
  { pkg: 'docker-compose', binary: '/usr/bin/docker-compose' },
  // podman's network backend; the benchmark points podman at it explicitly
  { pkg: 'netavark', binary: '/usr/lib/podman/netavark' },
];

const POLICY_RC_D = '/usr/sbin/policy-rc.d';
const DAEMON_COMMS = ['dockerd', 'containerd', 'docker-registry', 'podman'];

function installed(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

export function missingPeerPackages(): string[] {
  return PEER_PACKAGES.filter((p) => !installed(p.pkg) || !existsSync(p.binary)).map((p) => p.pkg);
}

/** PIDs of engine daemons running in the machine's own network namespace (they must not exist). */
export function daemonsInHostNetns(): { pid: number; comm: string }[] {
  const hostNet = netnsOf(1);
  const found: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (DAEMON_COMMS.includes(comm) && netnsOf(Number(entry)) === hostNet) found.push({ pid: Number(entry), comm });
    } catch { /* exited while we looked */ }
  }
  return found;
}

function netnsOf(pid: number): string {
  return spawnSync('readlink', [`/proc/${pid}/ns/net`], { encoding: 'utf8' }).stdout.trim();
}

/**
 * apt-get install the missing peers under the shared apt lock, with a policy-rc.d that forbids
 * service starts (kept if it already existed, removed afterwards if we wrote it). Afterwards any engine
 * daemon in the host's namespace was started by the install: it is stopped by PID and reported.
 */
export function installPeers(log: (msg: string) => void): { installed: string[]; strayDaemons: string[] } {
  const missing = missingPeerPackages();
  if (missing.length === 0) return { installed: [], strayDaemons: [] };
  const before = new Set(daemonsInHostNetns().map((d) => d.pid));
  let wrotePolicy = false;
  if (!existsSync(POLICY_RC_D)) {
    writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    wrotePolicy = true;
  }
  try {
    log(`installing peers from Debian with service starts blocked: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const r = spawnSync('flock', ['/tmp/berth-apt.lock', 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], { encoding: 'utf8', env, timeout: 900_000 });
    if (r.status !== 0) {
      // the package lists may be stale on a fresh machine
      spawnSync('flock', ['/tmp/berth-apt.lock', 'apt-get', 'update', '-qq'], { env, timeout: 300_000 });
      const again = spawnSync('flock', ['/tmp/berth-apt.lock', 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], { encoding: 'utf8', env, timeout: 900_000 });
      if (again.status !== 0) throw new BenchError(`apt-get install ${missing.join(' ')} failed: ${(again.stderr || again.stdout).slice(-2000)}`, 'ERR_PEER_INSTALL');
    }
  } finally {
    if (wrotePolicy) rmSync(POLICY_RC_D, { force: true });
  }
  const stray = daemonsInHostNetns().filter((d) => !before.has(d.pid));
  for (const d of stray) {
    log(`WARNING: the install started ${d.comm} (PID ${d.pid}) in the host's network namespace; stopping it`);
    try { process.kill(d.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  return { installed: missing, strayDaemons: stray.map((d) => `${d.comm} (PID ${d.pid})`) };
}
