/**
 * berth serve --metrics-addr: one /metrics scrape of a daemon with 10, 50 and 100 running containers
 * (`busybox sleep 3600` on the default bridge, so each has a network namespace to read), measured two
 * ways: the daemon's CPU time (utime + stime from /proc/<daemon pid>/stat before and after the scrape,
 * 10 ms ticks, so read the median) and the scrape's wall time (curl's time_total inside the daemon's
 * namespace). The goal: 100 containers under 50 ms of daemon CPU.
 *
 * The three cases share one daemon of their own (the shared bench daemon has no metrics listener),
 * started with the test helper in a namespace it creates and removed by the cleanup. No peer: cAdvisor
 * is not packaged in Debian 12, so it is not compared.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Case, Tool } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { BenchError } from '../lib/errors.js';
import { apiRequest, startDaemon, type TestDaemon } from '../../test/helpers/daemon.js';
import { mapLimit } from './engine-tool.js';

const PORT = 9323;
const LABEL = 'berth-bench-metrics';
let daemon: Promise<TestDaemon> | undefined;

function metricsDaemon(ctx: BenchContext): Promise<TestDaemon> {
  daemon ??= (async () => {
    const d = await startDaemon({ extraArgs: ['--metrics-addr', `127.0.0.1:${PORT}`], env: { BERTH_LOG_LEVEL: 'info' } });
    ctx.onCleanup(`metrics bench daemon ${d.pid}`, async () => { await d.cleanup(); daemon = undefined; });
    // the first run bootstraps busybox; never timed
    await d.ok(['run', '--rm', 'busybox', 'true'], { timeoutMs: 180_000 });
    return d;
  })();
  return daemon;
}

async function api(d: TestDaemon, method: string, path: string, body?: unknown): Promise<any> {
  const r = await apiRequest(d.socket, method, path, body);
  if (r.status >= 300) throw new BenchError(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`, 'ERR_API');
  return r.body;
}

/** Bring the daemon to exactly `n` running bench containers (the cases run 10, 50, 100: it only grows). */
async function ensureRunning(d: TestDaemon, n: number): Promise<void> {
  const have = (await api(d, 'GET', `/containers/json?filters=${encodeURIComponent(JSON.stringify({ label: [LABEL] }))}`)) as unknown[];
  await mapLimit(Array.from({ length: Math.max(0, n - have.length) }, (_, i) => i), 8, async () => {
    const c = await api(d, 'POST', '/containers/create', { Image: 'busybox', Cmd: ['sleep', '3600'], Labels: { [LABEL]: '1' } });
    await api(d, 'POST', `/containers/${c.Id}/start`);
  });
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, USER_HZ 100
}

/** One scrape; checks it covered the containers; returns curl's wall time in ms. */
function scrape(d: TestDaemon, n: number): number {
  const r = spawnSync('ip', ['netns', 'exec', d.netns, 'curl', '-sS', '--max-time', '30', '-w', '\n%{time_total}', `http://127.0.0.1:${PORT}/metrics`], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
  if (r.status !== 0) throw new BenchError(`scrape failed: ${r.stderr.slice(0, 500)}`, 'ERR_BENCH');
  const nl = r.stdout.lastIndexOf('\n');
  const seen = r.stdout.slice(0, nl).split('\n').filter((l) => l.startsWith('container_last_seen{')).length;
  if (seen < n) throw new BenchError(`scrape covered ${seen} containers, expected at least ${n}`, 'ERR_BENCH');
  return Number(r.stdout.slice(nl + 1)) * 1000;
}

function scrapeTool(ctx: BenchContext, n: number, smokeN: number, measure: 'cpu' | 'wall'): Tool {
  let d: TestDaemon | undefined;
  const size = ctx.size(n, smokeN);
  return {
    name: measure === 'cpu' ? 'berth scrape daemon CPU' : 'berth scrape wall',
    role: 'berth',
    command: `curl http://127.0.0.1:${PORT}/metrics  # berth serve --metrics-addr 127.0.0.1:${PORT}`,
    async setup() { d = await metricsDaemon(ctx); await ensureRunning(d, size); },
    async run() {
      if (measure === 'wall') return scrape(d!, size);
      const before = cpuMs(d!.pid);
      scrape(d!, size);
      return cpuMs(d!.pid) - before;
    },
    async teardown() { /* the containers stay for the next, larger case; the cleanup removes the daemon */ },
  };
}

function metricsCase(n: number, smokeN: number): Case {
  return {
    name: `metrics scrape with ${n} running containers`,
    description: `One GET /metrics of \`berth serve --metrics-addr\` with ${n} running \`busybox sleep 3600\` containers on the default bridge (${smokeN} in smoke mode): per-container cgroup and /proc/<pid>/net/dev reads, engine series, prom-client registry. "daemon CPU" is utime+stime of the daemon around the scrape (10 ms ticks); "wall" is curl's time_total.`,
    goal: n === 100 ? '< 50 ms of daemon CPU (issue 24)' : undefined,
    series: (ctx) => ({ name: 'metrics scrape, running containers', size: ctx.size(n, smokeN), unit: 'container' }),
    tools: (ctx) => [scrapeTool(ctx, n, smokeN, 'cpu'), scrapeTool(ctx, n, smokeN, 'wall')],
  };
}

export const METRICS_CASES: Case[] = [metricsCase(10, 2), metricsCase(50, 3), metricsCase(100, 5)];
