/**
 * The issue's benchmark for runtime controls: what a health-check round and `stats` cost with 50
 * running containers, berth (node daemon + conmons) against Docker (dockerd + containerd + shims)
 * in one run. Goal: berth's idle cost per running container no higher than conmon's own (about
 * 2 MB RSS; containerd-shim about 13 MB).
 */
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { pidsOf } from '../lib/proc.js';
import { totalMs } from '../lib/cpu.js';
import type { Probe, ProbeLine } from '../lib/types.js';
import { peerAvailable } from '../peers/availability.js';
import { engine } from '../peers/engine.js';
import { measureHealthStats, type EngineProcs, type HealthStatsPlan, type HealthStatsResult } from './health-stats-measure.js';

const mib = (kib: number) => kib / 1024;

function plan(ctx: BenchContext): HealthStatsPlan {
  return {
    containers: ctx.size(50, 5),
    idleMs: ctx.size(5_000, 1_000),
    windowMs: ctx.size(15_000, 3_000),
    statsRuns: ctx.size(3, 1),
    streamMs: ctx.size(10_000, 2_000),
    timeoutMs: 300_000,
    log: (m) => ctx.log(`health/stats: ${m}`),
  };
}

/** One engine's figures as report lines; `goals` holds berth's goal texts and the peer's figures. */
function lines(label: string, monitor: string, r: HealthStatsResult, goals?: { rss: string; perContainer: string; vsPeer: string }): ProbeLine[] {
  const n = r.containers;
  const total = totalMs(r.windowCpu);
  const growth = (r.daemonRssAfterKiB - r.daemonRssBeforeKiB) / n;
  const streamSeconds = r.streamMs / 1000;
  return [
    { name: `${label}: health-check rounds in ${r.windowMs / 1000} s (${n} containers, --health-interval 1s)`, value: r.rounds, unit: 'rounds', note: `one check every ${r.checkPeriodMs.toFixed(0)} ms per container` },
    { name: `${label}: CPU per health-check round (daemons + ${monitor}s + reaped exec children)`, value: total / r.rounds, unit: 'ms', goal: goals?.vsPeer },
    { name: `${label}: daemons' own CPU per health-check round`, value: r.daemonSelfCpuMs / r.rounds, unit: 'ms' },
    { name: `${label}: CPU with ${n} health-checked containers`, value: total / (r.windowMs / 1000), unit: 'ms/s', note: `idle daemon before the containers: ${r.idleCpuMsPerS.toFixed(1)} ms/s` },
    { name: `${label}: daemon RSS growth per health-checked container`, value: mib(growth), unit: 'MiB', goal: goals?.rss, note: `daemon RSS ${mib(r.daemonRssBeforeKiB).toFixed(1)} -> ${mib(r.daemonRssAfterKiB).toFixed(1)} MiB` },
    { name: `${label}: ${monitor} RSS per running container (${r.monitors})`, value: mib(r.monitorRssKiB), unit: 'MiB' },
    { name: `${label}: per running container, ${monitor} + daemon growth`, value: mib(r.monitorRssKiB + growth), unit: 'MiB', goal: goals?.perContainer },
    { name: `${label}: stats --no-stream over ${n} containers, wall-clock`, value: r.statsWallMs, unit: 'ms', goal: goals?.vsPeer },
    { name: `${label}: stats --no-stream over ${n} containers, daemon CPU`, value: r.statsCpuMs, unit: 'ms', goal: goals?.vsPeer, note: 'health checks\' background rate subtracted' },
    { name: `${label}: streaming stats of ${n} containers, CPU`, value: r.streamCpuMs / streamSeconds, unit: 'ms/s', goal: goals?.vsPeer, note: `${r.streamDocs} samples in ${streamSeconds.toFixed(1)} s; background subtracted` },
  ];
}

export const healthStatsProbe: Probe = {
  name: 'health checks and stats',
  async measure(ctx: BenchContext): Promise<ProbeLine[]> {
    const p = plan(ctx);
    const berth = await ctx.berth();
    const be = await engine(ctx, 'berth');
    const berthProcs: EngineProcs = {
      daemonPids: () => [berth.daemon.pid],
      monitorPids: () => pidsOf('conmon', berth.daemon.runRoot),
    };
    const b = await measureHealthStats(be, berthProcs, p);
    let docker: HealthStatsResult | undefined;
    if (peerAvailable(ctx, 'docker')) {
      const de = await engine(ctx, 'docker');
      const ctrdSock = join(ctx.workDir, 'docker', 'containerd.sock');
      docker = await measureHealthStats(de, { daemonPids: () => de.daemonPids(), monitorPids: () => pidsOf('containerd-shim', ctrdSock) }, p);
    }
    const dockerGrowth = docker ? (docker.daemonRssAfterKiB - docker.daemonRssBeforeKiB) / docker.containers : 0;
    const fig = (kib: number) => `${mib(kib).toFixed(1)} MiB`;
    const goals = {
      vsPeer: 'against Docker in the same run',
      rss: `<= conmon's own RSS (${fig(b.monitorRssKiB)} here; about 2 MB)${docker ? `; Docker: dockerd + containerd grow ${fig(dockerGrowth)}` : ''}`,
      perContainer: `<= conmon + 0.5 MB${docker ? `; Docker: containerd-shim ${fig(docker.monitorRssKiB)} + daemons ${fig(dockerGrowth)} (about 13 MB shim)` : '; containerd-shim about 13 MB'}`,
    };
    const berthLines = lines('berth', 'conmon', b, goals);
    const dockerLines = docker ? lines('Docker', 'containerd-shim', docker) : [];
    // the same measure of Docker next to each berth line, so the goals table shows both
    berthLines.forEach((l, i) => {
      const d = dockerLines[i];
      if (d) l.peer = `Docker: ${d.value.toFixed(1)} ${d.unit}`;
    });
    return [...berthLines, ...dockerLines];
  },
};
