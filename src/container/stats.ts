/**
 * Docker's container stats JSON (GET /containers/{id}/stats) from the container's
 * cgroup (v1 or v2) and its network namespace (/proc/<pid>/net/dev). The previous
 * sample of each container is kept briefly so a one-off request can report CPU %
 * without waiting a second.
 */
import { containerCgroup, readCgroupStats } from '../runtime/cgroup-locate.js';
import { parseNetDev, readFileOrUndefined, systemCpu } from '../runtime/cgroup-stats.js';
import { defaultCgroupsPath } from '../runtime/cgroups.js';
import type { ContainerRecord } from '../record/container-store.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';
/** a cached sample younger than this is a good enough "previous" sample */
const PREV_MAX_AGE_MS = 5_000;

export interface StatsSample { read: string; at: number; cpu_stats: any; json: any }

function emptyCpu(): any {
  return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
}

/** All-zero stats of a container that is not running (what Docker answers). */
function emptyStats(rec: ContainerRecord): any {
  return {
    read: ZERO_TIME, preread: ZERO_TIME, pids_stats: {}, blkio_stats: {
      io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null,
      io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
    },
    num_procs: 0, storage_stats: {}, cpu_stats: emptyCpu(), precpu_stats: emptyCpu(), memory_stats: {},
    name: '/' + rec.name, id: rec.id,
  };
}

export function cgroupsPathOf(rec: ContainerRecord): string {
  return defaultCgroupsPath(rec.id, rec.hostConfig?.CgroupParent || undefined);
}

export class StatsCollector {
  private readonly last = new Map<string, StatsSample>();

  /** One sample now; `prev` (or the cached last sample) fills precpu_stats. */
  sample(rec: ContainerRecord, prev?: StatsSample): StatsSample {
    if (!rec.state.Running || !rec.state.Pid) return { read: ZERO_TIME, at: Date.now(), cpu_stats: emptyCpu(), json: emptyStats(rec) };
    const cg = containerCgroup(cgroupsPathOf(rec));
    const s = readCgroupStats(cg);
    const sys = systemCpu();
    const cpu_stats = { ...s.cpu_stats, system_cpu_usage: sys.systemUsage, online_cpus: sys.onlineCpus };
    const before = prev ?? this.fresh(rec.id);
    const now = new Date();
    const json: any = {
      read: now.toISOString(),
      preread: before?.read ?? ZERO_TIME,
      pids_stats: s.pids_stats,
      blkio_stats: s.blkio_stats,
      num_procs: 0,
      storage_stats: {},
      cpu_stats,
      precpu_stats: before?.cpu_stats ?? emptyCpu(),
      memory_stats: s.memory_stats,
      name: '/' + rec.name,
      id: rec.id,
    };
    if (rec.hostConfig?.NetworkMode !== 'host') {
      const nets = parseNetDev(readFileOrUndefined(`/proc/${rec.state.Pid}/net/dev`));
      if (Object.keys(nets).length) json.networks = nets;
    }
    const out: StatsSample = { read: json.read, at: now.getTime(), cpu_stats, json };
    this.last.set(rec.id, out);
    return out;
  }

  private fresh(id: string): StatsSample | undefined {
    const s = this.last.get(id);
    return s && Date.now() - s.at <= PREV_MAX_AGE_MS ? s : undefined;
  }

  hasFresh(id: string): boolean { return !!this.fresh(id); }

  forget(id: string): void { this.last.delete(id); }
}
