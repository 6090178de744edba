/**
 * Per-container series with cAdvisor's names, help texts, types and labels (id = the cgroup path,
 * name, image), so dashboards made for cAdvisor work. Everything is read at scrape time from the
 * container's cgroup (v1 or v2, through the same readers as `docker stats`) and from
 * /proc/<pid>/net/dev, which shows the container's network namespace without entering it.
 */
import { readFileSync } from 'node:fs';
import { containerCgroup, readCgroupStats, type ContainerCgroup } from '../runtime/cgroup-locate.js';
import { parseNetDev, readFileOrUndefined, type BlkioEntry, type CgroupStats, type FileReader } from '../runtime/cgroup-stats.js';
import { cgroupsPathOf } from '../container/stats.js';
import type { ContainerRecord } from '../record/container-store.js';
import { readCgroupSpec, type CgroupSpec } from './cgroup-spec.js';
import { Exposition, labels, withLabel } from './exposition.js';

/** What one container contributes to a scrape, already read (split from the reading for the unit tests). */
export interface ContainerSample {
  id: string;
  name: string;
  image: string;
  version: 1 | 2;
  stats: CgroupStats;
  spec: CgroupSpec;
  /** interface -> Docker's stats network counters (rx_bytes, ...); loopback left out, as cAdvisor does */
  networks: Record<string, any>;
  /** seconds since the epoch; undefined when unknown */
  startedAt?: number;
}

/** The families in cAdvisor's order; help texts are cAdvisor's. */
function containerFamilies(x: Exposition) {
  const c = (name: string, help: string) => x.family(name, help, 'counter');
  const g = (name: string, help: string) => x.family(name, help, 'gauge');
  return {
    cpuUsage: c('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.'),
    cpuUser: c('container_cpu_user_seconds_total', 'Cumulative user cpu time consumed in seconds.'),
    cpuSystem: c('container_cpu_system_seconds_total', 'Cumulative system cpu time consumed in seconds.'),
    cfsPeriods: c('container_cpu_cfs_periods_total', 'Number of elapsed enforcement period intervals.'),
    cfsThrottledPeriods: c('container_cpu_cfs_throttled_periods_total', 'Number of throttled period intervals.'),
    cfsThrottledSeconds: c('container_cpu_cfs_throttled_seconds_total', 'Total time duration the container has been throttled.'),
    memCache: g('container_memory_cache', 'Number of bytes of page cache memory.'),
    memRss: g('container_memory_rss', 'Size of RSS in bytes.'),
    memUsage: g('container_memory_usage_bytes', 'Current memory usage in bytes, including all memory regardless of when it was accessed'),
    memMaxUsage: g('container_memory_max_usage_bytes', 'Maximum memory usage recorded in bytes'),
    memWorkingSet: g('container_memory_working_set_bytes', 'Current working set in bytes.'),
    fsReadsBytes: c('container_fs_reads_bytes_total', 'Cumulative count of bytes read'),
    fsReads: c('container_fs_reads_total', 'Cumulative count of reads completed'),
    fsWritesBytes: c('container_fs_writes_bytes_total', 'Cumulative count of bytes written'),
    fsWrites: c('container_fs_writes_total', 'Cumulative count of writes completed'),
    rxBytes: c('container_network_receive_bytes_total', 'Cumulative count of bytes received'),
    rxErrors: c('container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving'),
    rxDropped: c('container_network_receive_packets_dropped_total', 'Cumulative count of packets dropped while receiving'),
    rxPackets: c('container_network_receive_packets_total', 'Cumulative count of packets received'),
    txBytes: c('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted'),
    txErrors: c('container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting'),
    txDropped: c('container_network_transmit_packets_dropped_total', 'Cumulative count of packets dropped while transmitting'),
    txPackets: c('container_network_transmit_packets_total', 'Cumulative count of packets transmitted'),
    threads: g('container_threads', 'Number of threads running inside the container'),
    threadsMax: g('container_threads_max', 'Maximum number of threads allowed inside the container, infinity if value is zero'),
    specCpuPeriod: g('container_spec_cpu_period', 'CPU period of the container.'),
    specCpuQuota: g('container_spec_cpu_quota', 'CPU quota of the container.'),
    specCpuShares: g('container_spec_cpu_shares', 'CPU share of the container.'),
    specMemLimit: g('container_spec_memory_limit_bytes', 'Memory limit for the container.'),
    specMemReservation: g('container_spec_memory_reservation_limit_bytes', 'Memory reservation limit for the container.'),
    startTime: g('container_start_time_seconds', 'Start time of the container since unix epoch in seconds.'),
    lastSeen: g('container_last_seen', 'Last time a container was seen by the exporter'),
  };
}

