/**
 * The daemon's heap and RSS by phase (issue 27): right after start, after 100 `run --rm`, with 100
 * running, after a 100 MB pull (with the pull's throughput beside it). A daemon of its own, started as
 * a user starts it (bin/berth serve), with bench/probes/heap-report.mjs preloaded: on SIGUSR2 it
 * writes process.memoryUsage() to a file, so the heap is read without an endpoint of the daemon's.
 * Each phase after the first is read 3 s after its work (the daemon's heap trim looks every 2 s).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from '../lib/errors.js';
import type { BenchContext } from '../lib/context.js';
import { breakdownLines } from '../lib/memory-lines.js';
import { memoryBreakdown, type MemoryBreakdown } from '../lib/proc.js';
import type { Probe, ProbeLine } from '../lib/types.js';
import { peerAvailable } from '../peers/availability.js';
import { CURRENT_BUILD } from '../peers/berth-build.js';
import { startBerth, type BerthUnderTest } from '../peers/berth.js';
import { BIG_IMAGE, bigImageArchive, bigImageBytes, bigImageId } from '../peers/images.js';
import { startRegistry } from '../peers/registry.js';

const HEAP_REPORTER = fileURLToPath(new URL('./heap-report.mjs', import.meta.url));
const LONG = 300_000;
const mib = (bytes: number) => bytes / 1024 / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reading { rss: number; heapUsed: number; heapTotal: number; breakdown: MemoryBreakdown }

/** The daemon's RSS (/proc) and heap (its preloaded reporter), in bytes. */
async function read(pid: number, reportFile: string): Promise<Reading> {
  rmSync(reportFile, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(reportFile); i++) await sleep(50);
  if (!existsSync(reportFile)) throw new BenchError(`the daemon ${pid} wrote no heap report (is bench/probes/heap-report.mjs preloaded?)`, 'ERR_NO_HEAP_REPORT');
  const mem = JSON.parse(readFileSync(reportFile, 'utf8')) as { heapUsed: number; heapTotal: number };
  const breakdown = memoryBreakdown(pid);
  if (breakdown === undefined) throw new BenchError(`berth daemon ${pid} is gone`, 'ERR_DAEMON_GONE');
  return { rss: breakdown.vmRss * 1024, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, breakdown };
}

function lines(phase: string, r: Reading, goal?: string): ProbeLine[] {
  return [
    { name: `daemon RSS ${phase}`, value: mib(r.rss), unit: 'MiB', ...(goal ? { goal } : {}) },
    ...breakdownLines('daemon', phase, r.breakdown),
    { name: `daemon heap used ${phase}`, value: mib(r.heapUsed), unit: 'MiB' },
    { name: `daemon heap total ${phase}`, value: mib(r.heapTotal), unit: 'MiB' },
  ];
}

export const memoryPhasesProbe: Probe = {
  name: 'memory by phase',
  async measure(ctx: BenchContext): Promise<ProbeLine[]> {
    const reportFile = join(ctx.workDir, 'memory-phases-heap.json');
    // started here, not ctx.berth(): the heap reporter is preloaded into this daemon only
    const berth: BerthUnderTest = await startBerth(CURRENT_BUILD, join(ctx.workDir, 'daemon-memory-phases'), (m) => ctx.log(m), (w, fn) => ctx.onCleanup(w, fn),
      ctx.options.runTimeoutMs, [], { NODE_OPTIONS: `--import ${HEAP_REPORTER}`, BERTH_BENCH_HEAP_REPORT: reportFile });
    const pid = berth.daemon.pid;
    const out: ProbeLine[] = [];
    // "right after start": startBerth's first, untimed run bootstraps busybox, so the start reading is its RSS at the first ping
    if (berth.startRssKiB !== undefined) out.push({ name: 'daemon RSS right after start (first ping)', value: berth.startRssKiB / 1024, unit: 'MiB', goal: '< 40 MiB' });
    if (berth.startMemory) out.push(...breakdownLines('daemon', 'right after start (first ping)', berth.startMemory));
    await sleep(3000);
    out.push(...lines('idle after start (busybox bootstrapped)', await read(pid, reportFile)));

    const n = ctx.size(100, 5);
    for (let i = 0; i < n; i++) await berth.cli(['run', '--rm', 'busybox', 'true']);
    await sleep(3000);
    out.push(...lines(`after ${n} run --rm`, await read(pid, reportFile), '< 60 MiB'));

    const ids: string[] = [];
    try {
      for (let i = 0; i < n; i++) ids.push((await berth.cli(['run', '-d', 'busybox', 'sleep', '3600'])).stdout.trim());
      await sleep(3000);
      out.push(...lines(`with ${n} running`, await read(pid, reportFile)));
    } finally {
      // busybox sleep as PID 1 ignores SIGTERM (HOST-NOTES #6): removed with force
      for (const id of ids) await berth.cliRaw(['rm', '-f', id]).catch(() => {});
    }

    if (!peerAvailable(ctx, 'registry')) {
      out.push({ name: 'daemon memory after a pull', value: 0, unit: 'MiB', note: 'not measured: no local registry (docker-registry) on this machine' });
      return out;
    }
    await berth.cli(['load', '-i', await bigImageArchive(ctx)], LONG);
    const reg = await startRegistry(ctx, berth.daemon.netns, 'memory-phases');
    const ref = `${reg.address}/bench/big:latest`;
    await berth.cli(['tag', BIG_IMAGE, ref]);
    await berth.cli(['push', ref], LONG);
    await berth.cliRaw(['rmi', '-f', await bigImageId(ctx)]);
    const pull = await berth.cli(['pull', ref], LONG);
    const bytes = bigImageBytes(ctx);
    out.push({ name: `pull throughput (${Math.round(bytes / 1e6)} MB, this probe's daemon)`, value: bytes / 1e6 / (pull.ms / 1000), unit: 'MB/s', goal: '>= skopeo' });
    out.push(...lines('right after the pull', await read(pid, reportFile)));
    await sleep(3000);
    out.push(...lines('3 s after the pull', await read(pid, reportFile), '< 60 MiB'));
    return out;
  },
};
