/** CPU % and memory from one stats sample, computed as `docker stats` does. */
import type { StatsSample } from './types.ts';

export function cpuPercent(s: StatsSample): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const sysDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  return sysDelta > 0 && cpuDelta >= 0 ? (cpuDelta / sysDelta) * (s.cpu_stats.online_cpus ?? 1) * 100 : 0;
}

/** memory in use without the page cache the kernel can drop */
export function memUsed(s: StatsSample): number {
  const st = s.memory_stats.stats ?? {};
  return Math.max(0, (s.memory_stats.usage ?? 0) - (st.inactive_file ?? st.total_inactive_file ?? 0));
}
