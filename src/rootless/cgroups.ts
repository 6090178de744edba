/**
 * Resource limits in rootless mode. An unprivileged user can only set limits in a cgroup v2 subtree
 * delegated to it (systemd's user@.service with Delegate=yes gives one). On cgroup v1 (this project's
 * hybrid hosts) or without delegation a limit is refused with the reason, as Podman does; containers
 * without limits run (crun leaves them in the daemon's cgroup).
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotSupportedError } from '../common/errors.js';
import { inUserNamespace } from './namespace.js';

export interface RootlessCgroups { limits: boolean; reason: string; /** the delegated cgroup (v2), relative to /sys/fs/cgroup */ delegated?: string }

let cached: RootlessCgroups | undefined;

/** Where limits can be set, for a rootless daemon; undefined for a root one. */
export function rootlessCgroups(opts: { refresh?: boolean } = {}): RootlessCgroups | undefined {
  if (!inUserNamespace()) return undefined;
  if (cached && !opts.refresh) return cached;
  cached = detect();
  return cached;
}

function detect(): RootlessCgroups {
  let unified = false;
  try { unified = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => / \/sys\/fs\/cgroup [^ ]+ .* - cgroup2 /.test(l)); } catch { /* none */ }
  if (!unified) {
    return { limits: false, reason: 'cgroups are v1 on this host and an unprivileged user cannot be delegated a v1 hierarchy: resource limits (--memory, --cpus, --pids-limit, ...) need a cgroup v2 host (systemd.unified_cgroup_hierarchy=1) with a delegated user slice' };
  }
  const own = /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1]?.trim() ?? '';
  const dir = join('/sys/fs/cgroup', own);
  let controllers: string[] = [];
  try { controllers = readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean); } catch { /* none */ }
  try { accessSync(join(dir, 'cgroup.subtree_control'), constants.W_OK); } catch {
    return { limits: false, reason: `the cgroup ${own || '/'} of the rootless daemon is not delegated to the user: start it in a systemd user session (systemd-run --user --scope, or user@.service with Delegate=yes) to use resource limits` };
  }
  const missing = ['memory', 'pids', 'cpu'].filter((c) => !controllers.includes(c));
  if (missing.length) return { limits: false, reason: `the delegated cgroup ${own} lacks the controller(s) ${missing.join(', ')}: add them to Delegate= of user@.service` };
  return { limits: true, reason: `cgroup v2 subtree ${own} is delegated to the user`, delegated: own };
}

/** HostConfig fields that are limits, and the flag a user types for each. */
const LIMIT_FIELDS: Array<[string, string]> = [
  ['Memory', '--memory'], ['MemorySwap', '--memory-swap'], ['MemoryReservation', '--memory-reservation'],
  ['NanoCpus', '--cpus'], ['CpuShares', '--cpu-shares'], ['CpuPeriod', '--cpu-period'], ['CpuQuota', '--cpu-quota'],
  ['CpusetCpus', '--cpuset-cpus'], ['CpusetMems', '--cpuset-mems'], ['PidsLimit', '--pids-limit'],
  ['BlkioWeight', '--blkio-weight'], ['BlkioWeightDevice', '--blkio-weight-device'],
  ['BlkioDeviceReadBps', '--device-read-bps'], ['BlkioDeviceWriteBps', '--device-write-bps'],
  ['BlkioDeviceReadIOps', '--device-read-iops'], ['BlkioDeviceWriteIOps', '--device-write-iops'],
  ['CpuRealtimePeriod', '--cpu-rt-period'], ['CpuRealtimeRuntime', '--cpu-rt-runtime'],
];

function isSet(v: unknown): boolean {
  if (typeof v === 'number') return v > 0;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  return false;
}

/** Refuse a HostConfig with limits where the rootless daemon cannot set them (ERR_ROOTLESS_CGROUP). */
export function refuseRootlessLimits(hc: Record<string, unknown> | undefined): void {
  const cg = rootlessCgroups();
  if (!cg || cg.limits || !hc) return;
  const asked = LIMIT_FIELDS.filter(([k]) => isSet(hc[k])).map(([, flag]) => flag);
  if (hc.OomKillDisable === true) asked.push('--oom-kill-disable');
  if (asked.length === 0) return;
  throw new NotSupportedError(`resource limits are not supported in rootless mode here (${asked.join(', ')}): ${cg.reason}`, 'ERR_ROOTLESS_CGROUP');
}
