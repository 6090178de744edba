/** The facts about the machine a result belongs to, for the report's header. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { detectCgroups } from '../../src/runtime/cgroups.js';
import { BERTH_VERSION } from '../../src/common/version.js';

export type MachineFacts = [label: string, value: string][];

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'not installed';
  return (r.stdout || r.stderr).split('\n')[0].trim();
}

function readOr(path: string, fallback: string): string {
  try { return readFileSync(path, 'utf8').trim(); } catch { return fallback; }
}

function cgroupMode(): string {
  const cg = detectCgroups({ refresh: true });
  if (cg.version === 2) return 'v2 (unified)';
  const v2 = cg.hybrid ? `; cgroup2 at ${cg.unifiedMount} offers [${cg.unifiedControllers.join(', ')}]` : '';
  return `v1${cg.hybrid ? ' hybrid' : ''} (${cg.v1Controllers.join(', ')}${v2})`;
}

export function machineFacts(): MachineFacts {
  const osRelease = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readOr('/etc/os-release', ''))?.[1] ?? 'unknown';
  return [
    ['OS', `${osRelease} (Debian ${readOr('/etc/debian_version', '?')})`],
    ['kernel', release()],
    ['CPU', `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`],
    ['memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['cgroups', cgroupMode()],
    ['berth', BERTH_VERSION],
    ['node', process.version],
    ['crun', firstLine('crun', ['--version'])],
    ['conmon', firstLine('conmon', ['--version'])],
    ['runc', firstLine('runc', ['--version'])],
    ['dockerd', firstLine('dockerd', ['--version'])],
    ['containerd', firstLine('containerd', ['--version'])],
    ['docker CLI', firstLine('/usr/local/bin/docker', ['--version'])],
    ['podman', firstLine('podman', ['--version'])],
    ['buildah', firstLine('buildah', ['--version'])],
    ['skopeo', firstLine('skopeo', ['--version'])],
    ['docker-registry', firstLine('docker-registry', ['--version'])],
    ['NODE_EXTRA_CA_CERTS', process.env.NODE_EXTRA_CA_CERTS ? `set (${process.env.NODE_EXTRA_CA_CERTS})` : 'unset'],
  ];
}