type Families = ReturnType<typeof containerFamilies>;

/**
 * The limits of each running container, read from its cgroup once per start: they change only by
 * `update` (and a restart), whose events drop the entry (see DaemonMetrics.attach), so a scrape reads
 * only the counters (half the files).
 */
export class SpecCache {
  private readonly specs = new Map<string, CgroupSpec>();

  get(containerId: string, cg: ContainerCgroup, read: FileReader): CgroupSpec {
    let spec = this.specs.get(containerId);
    if (!spec) { spec = readCgroupSpec(cg, read); this.specs.set(containerId, spec); }
    return spec;
  }

  forget(containerId: string): void { this.specs.delete(containerId); }

  /** Drop the entries of containers that are no longer running. */
  keepOnly(ids: Set<string>): void {
    for (const id of this.specs.keys()) if (!ids.has(id)) this.specs.delete(id);
  }
}

/** Read every running container and write its series into `x`. */
export function writeContainerSeries(x: Exposition, recs: readonly ContainerRecord[], specs = new SpecCache(), read: FileReader = readFileOrUndefined): void {
  const fams = containerFamilies(x);
  const now = Math.floor(Date.now() / 1000);
  const running = new Set<string>();
  for (const rec of recs) {
    const sample = sampleContainer(rec, specs, read);
    if (!sample) continue;
    running.add(rec.id);
    writeSample(fams, sample, now);
  }
  specs.keepOnly(running);
}

/** One running container's counters; undefined when it is not running (or its cgroup is gone). */
export function sampleContainer(rec: ContainerRecord, specs: SpecCache, read: FileReader = readFileOrUndefined): ContainerSample | undefined {
  if (!rec.state.Running || !rec.state.Pid) return undefined;
  const id = cgroupsPathOf(rec);
  const cg: ContainerCgroup = containerCgroup(id);
  const spec = specs.get(rec.id, cg, read);
  // the limits come from the cache; throttling counts only matter (and are only written) with a quota
  // (and no I/O counts: the blkio files are the dearest reads, the bytes are what dashboards use)
  const stats = readCgroupStats(cg, read, { limits: false, perCpu: false, ioCounts: false, throttling: spec.cpuQuota !== undefined });
  // a container that exited since the record was read has no cgroup left
  if (!stats.memory_stats || stats.memory_stats.usage === undefined) return undefined;
  const networks = rec.hostConfig?.NetworkMode === 'host' ? {} : parseNetDev(read(`/proc/${rec.state.Pid}/net/dev`));
  const started = Date.parse(rec.state.StartedAt);
  return {
    id, name: rec.name, image: rec.imageRef || rec.config?.Image || rec.imageId, version: cg.version,
    stats, spec, networks,
    ...(Number.isFinite(started) && started > 0 ? { startedAt: started / 1000 } : {}),
  };
}

/** v1 reports working set inputs as total_* (hierarchical), v2 without the prefix. */
function memoryParts(s: ContainerSample): { rss: number; cache: number; inactiveFile: number } {
  const st = s.stats.memory_stats.stats ?? {};
  if (s.version === 2) return { rss: st.anon ?? 0, cache: st.file ?? 0, inactiveFile: st.inactive_file ?? 0 };
  return { rss: st.total_rss ?? st.rss ?? 0, cache: st.total_cache ?? st.cache ?? 0, inactiveFile: st.total_inactive_file ?? st.inactive_file ?? 0 };
}

/** Sum blkio entries per device and direction (v1 says Read/Write, v2 read/write). */
function perDevice(entries: BlkioEntry[] | null | undefined): Map<string, { read: number; write: number }> {
  const out = new Map<string, { read: number; write: number }>();
  for (const e of entries ?? []) {
    const op = e.op.toLowerCase();
    if (op !== 'read' && op !== 'write') continue;
    const dev = deviceName(e.major, e.minor);
    const cur = out.get(dev) ?? { read: 0, write: 0 };
    cur[op] += e.value;
    out.set(dev, cur);
  }
  return out;
}

