/**
 * Container resource limits: Docker's validation of HostConfig resources against
 * this host, and the OCI LinuxResources fields beyond the basic ones in spec.ts
 * (OOM killer, swappiness, per-device block I/O, device cgroup rules), also used
 * by `update` on a running container.
 */
import { refuseRootlessLimits } from '../rootless/cgroups.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';
import type { CgroupInfo } from './cgroups.js';

/** Docker's smallest memory limit / reservation. */
const MIN_MEMORY = 6 * 1024 * 1024;

export interface ResourceHost {
  ncpu: number;
  memTotal: number;
  /** cpus and mems the daemon's cpuset allows ('0-1'); undefined when unknown */
  cpusetCpus?: string;
  cpusetMems?: string;
  cgroups: Pick<CgroupInfo, 'version' | 'v1Controllers' | 'unifiedControllers' | 'unifiedMount'>;
  /** does a cgroup file exist for this controller knob (v1: 'blkio', 'blkio.weight')? */
  hasKnob(controller: string, file: string): boolean;
}

const CG = '/sys/fs/cgroup';

function readTrim(p: string): string | undefined {
  try { return readFileSync(p, 'utf8').trim(); } catch { return undefined; }
}

export function resourceHost(cgroups: ResourceHost['cgroups']): ResourceHost {
  const v2 = cgroups.version === 2;
  return {
    ncpu: cpus().length,
    memTotal: totalmem(),
    cpusetCpus: readTrim(v2 ? join(CG, 'cpuset.cpus.effective') : join(CG, 'cpuset', 'cpuset.effective_cpus')) || `0-${cpus().length - 1}`,
    cpusetMems: readTrim(v2 ? join(CG, 'cpuset.mems.effective') : join(CG, 'cpuset', 'cpuset.effective_mems')) || '0',
    cgroups,
    hasKnob: (controller, file) => {
      if (v2) return (cgroups.unifiedControllers ?? []).includes(controller);
      const dir = join(CG, controller);
      // knobs only exist in child groups for some controllers (pids.max): look one level down too
      return existsSync(join(dir, file)) || existsSync(join(dir, 'berth', file));
    },
  };
}

/** '0-3,5' -> [0,1,2,3,5]; throws on malformed lists (Docker: "Invalid value %s for cpuset cpus"). */
function parseCpuList(s: string, what = 'cpuset cpus'): number[] {
  const out = new Set<number>();
  if (!s.trim()) return [];
  for (const part of s.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) throw new InvalidArgumentError(`Invalid value ${s} for ${what}`);
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo || hi - lo > 4096) throw new InvalidArgumentError(`Invalid value ${s} for ${what}`);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Docker's verifyPlatformContainerResources: refuse impossible combinations with its
 * wording, drop what the host cannot do with a warning (mutating hc as Docker does).
 */
