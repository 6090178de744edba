/**
 * A container's cgroup statistics in Docker's stats JSON (memory_stats, cpu_stats,
 * blkio_stats, pids_stats), from cgroup v1 (one hierarchy per controller) or v2
 * (one unified directory). Parsers take a file reader, so they are tested on
 * generated stat files as well as on live cgroups.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';

export type FileReader = (file: string) => string | undefined;

/** 'key value' lines (memory.stat, cpu.stat, memory.events) -> numbers. */
function parseFlatKeyed(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** A single number file; 'max' (v2) and v1's near-2^63 "unlimited" become undefined. */
export function parseLimit(text: string | undefined): number | undefined {
  const t = (text ?? '').trim();
  if (!t || t === 'max') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n >= 2 ** 62) return undefined;
  return n;
}

function num(text: string | undefined): number {
  const n = Number((text ?? '').trim());
  return Number.isFinite(n) ? n : 0;
}

export interface BlkioEntry { major: number; minor: number; op: string; value: number }

/** v1 blkio files: '254:0 Read 4096' rows (the Total rows are dropped, as Docker does). */
function parseBlkioV1(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^(\d+):(\d+)\s+(\w+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3], value: Number(m[4]) });
  }
  return out;
}

/** v2 io.stat: '254:0 rbytes=1 wbytes=2 rios=3 wios=4 ...' -> bytes and ios entries with lowercase ops (as Docker). */
export function parseIoStatV2(text: string | undefined): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [dev, ...fields] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const kv: Record<string, number> = {};
    for (const f of fields) { const [k, v] = f.split('='); kv[k] = Number(v); }
    const major = Number(m[1]);
    const minor = Number(m[2]);
    bytes.push({ major, minor, op: 'read', value: kv.rbytes ?? 0 }, { major, minor, op: 'write', value: kv.wbytes ?? 0 });
    ios.push({ major, minor, op: 'read', value: kv.rios ?? 0 }, { major, minor, op: 'write', value: kv.wios ?? 0 });
  }
  return { bytes, ios };
}

/** USER_HZ is 100 on every Linux architecture that matters here. */
const NS_PER_TICK = 1e9 / 100;

/**
 * What to read beyond the counters. `docker stats` wants it all (the default); the metrics endpoint
 * reads every running container at each scrape and takes the limits from its own cache, so it skips
 * the files it does not use (each read of a cgroup file costs ~30-60 µs).
 */
export interface StatsReadOptions {
  /** memory limit, max usage, failcnt, pids.max (default true) */
  limits?: boolean;
  /** cpuacct.usage_percpu (default true) */
  perCpu?: boolean;
  /** cpu.stat throttling counters (default true) */
  throttling?: boolean;
  /** v1 blkio I/O counts (io_serviced; default true): the bytes are always read */
  ioCounts?: boolean;
}

/** v1 blkio: does the CFQ file exist on this host? (learnt once: failed reads throw, which costs) */
let cfqBlkio: boolean | undefined;

export interface CgroupStats {
  memory_stats: any;
  cpu_stats: any;
  blkio_stats: any;
  pids_stats: any;
}

/** Stats from v1 hierarchies; `dir(controller)` gives the container's directory in that hierarchy. */
export function statsV1(read: FileReader, dir: (controller: string) => string, memTotal = totalmem(), opts: StatsReadOptions = {}): CgroupStats {
  const { limits = true, perCpu = true, throttling = true, ioCounts = true } = opts;
  const mem = (f: string) => read(join(dir('memory'), f));
  const usageText = mem('memory.usage_in_bytes');
  let memory_stats: any = {};
  if (usageText !== undefined) {
    memory_stats = { usage: num(usageText), stats: parseFlatKeyed(mem('memory.stat')) };
    if (limits) {
      const limit = parseLimit(mem('memory.limit_in_bytes'));
      memory_stats = {
        usage: memory_stats.usage, max_usage: num(mem('memory.max_usage_in_bytes')), stats: memory_stats.stats, failcnt: num(mem('memory.failcnt')),
        limit: limit === undefined ? memTotal : Math.min(limit, memTotal),
      };
    }
  }
  const acct = (f: string) => read(join(dir('cpuacct'), f));
  const percpu = perCpu ? (acct('cpuacct.usage_percpu') ?? '').trim().split(/\s+/).filter(Boolean).map(Number) : [];
  const ticks = parseFlatKeyed(acct('cpuacct.stat'));
  const throttle = throttling ? parseFlatKeyed(read(join(dir('cpu'), 'cpu.stat'))) : {};
  const cpu_stats: any = {
    cpu_usage: {
      total_usage: num(acct('cpuacct.usage')),
      ...(percpu.length ? { percpu_usage: percpu } : {}),
      usage_in_kernelmode: (ticks.system ?? 0) * NS_PER_TICK,
      usage_in_usermode: (ticks.user ?? 0) * NS_PER_TICK,
    },
    throttling_data: { periods: throttle.nr_periods ?? 0, throttled_periods: throttle.nr_throttled ?? 0, throttled_time: throttle.throttled_time ?? 0 },
  };
  const blk = (f: string) => read(join(dir('blkio'), f));
  const pick = (a: string, b: string) => {
    if (cfqBlkio === false) return parseBlkioV1(blk(b));
    const text = blk(a);
    // only a present file teaches something (a vanished cgroup has neither)
    if (cfqBlkio === undefined) cfqBlkio = text !== undefined ? true : blk(b) !== undefined ? false : undefined;
    const x = parseBlkioV1(text);
    return x.length ? x : parseBlkioV1(blk(b));
  };
  const blkio_stats = {
    io_service_bytes_recursive: nullIfEmpty(pick('blkio.io_service_bytes_recursive', 'blkio.throttle.io_service_bytes_recursive')),
    io_serviced_recursive: ioCounts ? nullIfEmpty(pick('blkio.io_serviced_recursive', 'blkio.throttle.io_serviced_recursive')) : null,
    io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null,
    io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
  };
  const pidsDir = dir('pids');
  const pidsLimit = limits ? parseLimit(read(join(pidsDir, 'pids.max'))) : undefined;
  const pids_stats: any = { current: num(read(join(pidsDir, 'pids.current'))), ...(pidsLimit !== undefined ? { limit: pidsLimit } : {}) };
  return { memory_stats, cpu_stats, blkio_stats, pids_stats };
}

