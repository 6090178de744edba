/**
 * ListMetricDescriptors and ListPodSandboxMetrics (and StreamPodSandboxMetrics): the kubelet's
 * "CRI metrics" path (PodAndContainerStatsFromCRI), which re-exports what the runtime sends on
 * /metrics/cadvisor. The series use cAdvisor's names, help texts and labels, read from the same cgroup
 * and /proc/<pid>/net/dev readers as berth's Prometheus endpoint (metrics/container-series.ts). The
 * CRI carries values as uint64, so only series whose unit is a whole number are sent (bytes, counts,
 * packets); cAdvisor's seconds-valued series (CPU time, start time) are left out rather than
 * rounded to whole seconds — ContainerStats' usage_core_nano_seconds carries the CPU time exactly.
 */
import { readFileOrUndefined } from '../runtime/cgroup-stats.js';
import { sampleContainer, SpecCache, type ContainerSample } from '../metrics/container-series.js';
import type { Engine } from '../engine/engine.js';
import type { GrpcHandlers } from './context.js';
import type { CriObjects } from './cri-objects.js';
import { unary } from './streaming/grpc-status.js';

const LABELS = ['id', 'name', 'image', 'container', 'pod', 'namespace'];

interface Descriptor { name: string; help: string; type: 'COUNTER' | 'GAUGE'; perInterface?: boolean; value: (s: ContainerSample, iface?: any) => number | undefined }

const memStat = (s: ContainerSample, v1: string, v2: string): number | undefined => {
  const st = s.stats.memory_stats.stats ?? {};
  return s.version === 2 ? st[v2] : (st[`total_${v1}`] ?? st[v1]);
};

/** cAdvisor's help texts, as metrics/container-series.ts writes them */
export const DESCRIPTORS: Descriptor[] = [
  { name: 'container_memory_usage_bytes', help: 'Current memory usage in bytes, including all memory regardless of when it was accessed', type: 'GAUGE', value: (s) => s.stats.memory_stats.usage },
  { name: 'container_memory_working_set_bytes', help: 'Current working set in bytes.', type: 'GAUGE', value: (s) => Math.max(0, s.stats.memory_stats.usage - (memStat(s, 'inactive_file', 'inactive_file') ?? 0)) },
  { name: 'container_memory_rss', help: 'Size of RSS in bytes.', type: 'GAUGE', value: (s) => memStat(s, 'rss', 'anon') },
  { name: 'container_memory_cache', help: 'Number of bytes of page cache memory.', type: 'GAUGE', value: (s) => memStat(s, 'cache', 'file') },
  { name: 'container_threads', help: 'Number of threads running inside the container', type: 'GAUGE', value: (s) => s.stats.pids_stats?.current },
  { name: 'container_threads_max', help: 'Maximum number of threads allowed inside the container, infinity if value is zero', type: 'GAUGE', value: (s) => s.spec.pidsLimit ?? 0 },
  { name: 'container_spec_memory_limit_bytes', help: 'Memory limit for the container.', type: 'GAUGE', value: (s) => s.spec.memoryLimit ?? 0 },
  { name: 'container_network_receive_bytes_total', help: 'Cumulative count of bytes received', type: 'COUNTER', perInterface: true, value: (_s, n) => n.rx_bytes },
  { name: 'container_network_receive_packets_total', help: 'Cumulative count of packets received', type: 'COUNTER', perInterface: true, value: (_s, n) => n.rx_packets },
  { name: 'container_network_receive_errors_total', help: 'Cumulative count of errors encountered while receiving', type: 'COUNTER', perInterface: true, value: (_s, n) => n.rx_errors },
  { name: 'container_network_transmit_bytes_total', help: 'Cumulative count of bytes transmitted', type: 'COUNTER', perInterface: true, value: (_s, n) => n.tx_bytes },
  { name: 'container_network_transmit_packets_total', help: 'Cumulative count of packets transmitted', type: 'COUNTER', perInterface: true, value: (_s, n) => n.tx_packets },
  { name: 'container_network_transmit_errors_total', help: 'Cumulative count of errors encountered while transmitting', type: 'COUNTER', perInterface: true, value: (_s, n) => n.tx_errors },
];

export function metricDescriptors(): object[] {
  return DESCRIPTORS.map((d) => ({ name: d.name, help: d.help, label_keys: d.perInterface ? [...LABELS, 'interface'] : LABELS }));
}

export class CriMetrics {
  private readonly specs = new SpecCache();
  constructor(private readonly engine: Engine, private readonly objects: CriObjects) {}

  private metricsOf(id: string, labelValues: string[], ts: string, network: boolean): object[] | undefined {
    const rec = this.engine.containers.records().find((r) => r.id === id);
    if (!rec) return undefined;
    const s = sampleContainer(rec, this.specs, readFileOrUndefined);
    if (!s) return undefined;
    const values = [s.id, s.name, s.image, ...labelValues];
    const out: object[] = [];
    for (const d of DESCRIPTORS) {
      if (d.perInterface) {
        // the network belongs to the pod: cAdvisor reports it on the pod's (pause) container
        if (!network) continue;
        for (const [iface, n] of Object.entries(s.networks)) {
          const v = d.value(s, n);
          if (v !== undefined) out.push({ name: d.name, timestamp: ts, metric_type: d.type, label_values: [...values, iface], value: { value: Math.max(0, Math.round(v)) } });
        }
        continue;
      }
      const v = d.value(s);
      if (v !== undefined && Number.isFinite(v)) out.push({ name: d.name, timestamp: ts, metric_type: d.type, label_values: values, value: { value: Math.max(0, Math.round(v)) } });
    }
    return out;
  }

  podMetrics(): object[] {
    const ts = (BigInt(Date.now()) * 1_000_000n).toString();
    const pods: object[] = [];
    for (const sb of this.objects.sandboxes.items.values()) {
      const meta = (sb.config.metadata ?? {}) as { name?: string; namespace?: string };
      const podLabels = [String(meta.name ?? ''), String(meta.namespace ?? '')];
      const metrics = this.metricsOf(sb.id, ['POD', ...podLabels], ts, true);
      if (!metrics) continue;
      const containers = [...this.objects.containers.items.values()].filter((c) => c.sandboxId === sb.id).flatMap((c) => {
        const name = String((c.config.metadata as { name?: string } | null)?.name ?? '');
        const m = this.metricsOf(c.id, [name, ...podLabels], ts, false);
        return m ? [{ container_id: c.id, metrics: m }] : [];
      });
      pods.push({ pod_sandbox_id: sb.id, metrics, container_metrics: containers });
    }
    return pods;
  }
}

export function metricsHandlers(engine: Engine, objects: CriObjects): GrpcHandlers {
  const metrics = new CriMetrics(engine, objects);
  return {
    ListMetricDescriptors: unary(() => ({ descriptors: metricDescriptors() })),
    ListPodSandboxMetrics: unary(() => ({ pod_metrics: metrics.podMetrics() })),
    StreamPodSandboxMetrics: (call: { write(x: object): boolean; end(): void; destroy(e: Error): void }) => {
      try {
        for (const p of metrics.podMetrics()) call.write({ pod_sandbox_metrics: [p] });
        call.end();
      } catch (e) { call.destroy(e as Error); }
    },
  };
}
