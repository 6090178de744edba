/**
 * What health checks and stats cost one engine (berth or dockerd): N running containers with a
 * 1-second health check, then, over fixed windows, the CPU its daemon and monitors use (own time plus
 * what they reaped from exec children), its RSS growth, each monitor's RSS, one `stats --no-stream`
 * over all of them and a streaming stats call per container.
 *
 * The health checks never pause, so the stats figures have the health checks' background rate
 * (measured in the window just before) subtracted.
 */
import { SystemError } from '../../src/common/errors.js';
import { BenchError } from '../lib/errors.js';
import { countStreamedDocs } from '../lib/api-stream.js';
import { cpuUsed, snapshotCpu, totalMs, type CpuTimes } from '../lib/cpu.js';
import { rssKiB } from '../lib/proc.js';
import { quantile } from '../lib/stats.js';
import type { Engine } from '../peers/engine.js';
import { api, BENCH_LABEL, createRetryingNameConflicts, mapLimit, removeBenchContainers } from '../cases/engine-tool.js';

export interface HealthStatsPlan {
  containers: number;
  idleMs: number;
  windowMs: number;
  statsRuns: number;
  streamMs: number;
  timeoutMs: number;
  log(msg: string): void;
}

/** How to see one engine's processes: the daemons (RSS and CPU) and the per-container monitors. */
export interface EngineProcs {
  daemonPids(): number[];
  monitorPids(): number[];
}

export interface HealthStatsResult {
  containers: number;
  monitors: number;
  windowMs: number;
  /** health-check rounds run in the window, summed over containers (from State.Health.Log spacing) */
  rounds: number;
  /** mean time between two checks of one container */
  checkPeriodMs: number;
  /** daemons + monitors, own and reaped-children CPU, over the window */
  windowCpu: CpuTimes;
  /** the daemons alone, own CPU only (no exec children, no monitors) */
  daemonSelfCpuMs: number;
  idleCpuMsPerS: number;
  daemonRssBeforeKiB: number;
  daemonRssAfterKiB: number;
  monitorRssKiB: number;
  statsWallMs: number;
  statsCpuMs: number;
  streamMs: number;
  streamDocs: number;
  streamCpuMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sumRss = (pids: number[]) => pids.reduce((s, p) => s + (rssKiB(p) ?? 0), 0);
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

const SECOND_NS = 1_000_000_000;

/** Docker's `--health-cmd true --health-interval 1s`, on `--network none`. */
function createBody(): unknown {
  return {
    Image: 'busybox', Cmd: ['sleep', '3600'], Labels: { 'berth-bench': '1' },
    Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: SECOND_NS, Timeout: 10 * SECOND_NS, Retries: 3 },
    HostConfig: { NetworkMode: 'none' },
  };
}

async function waitHealthy(e: Engine, n: number, timeoutMs: number): Promise<void> {
  const filters = encodeURIComponent(JSON.stringify({ label: [BENCH_LABEL], health: ['healthy'] }));
  const deadline = Date.now() + timeoutMs;
  let healthy = 0;
  while (Date.now() < deadline) {
    healthy = (await api(e, 'GET', `/containers/json?filters=${filters}`) as unknown[]).length;
    if (healthy >= n) return;
    await sleep(500);
  }
  throw new SystemError(`${e.kind}: only ${healthy} of ${n} containers healthy after ${timeoutMs} ms`, 'ERR_TIMEOUT');
}

/** Start time of a health log entry; Docker's are RFC 3339 with nanoseconds, cut to what Date parses. */
function entryStart(s: string): number { return Date.parse(s.replace(/(\.\d{3})\d+/, '$1')); }

/** Mean spacing of the checks in each container's last results (inspect keeps five). */
async function checkPeriods(e: Engine, ids: string[]): Promise<number[]> {
  const periods: number[] = [];
  for (const id of ids) {
    const log: { Start: string }[] = (await api(e, 'GET', `/containers/${id}/json`)).State?.Health?.Log ?? [];
    const starts = log.map((l) => entryStart(l.Start)).filter(Number.isFinite).sort((a, b) => a - b);
    if (starts.length >= 2) periods.push((starts[starts.length - 1] - starts[0]) / (starts.length - 1));
  }
  if (periods.length === 0) throw new BenchError(`${e.kind}: no container has two health results to time`, 'ERR_NO_HEALTH_LOG');
  return periods;
}

