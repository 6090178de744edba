/**
 * Daemon RSS and CPU with N running containers (10, 100, 1,000; 2, 3, 5 in smoke mode), idle and with
 * a 1 s health check, berth against dockerd + containerd in the same run. One engine and one size at
 * a time (N containers started, measured, removed) so two engines' 1,000 never coexist.
 *
 * Per size: the daemons' RSS and CPU rate with nothing running (baseline), with N idle sleepers, and
 * with N health-checked sleepers. Growth per container = (RSS with N - baseline) / N; the goal is
 * <= 0.2 MiB at the largest size. CPU is the daemons' own (utime + stime) plus what they reaped
 * (health-check execs), per second of wall time, from /proc/<pid>/stat.
 */
import type { BenchContext } from '../lib/context.js';
import { cpuUsed, snapshotCpu, totalMs } from '../lib/cpu.js';
import { rssKiB } from '../lib/proc.js';
import type { Probe, ProbeLine } from '../lib/types.js';
import { peerAvailable } from '../peers/availability.js';
import { engine, type Engine } from '../peers/engine.js';
import { daemonCpuRecords, makeContainers, raiseOwnFileLimit, removeAll, SCALE_SIZES, within } from '../cases/scale.js';

const mib = (kib: number) => kib / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Daemon RSS and CPU rate of one state, sampled over a window. */
interface StateFigures { rssKiB: number; cpuMsPerS: number }

export interface SizeFigures { size: number; idle: StateFigures; health: StateFigures; base: StateFigures; error?: string }

async function sample(pids: number[], windowMs: number): Promise<StateFigures> {
  const c0 = snapshotCpu(pids);
  await sleep(windowMs);
  const cpuMsPerS = totalMs(cpuUsed(c0, snapshotCpu(pids))) / (windowMs / 1000);
  return { rssKiB: pids.reduce((s, p) => s + (rssKiB(p) ?? 0), 0), cpuMsPerS };
}

/** Health-check start-up (first checks, log watchers) settles this long before the window. */
const SETTLE_MS = 3_000;

async function measureSize(ctx: BenchContext, e: Engine, n: number, windowMs: number): Promise<SizeFigures> {
  const pids = e.daemonPids();
  await removeAll(e);
  await sleep(1_000);
  const base = await sample(pids, windowMs);
  ctx.log(`scale resources: ${e.kind}: ${n} idle containers`);
  try {
    await makeContainers(e, n, { start: true, limit: 8 });
    await sleep(SETTLE_MS);
    const idle = await sample(pids, windowMs);
    await removeAll(e);
    ctx.log(`scale resources: ${e.kind}: ${n} health-checked containers (1 s)`);
    await makeContainers(e, n, { start: true, limit: 8, health: true });
    await sleep(SETTLE_MS);
    const health = await sample(pids, windowMs);
    return { size: n, base, idle, health };
  } finally {
    await within(removeAll(e), 20 * 60_000, `${e.kind}: removing the scale containers`).catch((err) => ctx.log(`scale resources: ${(err as Error).message}`));
  }
}

/** BENCH_SCALE_PROBE_MAX (e.g. 100) leaves the probe's larger sizes out, for a quicker run of the cases' curves. */
function probeMaxSize(): number {
  const v = Number(process.env.BENCH_SCALE_PROBE_MAX);
  return Number.isFinite(v) && v > 0 ? v : Infinity;
}

/** Measure every size for one engine; a size that fails stops the larger ones and is reported. */
async function measureEngine(ctx: BenchContext, e: Engine, windowMs: number): Promise<{ sizes: SizeFigures[]; error?: string }> {
  const sizes: SizeFigures[] = [];
  for (const s of SCALE_SIZES.filter((x) => x.full <= probeMaxSize())) {
    const n = ctx.size(s.full, s.smoke);
    try { sizes.push(await measureSize(ctx, e, n, windowMs)); } catch (err) {
      const msg = `${n} containers: ${(err as Error).message}`;
      ctx.log(`scale resources: ${e.kind}: ${msg}`);
      return { sizes, error: msg };
    }
  }
  return { sizes };
}

