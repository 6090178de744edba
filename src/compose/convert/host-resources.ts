/**
 * A service's resource settings as the HostConfig Resources fields, as compose v2's getDeployResources:
 * the service-level keys (mem_limit, cpus, cpu_shares, pids_limit…) first, then deploy.resources.limits
 * and .reservations, which win where they say something. CPU reservations are swarm's only.
 */
import type { DeviceRequest, Resources } from '../../common/engine-api/types.js';
import type { ServiceConfig } from '../model.js';
import { composeError, durationNs, nanoCpus, sizeBytes } from './units.js';

/** Keys of the compose-spec that model.ts does not list, read here as the loader left them. */
interface MoreResourceKeys {
  mem_swappiness?: number;
  cpu_count?: number;
  cpu_percent?: number;
  cpu_period?: number | string;
  cpu_quota?: number | string;
  cpu_rt_period?: number | string;
  cpu_rt_runtime?: number | string;
  blkio_config?: {
    weight?: number;
    weight_device?: Array<{ path: string; weight: number }>;
    device_read_bps?: Array<{ path: string; rate: number | string }>;
    device_write_bps?: Array<{ path: string; rate: number | string }>;
    device_read_iops?: Array<{ path: string; rate: number | string }>;
    device_write_iops?: Array<{ path: string; rate: number | string }>;
  };
  gpus?: 'all' | Array<GpuRequest>;
}

interface GpuRequest { driver?: string; count?: number | string; device_ids?: string[]; capabilities?: string[]; options?: Record<string, string> }

/** Microseconds of cpu_period/cpu_quota/cpu_rt_*: a number is µs, a string a Go duration (compose-go's MicroSeconds). */
function micros(v: number | string, what: string): number {
  return typeof v === 'number' ? v : Math.trunc(durationNs(v, what) / 1000);
}

function count(v: number | string | undefined): number {
  if (v === undefined) return 0;
  return v === 'all' ? -1 : Number(v);
}

function deviceRequest(d: GpuRequest, extraCapability?: string): DeviceRequest {
  return {
    ...(d.driver ? { Driver: d.driver } : {}),
    Count: count(d.count),
    ...(d.device_ids?.length ? { DeviceIDs: d.device_ids } : {}),
    Capabilities: [[...(d.capabilities ?? []), ...(extraCapability ? [extraCapability] : [])]],
    ...(d.options ? { Options: d.options } : {}),
  };
}

/** A CDI device name: vendor/class=name (tags.cncf.io's IsQualifiedName). */
const CDI_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*\/[a-zA-Z0-9][a-zA-Z0-9_.-]*=[a-zA-Z0-9_.:-]+$/;

