/**
 * Where a container's cgroup lives: v1 has one hierarchy per controller (found
 * from the mount table, including combined mounts such as cpu,cpuacct), v2 one
 * unified directory. cgroupsPath is the spec's cgroupfs-style path ('/berth/<id>').
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroups } from './cgroups.js';
import { oomKilledFrom, readFileOrUndefined, statsV1, statsV2, type CgroupStats, type FileReader, type StatsReadOptions } from './cgroup-stats.js';
import { totalmem } from 'node:os';

let v1Mounts: Map<string, string> | undefined;

/** controller -> mount point of its v1 hierarchy. */
function v1MountPoints(): Map<string, string> {
  if (v1Mounts) return v1Mounts;
  const out = new Map<string, string>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    const p = post.split(' ');
    if (p[0] !== 'cgroup') continue;
    const mountPoint = pre.split(' ')[4];
    for (const o of (p[2] ?? '').split(',')) if (!out.has(o)) out.set(o, mountPoint);
  }
  v1Mounts = out;
  return out;
}

export interface ContainerCgroup {
  version: 1 | 2;
  /** the container's directory for a controller (v2: the one unified directory) */
  dir(controller: string): string;
}

export function containerCgroup(cgroupsPath: string): ContainerCgroup {
  const info = detectCgroups();
  const rel = cgroupsPath.replace(/^\/+/, '');
  if (info.version === 2) {
    const d = join(info.unifiedMount ?? '/sys/fs/cgroup', rel);
    return { version: 2, dir: () => d };
  }
  const mounts = v1MountPoints();
  return { version: 1, dir: (c) => join(mounts.get(c) ?? join('/sys/fs/cgroup', c), rel) };
}

export function readCgroupStats(cg: ContainerCgroup, read: FileReader = readFileOrUndefined, opts: StatsReadOptions = {}): CgroupStats {
  return cg.version === 2 ? statsV2(read, cg.dir('memory'), totalmem(), opts) : statsV1(read, (c) => cg.dir(c), totalmem(), opts);
}

export function cgroupOomKilled(cg: ContainerCgroup, read: FileReader = readFileOrUndefined): boolean {
  return oomKilledFrom(cg.version, read, cg.dir('memory'));
}
