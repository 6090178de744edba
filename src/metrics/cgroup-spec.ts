/**
 * A container's resource limits as its cgroup holds them (cAdvisor's container_spec_* series read the
 * cgroup, not the container's config, so a `berth update` shows at once). The usage counters come
 * from runtime/cgroup-stats.ts, shared with `docker stats`.
 */
import { join } from 'node:path';
import type { ContainerCgroup } from '../runtime/cgroup-locate.js';
import { parseLimit, readFileOrUndefined, type FileReader } from '../runtime/cgroup-stats.js';

export interface CgroupSpec {
  /** bytes; undefined: unlimited */
  memoryLimit?: number;
  /** bytes (v1 soft limit, v2 memory.low); undefined: none */
  memoryReservation?: number;
  /** microseconds per period; undefined: unlimited */
  cpuQuota?: number;
  /** microseconds */
  cpuPeriod?: number;
  /** v1 cpu.shares; v2 cpu.weight converted to shares as cAdvisor does */
  cpuShares?: number;
  /** pids.max; undefined: unlimited */
  pidsLimit?: number;
}

export function readCgroupSpec(cg: ContainerCgroup, read: FileReader = readFileOrUndefined): CgroupSpec {
  return cg.version === 2 ? specV2(read, cg.dir('memory')) : specV1(read, (c) => cg.dir(c));
}

export function specV1(read: FileReader, dir: (controller: string) => string): CgroupSpec {
  const quota = Number((read(join(dir('cpu'), 'cpu.cfs_quota_us')) ?? '').trim());
  const period = Number((read(join(dir('cpu'), 'cpu.cfs_period_us')) ?? '').trim());
  const shares = Number((read(join(dir('cpu'), 'cpu.shares')) ?? '').trim());
  const reservation = parseLimit(read(join(dir('memory'), 'memory.soft_limit_in_bytes')));
  const pids = parseLimit(read(join(dir('pids'), 'pids.max')));
  return {
    ...(pids !== undefined ? { pidsLimit: pids } : {}),
    memoryLimit: parseLimit(read(join(dir('memory'), 'memory.limit_in_bytes'))),
    ...(reservation !== undefined ? { memoryReservation: reservation } : {}),
    // -1: no quota
    ...(Number.isFinite(quota) && quota > 0 ? { cpuQuota: quota } : {}),
    ...(Number.isFinite(period) && period > 0 ? { cpuPeriod: period } : {}),
    ...(Number.isFinite(shares) && shares > 0 ? { cpuShares: shares } : {}),
  };
}

export function specV2(read: FileReader, dir: string): CgroupSpec {
  const f = (name: string) => read(join(dir, name));
  // cpu.max: "<quota|max> <period>"
  const [q, p] = (f('cpu.max') ?? '').trim().split(/\s+/);
  const quota = q && q !== 'max' ? Number(q) : NaN;
  const period = Number(p);
  const weight = Number((f('cpu.weight') ?? '').trim());
  const low = parseLimit(f('memory.low'));
  const pids = parseLimit(f('pids.max'));
  return {
    ...(pids !== undefined ? { pidsLimit: pids } : {}),
    memoryLimit: parseLimit(f('memory.max')),
    ...(low ? { memoryReservation: low } : {}),
    ...(Number.isFinite(quota) && quota > 0 ? { cpuQuota: quota } : {}),
    ...(Number.isFinite(period) && period > 0 ? { cpuPeriod: period } : {}),
    // the inverse of runc's shares -> weight mapping (cAdvisor's convertCPUWeightToCPULimit)
    ...(Number.isFinite(weight) && weight > 0 ? { cpuShares: Math.round(2 + ((weight - 1) * 262142) / 9999) } : {}),
  };
}
