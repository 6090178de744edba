/**
 * Memory: the berth daemon's idle RSS, and what each running container costs — its conmon's RSS
 * plus whatever the daemon grows by (goal: idle < 60 MB; per container <= conmon + 0.5 MB).
 */
import { BenchError } from '../lib/errors.js';
import type { BenchContext } from '../lib/context.js';
import { breakdownLines } from '../lib/memory-lines.js';
import { memoryBreakdown, pidsOf, rssKiB, type MemoryBreakdown } from '../lib/proc.js';
import type { Probe, ProbeLine } from '../lib/types.js';

const SLEEPERS = 5;

const mib = (kib: number) => kib / 1024;

async function settle(ms: number): Promise<void> { await new Promise((r) => setTimeout(r, ms)); }

function daemonBreakdown(pid: number): MemoryBreakdown {
  const b = memoryBreakdown(pid);
  if (!b) throw new BenchError(`berth daemon ${pid} is gone`, 'ERR_DAEMON_GONE');
  return b;
}

function daemonRss(pid: number): number {
  const kib = rssKiB(pid);
  if (kib === undefined) throw new BenchError(`berth daemon ${pid} is gone`, 'ERR_DAEMON_GONE');
  return kib;
}

export const memoryProbe: Probe = {
  name: 'memory',
  async measure(ctx: BenchContext): Promise<ProbeLine[]> {
    const berth = await ctx.berth();
    const pid = berth.daemon.pid;
    await settle(1000);
    const idle = daemonRss(pid);
    const idleBreakdown = daemonBreakdown(pid);
    const ids: string[] = [];
    try {
      for (let i = 0; i < SLEEPERS; i++) {
        // busybox sleep as PID 1 ignores SIGTERM (HOST-NOTES #6); cleanup removes them with force.
        const r = await berth.cli(['run', '-d', 'busybox', 'sleep', '3600']);
        ids.push(r.stdout.trim());
      }
      await settle(1000);
      const conmons = pidsOf('conmon', berth.daemon.runRoot);
      if (conmons.length < SLEEPERS) throw new BenchError(`expected ${SLEEPERS} conmon processes under ${berth.daemon.runRoot}, found ${conmons.length}`, 'ERR_NO_CONMON');
      const conmonTotal = conmons.reduce((sum, p) => sum + (rssKiB(p) ?? 0), 0);
      const busy = daemonRss(pid);
      const perConmon = conmonTotal / conmons.length;
      const daemonGrowth = (busy - idle) / SLEEPERS;
      return [
        ...(berth.startRssKiB !== undefined ? [{ name: 'berth daemon RSS right after start', value: mib(berth.startRssKiB), unit: 'MiB' }] : []),
        ...(berth.startMemory ? breakdownLines('berth daemon', 'right after start', berth.startMemory) : []),
        { name: 'berth daemon idle RSS (after the latency cases)', value: mib(idle), unit: 'MiB', goal: '< 60 MB' },
        ...breakdownLines('berth daemon', 'idle (after the latency cases)', idleBreakdown),
        { name: `conmon RSS per running container (${conmons.length} sleepers)`, value: mib(perConmon), unit: 'MiB' },
        { name: 'berth daemon RSS growth per running container', value: mib(daemonGrowth), unit: 'MiB', goal: '<= 0.5 MB' },
        { name: 'per running container, conmon + daemon growth', value: mib(perConmon + daemonGrowth), unit: 'MiB', goal: '<= conmon + 0.5 MB' },
      ];
    } finally {
      for (const id of ids) await berth.cliRaw(['rm', '-f', id]).catch(() => {});
    }
  },
};
