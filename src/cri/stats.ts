/**
 * ContainerStats, ListContainerStats, PodSandboxStats and ListPodSandboxStats (and their Stream*
 * variants) from the engine's own readers: the cgroup (v1 or v2) and /proc/<pid>/net/dev through the
 * container stats sampler that `docker stats` uses (container/stats.ts), and the writable layer's size
 * from the container's overlay upper directory. Figures are computed as containerd's CRI does:
 * working set = usage - inactive file pages, usage_nano_cores from the previous sample of the same
 * container, a pod = the sum of its containers and its pause container (berth keeps no pod cgroup of its own).
 */
import { status } from '@grpc/grpc-js';
import { treeUsage } from '../container/views.js';
import type { Engine } from '../engine/engine.js';
import type { GrpcHandlers } from './context.js';
import { findById, labelsMatch, type ContainerLike, type CriObjects, type SandboxLike } from './cri-objects.js';
import { grpcError, unary } from './streaming/grpc-status.js';

type U64 = { value: number } | null;
const u64 = (v: number | undefined): U64 => (v === undefined || !Number.isFinite(v) ? null : { value: Math.max(0, Math.round(v)) });

/** Nanoseconds since the epoch, as a decimal string (int64 beyond a double's precision). */
function nowNs(): string { return (BigInt(Date.now()) * 1_000_000n).toString(); }

interface RawSample { at: number; cpuNs: number; memory: any; pids: number; networks: Record<string, any> | undefined; running: boolean }

export class CriStats {
  /** the previous CPU reading of each container, for usage_nano_cores */
  private readonly lastCpu = new Map<string, { at: number; cpuNs: number }>();

  constructor(private readonly engine: Engine, private readonly objects: CriObjects) {}

  private raw(id: string): RawSample {
    const s = this.engine.containers.statsSample(id);
    const j = s.json;
    return {
      at: Date.now(), cpuNs: Number(j.cpu_stats?.cpu_usage?.total_usage ?? 0), memory: j.memory_stats ?? {},
      pids: Number(j.pids_stats?.current ?? 0), networks: j.networks, running: j.read !== '0001-01-01T00:00:00Z',
    };
  }

  /** Cores used since the previous reading (none before the second one, as containerd). */
  private nanoCores(id: string, r: RawSample): number | undefined {
    const prev = this.lastCpu.get(id);
    this.lastCpu.set(id, { at: r.at, cpuNs: r.cpuNs });
    if (!prev || r.at <= prev.at || r.cpuNs < prev.cpuNs) return undefined;
    return ((r.cpuNs - prev.cpuNs) / ((r.at - prev.at) * 1e6)) * 1e9;
  }

  private cpuMemory(parts: Array<{ id: string; r: RawSample }>, ts: string) {
    let cpuNs = 0;
    let cores: number | undefined;
    let usage = 0; let inactive = 0; let rss = 0; let faults = 0; let major = 0; let limit: number | undefined;
    for (const { id, r } of parts) {
      cpuNs += r.cpuNs;
      const c = this.nanoCores(id, r);
      if (c !== undefined) cores = (cores ?? 0) + c;
      const st = r.memory.stats ?? {};
      usage += Number(r.memory.usage ?? 0);
      // v1: total_inactive_file (the hierarchy's), v2: inactive_file
      inactive += Number(st.total_inactive_file ?? st.inactive_file ?? 0);
      rss += Number(st.total_rss ?? st.rss ?? st.anon ?? 0);
      faults += Number(st.total_pgfault ?? st.pgfault ?? 0);
      major += Number(st.total_pgmajfault ?? st.pgmajfault ?? 0);
      if (r.memory.limit !== undefined) limit = Math.max(limit ?? 0, Number(r.memory.limit));
    }
    const workingSet = Math.max(0, usage - inactive);
    return {
      cpu: { timestamp: ts, usage_core_nano_seconds: u64(cpuNs), usage_nano_cores: u64(cores), psi: null },
      memory: {
        timestamp: ts, working_set_bytes: u64(workingSet), usage_bytes: u64(usage), rss_bytes: u64(rss),
        available_bytes: u64(limit === undefined ? undefined : Math.max(0, limit - workingSet)),
        page_faults: u64(faults), major_page_faults: u64(major), psi: null,
      },
    };
  }

  async containerStats(c: ContainerLike): Promise<object> {
    const ts = nowNs();
    const r = this.raw(c.id);
    const { cpu, memory } = this.cpuMemory([{ id: c.id, r }], ts);
    const layer = await treeUsage(this.engine.snapshots.upperDir(c.id));
    return {
      attributes: attributes(c),
      cpu, memory,
      writable_layer: { timestamp: ts, fs_id: { mountpoint: this.engine.paths.snapshots }, used_bytes: u64(layer.bytes), inodes_used: u64(layer.inodes) },
      swap: null, io: null,
    };
  }

