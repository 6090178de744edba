/**
 * The peers' memory, measured the same way as berth's (bench/probes/memory.ts): dockerd + containerd
 * when idle, and what each running container costs — its containerd-shim (Docker) or conmon (Podman),
 * plus the daemons' growth per container.
 */
import { join } from 'node:path';
import { BenchError } from '../lib/errors.js';
import type { BenchContext } from '../lib/context.js';
import { breakdownLines } from '../lib/memory-lines.js';
import { memoryBreakdown, memoryBreakdownSum, pidsOf, rssKiB } from '../lib/proc.js';
import type { Probe, ProbeLine } from '../lib/types.js';
import { peerAvailable } from '../peers/availability.js';
import { engine, type Engine } from '../peers/engine.js';
import { podmanPaths } from '../peers/podman.js';
import { BENCH_LABEL, removeBenchContainers } from '../cases/engine-tool.js';

const SLEEPERS = 5;
const mib = (kib: number) => kib / 1024;
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (pids: number[]) => pids.reduce((s, p) => s + (rssKiB(p) ?? 0), 0);

async function startSleepers(e: Engine): Promise<void> {
  for (let i = 0; i < SLEEPERS; i++) await e.cli(['run', '-d', '--network', 'none', '--label', BENCH_LABEL, 'busybox', 'sleep', '3600']);
  await settle(1000);
}

export const peerMemoryProbe: Probe = {
  name: 'peer memory',
  async measure(ctx: BenchContext): Promise<ProbeLine[]> {
    const lines: ProbeLine[] = [];
    if (peerAvailable(ctx, 'docker')) {
      const e = await engine(ctx, 'docker');
      await removeBenchContainers(e, 300_000);
      await settle(1000);
      const idle = sum(e.daemonPids());
      lines.push({ name: 'dockerd + containerd idle RSS', value: mib(idle), unit: 'MiB', note: 'issue 9 measured 114 MB' });
      lines.push(...breakdownLines('dockerd + containerd', 'idle', memoryBreakdownSum(e.daemonPids())));
      // berth's idle daemon read at the same moment, so the private parts stand side by side
      const berthIdle = memoryBreakdown((await ctx.berth()).daemon.pid);
      if (berthIdle) lines.push(...breakdownLines('berth daemon', 'idle, read beside dockerd + containerd', berthIdle));
      try {
        await startSleepers(e);
        const shimSock = join(ctx.workDir, 'docker', 'containerd.sock');
        const shims = pidsOf('containerd-shim', shimSock);
        if (shims.length < SLEEPERS) throw new BenchError(`expected ${SLEEPERS} containerd-shims, found ${shims.length}`, 'ERR_NO_SHIM');
        const perShim = sum(shims) / shims.length;
        const growth = (sum(e.daemonPids()) - idle) / SLEEPERS;
        lines.push({ name: `containerd-shim RSS per running container (${shims.length} sleepers)`, value: mib(perShim), unit: 'MiB', note: 'issue 9 measured 13 MB' });
        lines.push({ name: 'dockerd + containerd RSS growth per running container', value: mib(growth), unit: 'MiB' });
        lines.push({ name: 'Docker per running container, shim + daemons\' growth', value: mib(perShim + growth), unit: 'MiB' });
      } finally { await removeBenchContainers(e, 300_000); }
    }
    if (peerAvailable(ctx, 'podman')) {
      const e = await engine(ctx, 'podman');
      try {
        await startSleepers(e);
        const conmons = pidsOf('conmon', podmanPaths(ctx).dir);
        if (conmons.length < SLEEPERS) throw new BenchError(`expected ${SLEEPERS} podman conmons, found ${conmons.length}`, 'ERR_NO_CONMON');
        lines.push({ name: `Podman conmon RSS per running container (${conmons.length} sleepers; podman has no daemon)`, value: mib(sum(conmons) / conmons.length), unit: 'MiB', note: 'issue 9 measured 2 MB' });
      } finally { await removeBenchContainers(e, 300_000); }
    }
    return lines;
  },
};