function lines(label: string, r: { sizes: SizeFigures[]; error?: string }, goals: boolean): ProbeLine[] {
  const out: ProbeLine[] = [];
  for (const f of r.sizes) {
    const n = f.size;
    const largest = f === r.sizes[r.sizes.length - 1];
    out.push(
      { name: `${label}: daemon RSS with ${n} running (idle)`, value: mib(f.idle.rssKiB), unit: 'MiB', note: `${mib(f.base.rssKiB).toFixed(1)} MiB with none` },
      { name: `${label}: daemon RSS growth per running container, ${n} idle`, value: mib((f.idle.rssKiB - f.base.rssKiB) / n), unit: 'MiB', ...(goals && largest ? { goal: '<= 0.2 MiB per running container' } : {}) },
      { name: `${label}: daemon CPU with ${n} running (idle)`, value: f.idle.cpuMsPerS, unit: 'ms/s', note: `${f.base.cpuMsPerS.toFixed(1)} ms/s with none` },
      { name: `${label}: daemon RSS growth per running container, ${n} with 1 s health checks`, value: mib((f.health.rssKiB - f.base.rssKiB) / n), unit: 'MiB', ...(goals && largest ? { goal: '<= 0.2 MiB per running container' } : {}) },
      { name: `${label}: daemon CPU with ${n} running, 1 s health checks`, value: f.health.cpuMsPerS, unit: 'ms/s', note: 'own + reaped children (the health-check execs)' },
    );
  }
  if (r.error) out.push({ name: `${label}: largest size reached`, value: r.sizes.length ? r.sizes[r.sizes.length - 1].size : 0, unit: 'containers', note: `the next size failed: ${r.error}` });
  return out;
}

/**
 * The scale cases' daemon CPU per operation (recorded while they ran, see daemonCpuRecords): per
 * series and tool, the mean at each size and the flatness (largest / smallest), Docker's beside berth's.
 */
export function daemonCpuLines(): ProbeLine[] {
  const records = daemonCpuRecords().filter((r) => r.ops > 0);
  const out: ProbeLine[] = [];
  for (const series of [...new Set(records.map((r) => r.series))]) {
    const of = records.filter((r) => r.series === series);
    const mean = (tool: string, size: number) => { const r = of.find((x) => x.tool === tool && x.size === size); return r ? r.totalMs / r.ops : undefined; };
    const sizesOf = (tool: string) => of.filter((r) => r.tool === tool).map((r) => r.size).sort((a, b) => a - b);
    const flat = (tool: string, sizes: number[]) => {
      const lo = mean(tool, sizes[0]);
      const hi = mean(tool, sizes[sizes.length - 1]);
      // a 10 ms tick at the small end: flatness from a zero is undefined
      return sizes.length >= 2 && lo && hi !== undefined ? hi / lo : undefined;
    };
    for (const tool of [...new Set(of.map((r) => r.tool))]) {
      const sizes = sizesOf(tool);
      for (const size of sizes) {
        const docker = tool !== 'docker' ? mean('docker', size) : undefined;
        out.push({ name: `daemon CPU per operation: ${series}, ${size} ${of[0].unit}s, ${tool}`, value: mean(tool, size)!, unit: 'ms', ...(docker !== undefined ? { peer: `Docker: ${docker.toFixed(1)} ms` } : {}) });
      }
      const f = flat(tool, sizes);
      if (f === undefined) continue;
      const common = sizes.filter((x) => mean('docker', x) !== undefined);
      const d = tool !== 'docker' ? flat('docker', common) : undefined;
      out.push({
        name: `daemon CPU flatness: ${series}, ${tool} (${sizes[sizes.length - 1]} / ${sizes[0]})`, value: f, unit: 'x',
        ...(tool !== 'docker' ? { goal: 'at least as flat as Docker\'s' } : {}),
        ...(d !== undefined ? { peer: `Docker: ${d.toFixed(2)}x over ${common[0]}..${common[common.length - 1]}` } : {}),
      });
    }
  }
  return out;
}

export const scaleResourcesProbe: Probe = {
  name: 'scale resources',
  async measure(ctx: BenchContext): Promise<ProbeLine[]> {
    raiseOwnFileLimit(ctx);
    const windowMs = ctx.size(5_000, 1_000);
    const berth = await measureEngine(ctx, await engine(ctx, 'berth'), windowMs);
    // berth's own failure at any size is the probe's failure (the goal is no failure at 1,000)
    if (berth.error) throw new Error(`berth: ${berth.error}`);
    const docker = peerAvailable(ctx, 'docker') ? await measureEngine(ctx, await engine(ctx, 'docker'), windowMs) : undefined;
    const b = lines('berth', berth, true);
    const d = docker ? lines('Docker (dockerd + containerd)', docker, false) : [];
    // Docker's figure for the same measure beside berth's, for the goals table
    b.forEach((l, i) => { if (d[i] && d[i].unit === l.unit) l.peer = `Docker: ${d[i].value.toFixed(2)} ${d[i].unit}`; });
    return [...b, ...d];
  },
};

/**
 * The scale cases' daemon CPU per operation, as its own probe: it measures nothing itself (the cases
 * recorded it), so `--only 'scale:'` gets it without the resources probe's minutes of containers.
 */
export const scaleDaemonCpuProbe: Probe = {
  name: 'scale: daemon CPU per operation',
  async measure(): Promise<ProbeLine[]> { return daemonCpuLines(); },
};