export function serviceResources(service: ServiceConfig): Resources {
  const s = service as ServiceConfig & MoreResourceKeys;
  const r: Resources = {};
  if (s.cgroup_parent) r.CgroupParent = s.cgroup_parent;
  if (s.mem_limit !== undefined) r.Memory = sizeBytes(s.mem_limit, 'mem_limit');
  if (s.memswap_limit !== undefined) r.MemorySwap = sizeBytes(s.memswap_limit, 'memswap_limit');
  if (s.mem_swappiness !== undefined && s.mem_swappiness !== 0) r.MemorySwappiness = s.mem_swappiness;
  if (s.mem_reservation !== undefined) r.MemoryReservation = sizeBytes(s.mem_reservation, 'mem_reservation');
  if (s.oom_kill_disable !== undefined) r.OomKillDisable = s.oom_kill_disable;
  if (s.cpu_count) r.CpuCount = s.cpu_count;
  if (s.cpu_percent) r.CpuPercent = s.cpu_percent;
  if (s.cpu_period !== undefined) r.CpuPeriod = micros(s.cpu_period, 'cpu_period');
  if (s.cpu_quota !== undefined) r.CpuQuota = micros(s.cpu_quota, 'cpu_quota');
  if (s.cpu_rt_period !== undefined) r.CpuRealtimePeriod = micros(s.cpu_rt_period, 'cpu_rt_period');
  if (s.cpu_rt_runtime !== undefined) r.CpuRealtimeRuntime = micros(s.cpu_rt_runtime, 'cpu_rt_runtime');
  if (s.cpu_shares) r.CpuShares = s.cpu_shares;
  if (s.cpus !== undefined) r.NanoCpus = nanoCpus(s.cpus, 'cpus');
  if (s.cpuset) r.CpusetCpus = s.cpuset;
  if (s.device_cgroup_rules?.length) r.DeviceCgroupRules = s.device_cgroup_rules;
  if (s.pids_limit) r.PidsLimit = s.pids_limit;

  const b = s.blkio_config;
  if (b) {
    if (b.weight) r.BlkioWeight = b.weight;
    if (b.weight_device?.length) r.BlkioWeightDevice = b.weight_device.map((d) => ({ Path: d.path, Weight: d.weight }));
    const rates = (l: Array<{ path: string; rate: number | string }> | undefined, what: string) =>
      l?.map((d) => ({ Path: d.path, Rate: sizeBytes(d.rate, `blkio_config.${what}`) }));
    if (b.device_read_bps?.length) r.BlkioDeviceReadBps = rates(b.device_read_bps, 'device_read_bps');
    if (b.device_write_bps?.length) r.BlkioDeviceWriteBps = rates(b.device_write_bps, 'device_write_bps');
    if (b.device_read_iops?.length) r.BlkioDeviceReadIOps = rates(b.device_read_iops, 'device_read_iops');
    if (b.device_write_iops?.length) r.BlkioDeviceWriteIOps = rates(b.device_write_iops, 'device_write_iops');
  }

  const limits = s.deploy?.resources?.limits;
  if (limits) {
    if (limits.memory !== undefined) {
      const m = sizeBytes(limits.memory, 'deploy.resources.limits.memory');
      if (m) r.Memory = m;
    }
    if (limits.cpus !== undefined) {
      const c = nanoCpus(limits.cpus, 'deploy.resources.limits.cpus');
      if (c) r.NanoCpus = c;
    }
    if (limits.pids !== undefined && limits.pids > 0) r.PidsLimit = limits.pids;
  }
  const reservations = s.deploy?.resources?.reservations;
  const requests: DeviceRequest[] = [];
  if (reservations) {
    if (reservations.memory !== undefined) {
      const m = sizeBytes(reservations.memory, 'deploy.resources.reservations.memory');
      if (m) r.MemoryReservation = m;
    }
    for (const d of (reservations.devices ?? []) as GpuRequest[]) requests.push(deviceRequest(d));
  }

  const cdi: string[] = [];
  for (const d of s.devices ?? []) {
    if (d.source === d.target && CDI_NAME.test(d.source)) { cdi.push(d.source); continue; }
    (r.Devices ??= []).push({ PathOnHost: d.source, PathInContainer: d.target, CgroupPermissions: d.permissions || 'rwm' });
  }
  if (cdi.length) requests.push({ Driver: 'cdi', DeviceIDs: cdi });
  if (s.gpus === 'all') requests.push(deviceRequest({ count: 'all' }, 'gpu'));
  else for (const g of s.gpus ?? []) requests.push(deviceRequest(g, 'gpu'));
  if (requests.length) r.DeviceRequests = requests;

  const ulimits = Object.entries(s.ulimits ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (ulimits.length) {
    r.Ulimits = ulimits.map(([name, u]) => {
      if (typeof u === 'number') return { Name: name, Soft: u, Hard: u };
      if (u.soft === undefined || u.hard === undefined) throw composeError(`ulimits.${name}: soft and hard are both required`);
      return { Name: name, Soft: u.soft, Hard: u.hard };
    });
  }
  return r;
}