/** Stats from the container's cgroup v2 directory. */
export function statsV2(read: FileReader, dir: string, memTotal = totalmem(), opts: StatsReadOptions = {}): CgroupStats {
  const { limits = true } = opts;
  const f = (name: string) => read(join(dir, name));
  const current = f('memory.current');
  let memory_stats: any = {};
  if (current !== undefined) {
    memory_stats = { usage: num(current), stats: parseFlatKeyed(f('memory.stat')) };
    if (limits) {
      const limit = parseLimit(f('memory.max'));
      memory_stats.limit = limit === undefined ? memTotal : Math.min(limit, memTotal);
    }
  }
  const cpu = parseFlatKeyed(f('cpu.stat'));
  const cpu_stats: any = {
    cpu_usage: {
      total_usage: (cpu.usage_usec ?? 0) * 1000,
      usage_in_kernelmode: (cpu.system_usec ?? 0) * 1000,
      usage_in_usermode: (cpu.user_usec ?? 0) * 1000,
    },
    throttling_data: { periods: cpu.nr_periods ?? 0, throttled_periods: cpu.nr_throttled ?? 0, throttled_time: (cpu.throttled_usec ?? 0) * 1000 },
  };
  const io = parseIoStatV2(f('io.stat'));
  const blkio_stats = {
    io_service_bytes_recursive: nullIfEmpty(io.bytes), io_serviced_recursive: null,
    io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null,
    io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
  };
  const pidsLimit = limits ? parseLimit(f('pids.max')) : undefined;
  const pids_stats: any = { current: num(f('pids.current')), ...(pidsLimit !== undefined ? { limit: pidsLimit } : {}) };
  return { memory_stats, cpu_stats, blkio_stats, pids_stats };
}

function nullIfEmpty<T>(a: T[]): T[] | null { return a.length ? a : null; }

/** Whole-host CPU time in ns (Docker's system_cpu_usage) and the number of online CPUs, from /proc/stat. */
export function systemCpu(text = readFileSync('/proc/stat', 'utf8')): { systemUsage: number; onlineCpus: number } {
  let systemUsage = 0;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) {
      const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
      systemUsage = f.reduce((a, b) => a + b, 0) * NS_PER_TICK;
    } else if (/^cpu\d+\s/.test(line)) onlineCpus++;
  }
  return { systemUsage, onlineCpus };
}

/** /proc/<pid>/net/dev -> Docker's networks map (loopback left out, as Docker's interfaces never include it). */
export function parseNetDev(text: string | undefined): Record<string, any> {
  const out: Record<string, any> = {};
  for (const line of (text ?? '').split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const v = m[2].trim().split(/\s+/).map(Number);
    out[m[1]] = {
      rx_bytes: v[0], rx_packets: v[1], rx_errors: v[2], rx_dropped: v[3],
      tx_bytes: v[8], tx_packets: v[9], tx_errors: v[10], tx_dropped: v[11],
    };
  }
  return out;
}

/** Did the kernel OOM-kill a process of this cgroup? v1 memory.oom_control / v2 memory.events. */
export function oomKilledFrom(version: 1 | 2, read: FileReader, memoryDir: string): boolean {
  if (version === 2) return (parseFlatKeyed(read(join(memoryDir, 'memory.events'))).oom_kill ?? 0) > 0;
  return (parseFlatKeyed(read(join(memoryDir, 'memory.oom_control'))).oom_kill ?? 0) > 0;
}

export const readFileOrUndefined: FileReader = (file) => {
  try { return readFileSync(file, 'utf8'); } catch { return undefined; }
};