export function validateResources(hc: any, host: ResourceHost, opts: { update?: boolean } = {}): string[] {
  refuseRootlessLimits(hc); // a rootless engine without a delegated cgroup v2 subtree can set none
  const w: string[] = [];
  const memory = num(hc.Memory);
  const swap = num(hc.MemorySwap);
  const reservation = num(hc.MemoryReservation);
  if (memory < 0) throw new InvalidArgumentError('invalid memory limit: must be a positive number');
  if (memory !== 0 && memory < MIN_MEMORY) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB');
  if (memory > 0 && memory > host.memTotal * 4) w.push(`memory limit ${memory} is more than the host's ${host.memTotal} bytes`);
  if (swap > 0 && memory === 0 && !opts.update) throw new InvalidArgumentError('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (swap > 0 && memory > 0 && swap < memory) throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (swap < -1) throw new InvalidArgumentError('invalid memory swap limit: must be -1 (unlimited) or a positive number');
  if (reservation !== 0 && reservation < MIN_MEMORY) throw new InvalidArgumentError('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) throw new InvalidArgumentError('Minimum memory limit can not be less than memory reservation limit, see usage');
  if (hc.MemorySwappiness !== undefined && hc.MemorySwappiness !== null && hc.MemorySwappiness !== -1) {
    const s = num(hc.MemorySwappiness);
    if (s < 0 || s > 100) throw new InvalidArgumentError(`Invalid value: ${hc.MemorySwappiness}, valid memory swappiness range is 0-100`);
    if (host.cgroups.version === 2) { w.push('Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.'); hc.MemorySwappiness = null; }
  }
  if (hc.OomKillDisable && memory === 0) w.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  if (hc.OomKillDisable && host.cgroups.version === 2) { w.push('Your kernel does not support OomKillDisable. OomKillDisable discarded.'); hc.OomKillDisable = false; }
  if (hc.KernelMemory) throw new InvalidArgumentError('kernel memory limits are not supported (--kernel-memory was removed from Docker)');

  const nano = num(hc.NanoCpus);
  const period = num(hc.CpuPeriod);
  const quota = num(hc.CpuQuota);
  if (nano > 0 && period > 0) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && quota > 0) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano < 0 || nano > host.ncpu * 1e9) {
    throw new InvalidArgumentError(`Range of CPUs is from 0.01 to ${host.ncpu}.00, as specified by runtime.NumCPU().`);
  }
  if (nano > 0 && nano < 0.01e9) throw new InvalidArgumentError(`Range of CPUs is from 0.01 to ${host.ncpu}.00, as specified by runtime.NumCPU().`);
  if (period !== 0 && (period < 1000 || period > 1_000_000)) throw new InvalidArgumentError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1 second (i.e. 1000000)');
  if (quota > 0 && quota < 1000) throw new InvalidArgumentError('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (num(hc.CpuShares) < 0) throw new InvalidArgumentError('invalid CPU shares: must be a positive number');
  if (hc.CpuShares > 0 && hc.CpuShares < 2) w.push('Your kernel does not support CPU shares below 2; the minimum of 2 applies.');
  if (hc.CpuShares > 262144) w.push('CPU shares above 262144 are clamped to 262144 by the kernel.');
  if (hc.CpusetCpus) {
    const want = parseCpuList(String(hc.CpusetCpus), 'cpuset cpus');
    const have = new Set(parseCpuList(host.cpusetCpus ?? ''));
    const missing = want.filter((c) => !have.has(c));
    if (missing.length) throw new InvalidArgumentError(`Requested CPUs are not available - requested ${hc.CpusetCpus}, available: ${host.cpusetCpus}`);
  }
  if (hc.CpusetMems) {
    const want = parseCpuList(String(hc.CpusetMems), 'cpuset mems');
    const have = new Set(parseCpuList(host.cpusetMems ?? ''));
    if (want.some((m) => !have.has(m))) throw new InvalidArgumentError(`Requested memory nodes are not available - requested ${hc.CpusetMems}, available: ${host.cpusetMems}`);
  }

  const weight = num(hc.BlkioWeight);
  if (weight !== 0 && (weight < 10 || weight > 1000)) throw new InvalidArgumentError('Range of blkio weight is from 10 to 1000');
  const weightKnob = host.cgroups.version === 2 ? host.hasKnob('io', 'io.weight') : host.hasKnob('blkio', 'blkio.weight') || host.hasKnob('blkio', 'blkio.bfq.weight');
  if (weight > 0 && !weightKnob) {
    w.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
    hc.BlkioWeight = 0;
  }
  if ((hc.BlkioWeightDevice ?? []).length && !weightKnob) {
    w.push('Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.');
    hc.BlkioWeightDevice = [];
  }
  for (const k of ['BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'BlkioWeightDevice']) {
    for (const d of (hc[k] ?? []) as any[]) deviceNumbers(d?.Path, k);
  }
  const pids = hc.PidsLimit;
  if (pids !== undefined && pids !== null && (!Number.isInteger(pids) || pids < -1)) throw new InvalidArgumentError(`invalid pids limit: ${pids}`);
  for (const r of (hc.DeviceCgroupRules ?? []) as string[]) parseDeviceCgroupRule(r);
  if (hc.OomScoreAdj !== undefined && (hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000)) {
    throw new InvalidArgumentError(`Invalid value ${hc.OomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  return w;
}

/** major:minor of a block device path (Docker: "... is not a block device"). */
function deviceNumbers(path: unknown, what: string): { major: number; minor: number } {
  if (typeof path !== 'string' || !path) throw new InvalidArgumentError(`${what}: a device path is required`);
  let st;
  try { st = statSync(path); } catch { throw new InvalidArgumentError(`${what}: no such device: ${path}`); }
  if (!st.isBlockDevice()) throw new InvalidArgumentError(`${what}: ${path} is not a block device`);
  const rdev = BigInt(st.rdev);
  return { major: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)), minor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)) };
}

/** Docker's --device-cgroup-rule: 'c 1:3 rwm', 'b *:* m', 'a'. */
function parseDeviceCgroupRule(rule: string): { allow: true; type: string; major?: number; minor?: number; access: string } {
  const m = /^([acb])(?:\s+(\d+|\*):(\d+|\*))?(?:\s+([rwm]{1,3}))?$/.exec(String(rule).trim());
  if (!m) throw new InvalidArgumentError(`invalid device cgroup rule format: '${rule}'`);
  const [, type, maj, min, access = 'rwm'] = m;
  const out: any = { allow: true, type, access };
  if (maj !== undefined && maj !== '*') out.major = Number(maj);
  if (min !== undefined && min !== '*') out.minor = Number(min);
  return out;
}

/**
 * The OCI resources that spec.ts does not build from the basic fields: merged
 * into linux.resources (deeply, objects by key, arrays appended).
 */
export function extraOciResources(hc: any): any {
  const res: any = {};
  const memory: any = {};
  if (hc.OomKillDisable) memory.disableOOMKiller = true;
  if (typeof hc.MemorySwappiness === 'number' && hc.MemorySwappiness >= 0) memory.swappiness = hc.MemorySwappiness;
  if (Object.keys(memory).length) res.memory = memory;
  const blockIO: any = {};
  const throttle = (list: any[] | undefined, key: string) => {
    const rows = (list ?? []).map((d: any) => ({ ...deviceNumbers(d.Path, key), rate: Number(d.Rate) }));
    return rows.length ? rows : undefined;
  };
  const pairs: Array<[string, string]> = [
    ['BlkioDeviceReadBps', 'throttleReadBpsDevice'], ['BlkioDeviceWriteBps', 'throttleWriteBpsDevice'],
    ['BlkioDeviceReadIOps', 'throttleReadIOPSDevice'], ['BlkioDeviceWriteIOps', 'throttleWriteIOPSDevice'],
  ];
  for (const [from, to] of pairs) { const v = throttle(hc[from], from); if (v) blockIO[to] = v; }
  const wd = (hc.BlkioWeightDevice ?? []).map((d: any) => ({ ...deviceNumbers(d.Path, 'BlkioWeightDevice'), weight: Number(d.Weight) }));
  if (wd.length) blockIO.weightDevice = wd;
  if (Object.keys(blockIO).length) res.blockIO = blockIO;
  const rules = ((hc.DeviceCgroupRules ?? []) as string[]).map(parseDeviceCgroupRule);
  if (rules.length) res.devices = rules;
  return res;
}

/** Deep merge of extra resources into a spec's linux.resources (arrays append). */
export function mergeResources(base: any, extra: any): any {
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (Array.isArray(v)) base[k] = [...(Array.isArray(base[k]) ? base[k] : []), ...v];
    else if (v && typeof v === 'object') base[k] = mergeResources(base[k] && typeof base[k] === 'object' ? base[k] : {}, v);
    else base[k] = v;
  }
  return base;
}

/**
 * OCI LinuxResources for `<runtime> update --resources`: the limits the merged
 * HostConfig asks for, with "no limit" written explicitly so a lowered or removed
 * limit really changes (-1 = unlimited for memory and pids).
 */
export function updateOciResources(hc: any, changed: Set<string>): any {
  const res: any = {};
  const memory = num(hc.Memory);
  if (changed.has('Memory') || changed.has('MemorySwap') || changed.has('MemoryReservation')) {
    const m: any = {};
    if (changed.has('Memory') || changed.has('MemorySwap')) {
      m.limit = memory > 0 ? memory : -1;
      const swap = num(hc.MemorySwap);
      m.swap = memory > 0 ? (swap === 0 ? memory * 2 : swap) : -1;
    }
    if (changed.has('MemoryReservation')) m.reservation = num(hc.MemoryReservation) > 0 ? hc.MemoryReservation : -1;
    res.memory = m;
  }
  const cpu: any = {};
  if (changed.has('CpuShares') && num(hc.CpuShares) > 0) cpu.shares = hc.CpuShares;
  if (changed.has('NanoCpus')) {
    cpu.period = 100000;
    cpu.quota = num(hc.NanoCpus) > 0 ? Math.round((hc.NanoCpus / 1e9) * 100000) : -1;
  }
  if (changed.has('CpuQuota')) cpu.quota = num(hc.CpuQuota) > 0 ? hc.CpuQuota : -1;
  if (changed.has('CpuPeriod') && num(hc.CpuPeriod) > 0) cpu.period = hc.CpuPeriod;
  if (changed.has('CpusetCpus') && hc.CpusetCpus) cpu.cpus = hc.CpusetCpus;
  if (changed.has('CpusetMems') && hc.CpusetMems) cpu.mems = hc.CpusetMems;
  if (Object.keys(cpu).length) res.cpu = cpu;
  if (changed.has('PidsLimit')) res.pids = { limit: hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : -1 };
  if (changed.has('BlkioWeight') && num(hc.BlkioWeight) > 0) res.blockIO = { weight: hc.BlkioWeight };
  return res;
}