const deviceNames = new Map<string, string>();

/** /dev/<name> of a block device, as cAdvisor's device label; major:minor when sysfs does not say. */
function deviceName(major: number, minor: number): string {
  const key = `${major}:${minor}`;
  let name = deviceNames.get(key);
  if (name === undefined) {
    let dev: string | undefined;
    try { dev = /^DEVNAME=(.+)$/m.exec(readFileSync(`/sys/dev/block/${key}/uevent`, 'utf8'))?.[1]; } catch { /* no sysfs entry */ }
    name = dev ? `/dev/${dev}` : key;
    deviceNames.set(key, name);
  }
  return name;
}

export function writeSample(f: Families, s: ContainerSample, now: number): void {
  const base = labels({ id: s.id, image: s.image, name: s.name });
  const cpu = s.stats.cpu_stats.cpu_usage;
  f.cpuUsage.add(withLabel(base, 'cpu', 'total'), cpu.total_usage / 1e9);
  f.cpuUser.add(base, cpu.usage_in_usermode / 1e9);
  f.cpuSystem.add(base, cpu.usage_in_kernelmode / 1e9);
  const thr = s.stats.cpu_stats.throttling_data;
  if (s.spec.cpuQuota !== undefined) {
    // cAdvisor reports CFS throttling only for containers with a quota (no quota: never throttled)
    f.cfsPeriods.add(base, thr.periods);
    f.cfsThrottledPeriods.add(base, thr.throttled_periods);
    f.cfsThrottledSeconds.add(base, thr.throttled_time / 1e9);
  }
  const mem = s.stats.memory_stats;
  const parts = memoryParts(s);
  f.memCache.add(base, parts.cache);
  f.memRss.add(base, parts.rss);
  f.memUsage.add(base, mem.usage);
  if (mem.max_usage !== undefined) f.memMaxUsage.add(base, mem.max_usage);
  // cAdvisor: usage minus inactive file pages, never below zero
  f.memWorkingSet.add(base, Math.max(0, mem.usage - parts.inactiveFile));
  for (const [dev, v] of perDevice(s.stats.blkio_stats.io_service_bytes_recursive)) {
    const l = withLabel(base, 'device', dev);
    f.fsReadsBytes.add(l, v.read);
    f.fsWritesBytes.add(l, v.write);
  }
  for (const [dev, v] of perDevice(s.stats.blkio_stats.io_serviced_recursive)) {
    const l = withLabel(base, 'device', dev);
    f.fsReads.add(l, v.read);
    f.fsWrites.add(l, v.write);
  }
  for (const [iface, n] of Object.entries(s.networks)) {
    const l = withLabel(base, 'interface', iface);
    f.rxBytes.add(l, n.rx_bytes);
    f.rxErrors.add(l, n.rx_errors);
    f.rxDropped.add(l, n.rx_dropped);
    f.rxPackets.add(l, n.rx_packets);
    f.txBytes.add(l, n.tx_bytes);
    f.txErrors.add(l, n.tx_errors);
    f.txDropped.add(l, n.tx_dropped);
    f.txPackets.add(l, n.tx_packets);
  }
  const pids = s.stats.pids_stats ?? {};
  if (pids.current !== undefined) f.threads.add(base, pids.current);
  f.threadsMax.add(base, s.spec.pidsLimit ?? 0);
  if (s.spec.cpuPeriod !== undefined) f.specCpuPeriod.add(base, s.spec.cpuPeriod);
  if (s.spec.cpuQuota !== undefined) f.specCpuQuota.add(base, s.spec.cpuQuota);
  if (s.spec.cpuShares !== undefined) f.specCpuShares.add(base, s.spec.cpuShares);
  // cAdvisor writes 0 for "unlimited"
  f.specMemLimit.add(base, s.spec.memoryLimit ?? 0);
  f.specMemReservation.add(base, s.spec.memoryReservation ?? 0);
  if (s.startedAt !== undefined) f.startTime.add(base, s.startedAt);
  f.lastSeen.add(base, now);
}

/** For tests: the series of given samples as text. */
export function samplesText(samples: ContainerSample[], now = Math.floor(Date.now() / 1000)): string {
  const x = new Exposition();
  const f = containerFamilies(x);
  for (const s of samples) writeSample(f, s, now);
  return x.text();
}