  async sandboxStats(s: SandboxLike): Promise<object> {
    const ts = nowNs();
    const members = [...this.objects.containers.items.values()].filter((c) => c.sandboxId === s.id && this.exists(c.id));
    const pause = this.raw(s.id);
    const parts = [{ id: s.id, r: pause }, ...members.map((c) => ({ id: c.id, r: this.raw(c.id) }))];
    const { cpu, memory } = this.cpuMemory(parts, ts);
    const ifaces = Object.entries(pause.networks ?? {}).map(([name, n]) => ({
      name, rx_bytes: u64(n.rx_bytes), rx_errors: u64(n.rx_errors), tx_bytes: u64(n.tx_bytes), tx_errors: u64(n.tx_errors),
    }));
    const def = ifaces.find((i) => i.name === 'eth0') ?? ifaces[0] ?? null;
    return {
      attributes: attributes(s),
      linux: {
        cpu, memory,
        network: pause.running ? { timestamp: ts, default_interface: def, interfaces: ifaces.filter((i) => i !== def) } : null,
        process: { timestamp: ts, process_count: u64(parts.reduce((n, p) => n + p.r.pids, 0)) },
        containers: await Promise.all(members.map((c) => this.containerStats(c))),
        io: null,
      },
      windows: null,
    };
  }

  private exists(id: string): boolean {
    try { this.engine.containers.inspect(id); return true; } catch { return false; }
  }

  container(id: string): ContainerLike {
    const c = findById(this.objects.containers.items, id);
    if (!c || !this.exists(c.id)) throw grpcError(status.NOT_FOUND, `container "${id}" not found`);
    return c;
  }

  sandbox(id: string): SandboxLike {
    const s = findById(this.objects.sandboxes.items, id);
    if (!s || !this.exists(s.id)) throw grpcError(status.NOT_FOUND, `pod sandbox "${id}" not found`);
    return s;
  }

  /** ListContainerStats' filter: id (prefix), pod_sandbox_id (prefix), label_selector. */
  async listContainers(filter: { id?: string; pod_sandbox_id?: string; label_selector?: Record<string, string> } | null | undefined): Promise<object[]> {
    const f = filter ?? {};
    const picked = [...this.objects.containers.items.values()].filter((c) => (!f.id || c.id.startsWith(f.id))
      && (!f.pod_sandbox_id || c.sandboxId.startsWith(f.pod_sandbox_id)) && labelsMatch(c.config.labels, f.label_selector) && this.exists(c.id));
    return Promise.all(picked.map((c) => this.containerStats(c)));
  }

  async listSandboxes(filter: { id?: string; label_selector?: Record<string, string> } | null | undefined): Promise<object[]> {
    const f = filter ?? {};
    const picked = [...this.objects.sandboxes.items.values()].filter((s) => (!f.id || s.id.startsWith(f.id))
      && labelsMatch(s.config.labels, f.label_selector) && this.exists(s.id));
    return Promise.all(picked.map((s) => this.sandboxStats(s)));
  }

  forget(id: string): void { this.lastCpu.delete(id); }
}

function attributes(o: SandboxLike | ContainerLike): object {
  return { id: o.id, metadata: o.config.metadata ?? null, labels: o.config.labels ?? {}, annotations: o.config.annotations ?? {} };
}

type Filter<T> = { filter?: T | null };

/** The stats calls as a handler set for the RuntimeService. */
export function statsHandlers(engine: Engine, objects: CriObjects): GrpcHandlers {
  const stats = new CriStats(engine, objects);
  /** server-streaming Stream* calls: the whole list, one response per item, then the end */
  const streamOf = (list: (req: any) => Promise<object[]>, field: string) => (call: { request: any; write(x: object): boolean; end(): void; destroy(e: Error): void }) => {
    list(call.request).then((items) => {
      for (const item of items) call.write({ [field]: [item] });
      call.end();
    }, (e) => call.destroy(e));
  };
  return {
    ContainerStats: unary(async (req: { container_id?: string }) => {
      if (!req.container_id) throw grpcError(status.INVALID_ARGUMENT, 'container_id is required');
      return { stats: await stats.containerStats(stats.container(req.container_id)) };
    }),
    ListContainerStats: unary(async (req: Filter<{ id?: string; pod_sandbox_id?: string; label_selector?: Record<string, string> }>) => ({ stats: await stats.listContainers(req.filter) })),
    StreamContainerStats: streamOf((req) => stats.listContainers(req.filter), 'container_stats'),
    PodSandboxStats: unary(async (req: { pod_sandbox_id?: string }) => {
      if (!req.pod_sandbox_id) throw grpcError(status.INVALID_ARGUMENT, 'pod_sandbox_id is required');
      return { stats: await stats.sandboxStats(stats.sandbox(req.pod_sandbox_id)) };
    }),
    ListPodSandboxStats: unary(async (req: Filter<{ id?: string; label_selector?: Record<string, string> }>) => ({ stats: await stats.listSandboxes(req.filter) })),
    StreamPodSandboxStats: streamOf((req) => stats.listSandboxes(req.filter), 'pod_sandbox_stats'),
  };
}