export async function measureHealthStats(e: Engine, procs: EngineProcs, plan: HealthStatsPlan): Promise<HealthStatsResult> {
  const n = plan.containers;
  await removeBenchContainers(e, plan.timeoutMs);
  await sleep(1000);

  const daemons = procs.daemonPids();
  const idleBefore = snapshotCpu(daemons);
  await sleep(plan.idleMs);
  const idleCpuMsPerS = totalMs(cpuUsed(idleBefore, snapshotCpu(daemons))) / (plan.idleMs / 1000);
  const daemonRssBeforeKiB = sumRss(daemons);

  const ids: string[] = [];
  try {
    plan.log(`${e.kind}: starting ${n} containers with a 1 s health check`);
    await mapLimit(Array.from({ length: n }, (_, i) => i), 4, async () => {
      const c = await createRetryingNameConflicts(e, createBody());
      ids.push(c.Id);
      await api(e, 'POST', `/containers/${c.Id}/start`);
    });
    await waitHealthy(e, n, plan.timeoutMs);
    await sleep(2000); // let start-up work (log watchers, first samples) settle

    const monitors = procs.monitorPids();
    if (monitors.length < n) throw new BenchError(`${e.kind}: expected ${n} monitor processes, found ${monitors.length}`, 'ERR_NO_MONITOR');
    const all = [...daemons, ...monitors];
    plan.log(`${e.kind}: measuring ${plan.windowMs} ms of health checks`);
    const w0 = snapshotCpu(all);
    const wd0 = snapshotCpu(daemons);
    await sleep(plan.windowMs);
    const windowCpu = cpuUsed(w0, snapshotCpu(all));
    const daemonSelfCpuMs = cpuUsed(wd0, snapshotCpu(daemons)).selfMs;
    const daemonRssAfterKiB = sumRss(daemons);
    const monitorRssKiB = sumRss(monitors) / monitors.length;
    const periods = await checkPeriods(e, ids);
    const checkPeriodMs = periods.reduce((a, b) => a + b, 0) / periods.length;
    const rounds = periods.reduce((s, p) => s + plan.windowMs / p, 0) * (n / periods.length);
    const backgroundPerMs = totalMs(windowCpu) / plan.windowMs;

    const statsWall: number[] = [];
    const statsCpu: number[] = [];
    for (let i = 0; i < plan.statsRuns; i++) {
      const s0 = snapshotCpu(all);
      const r = await e.cli(['stats', '--no-stream', ...ids], plan.timeoutMs);
      const used = totalMs(cpuUsed(s0, snapshotCpu(all)));
      const rows = r.stdout.trim().split('\n').length - 1;
      if (rows !== n) throw new BenchError(`${e.kind} stats --no-stream printed ${rows} rows for ${n} containers`, 'ERR_STATS_ROWS');
      statsWall.push(r.ms);
      statsCpu.push(Math.max(0, used - backgroundPerMs * r.ms));
    }

    plan.log(`${e.kind}: streaming stats of ${n} containers for ${plan.streamMs} ms`);
    const st0 = snapshotCpu(all);
    const t0 = Date.now();
    const docs = await Promise.all(ids.map((id) => countStreamedDocs(e.socket!, `/containers/${id}/stats?stream=1`, plan.streamMs)));
    const streamMs = Date.now() - t0;
    const streamCpuMs = Math.max(0, totalMs(cpuUsed(st0, snapshotCpu(all))) - backgroundPerMs * streamMs);

    return {
      containers: n, monitors: monitors.length, windowMs: plan.windowMs, rounds, checkPeriodMs, windowCpu, daemonSelfCpuMs,
      idleCpuMsPerS, daemonRssBeforeKiB, daemonRssAfterKiB, monitorRssKiB,
      statsWallMs: median(statsWall), statsCpuMs: median(statsCpu),
      streamMs, streamDocs: docs.reduce((a, b) => a + b, 0), streamCpuMs,
    };
  } finally {
    await mapLimit([...ids], 8, async (id) => { await api(e, 'DELETE', `/containers/${id}?force=1`).catch(() => {}); });
  }
}
