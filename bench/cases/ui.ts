/**
 * The dashboard's server (issue 25's benchmark, server side):
 * - first load: index.html and every script and stylesheet it names, fetched as a browser would on its
 *   first visit (fresh connections, gzip accepted, nothing cached), from the daemon's loopback port;
 *   goal under 300 ms. The page is reached through a unix-socket relay into the daemon's namespace
 *   (test/ui/ui-client.ts), which adds well under a millisecond.
 * - the daemon's CPU for one open dashboard with 10, 25 and 50 running containers, in CPU ms per
 *   second of wall time (the case's "ms" per iteration is one second's worth). "Open" is what the
 *   container list keeps going: the events stream, a containers list every 2 s, and one stats stream per
 *   running container (live CPU and memory per row). berth is measured through its dashboard listener
 *   (cookie, /engine pass-through); dockerd + containerd get the same requests on their Engine API
 *   socket: what `docker stats` plus a list poll would cost there.
 * - the bundle's gzipped size: a probe line (uiBundleProbe), goal under 500 KB.
 */
import { request, type IncomingMessage } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BenchError } from '../lib/errors.js';
import { REPO } from '../../test/helpers/daemon.js';
import { relayInto, type Relay } from '../../test/ui/ui-client.js';
import type { Case, Probe, ProbeLine } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { cpuUsed, snapshotCpu, totalMs } from '../lib/cpu.js';
import { enginesFor, type Engine } from '../peers/engine.js';
import { api, engineTool, removeBenchContainers, startConcurrently } from './engine-tool.js';

const LONG = 600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How to reach one engine's API the way the dashboard does: berth's UI listener (with a session), dockerd's socket. */
interface Door { socket: string; prefix: string; headers: Record<string, string>; close(): void }

function get(door: Door, path: string, opts: { gzip?: boolean; onData?: (c: Buffer) => void; signal?: AbortSignal } = {}): Promise<{ status: number; body: Buffer; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: door.socket, path: door.prefix + path, agent: false, headers: { ...door.headers, ...(opts.gzip ? { 'Accept-Encoding': 'gzip' } : {}) }, signal: opts.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => { if (opts.onData) opts.onData(c); else chunks.push(c); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), res }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), res }));
    });
    req.on('error', (e) => (opts.signal?.aborted ? resolve({ status: 0, body: Buffer.alloc(0), res: undefined as never }) : reject(e)));
    req.end();
  });
}

/** berth's dashboard: started on demand through the unix socket's token endpoint, logged in, relayed. */
async function berthDoor(ctx: BenchContext, e: Engine): Promise<Door> {
  const t = await api(e, 'POST', '/berth/ui/session-token') as { URL: string; Token: string };
  const port = Number(new URL(t.URL).port);
  const relay: Relay = await relayInto(e.netns, '127.0.0.1', port, ctx.workDir, `ui-${port}`);
  const hostPort = `127.0.0.1:${port}`;
  const origin = `http://${hostPort}`;
  const cookie = await new Promise<string>((resolve, reject) => {
    const body = JSON.stringify({ token: t.Token });
    const req = request({ socketPath: relay.socket, method: 'POST', path: '/ui/login', agent: false, headers: { Host: hostPort, Origin: origin, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      const c = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
      if (res.statusCode === 200 && c) resolve(c); else reject(new BenchError(`dashboard login answered ${res.statusCode}`, 'ERR_BENCH_UI'));
    });
    req.on('error', reject);
    req.end(body);
  });
  return { socket: relay.socket, prefix: '/engine', headers: { Host: hostPort, Cookie: cookie }, close: () => relay.close() };
}

function dockerDoor(e: Engine): Door {
  return { socket: e.socket!, prefix: '', headers: { Host: 'docker' }, close: () => {} };
}

/** index.html and the scripts and stylesheets it names, in parallel, as a first visit: the wall time in ms. */
async function firstLoad(door: Door): Promise<number> {
  const t0 = performance.now();
  const index = await get({ ...door, prefix: '' }, '/', { gzip: true });
  if (index.status === 503) throw new BenchError('the dashboard bundle (dist/ui/index.html) was not built: run npm run build with web/ present', 'ERR_BENCH_UI');
  if (index.status !== 200) throw new BenchError(`GET / answered ${index.status}`, 'ERR_BENCH_UI');
  const html = index.res.headers['content-encoding'] === 'gzip' ? (await import('node:zlib')).gunzipSync(index.body).toString() : index.body.toString();
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="(\/[^"]+)"/g)].map((m) => m[1]);
  if (refs.length === 0) throw new BenchError('index.html names no script or stylesheet', 'ERR_BENCH_UI');
  const assets = await Promise.all(refs.map((r) => get({ ...door, prefix: '' }, r, { gzip: true })));
  const bad = assets.find((a) => a.status !== 200);
  if (bad) throw new BenchError(`an asset answered ${bad.status}`, 'ERR_BENCH_UI');
  return performance.now() - t0;
}

const firstLoadCase: Case = {
  name: 'dashboard first load',
  description: 'index.html plus every script and stylesheet it names, from the daemon\'s loopback dashboard port on fresh connections with gzip, nothing cached (a browser\'s first visit, without parsing and rendering).',
  goal: '< 300 ms (issue 25)',
  tools: (ctx) => enginesFor(ctx).filter((k) => k === 'berth').map((k) => {
    let door: Door | undefined;
    return engineTool(ctx, k, {
      args: ['ui', '# then GET / and its assets'],
      async setup(e) { door = await berthDoor(ctx, e); },
      run: () => firstLoad(door!),
      async teardown() { door?.close(); },
    });
  }),
};

/** What an open container list keeps going against one engine, until stopped. */
function openDashboard(door: Door, ids: string[]): { stop(): Promise<void>; statsBytes: () => number } {
  const ac = new AbortController();
  let bytes = 0;
  const streams: Promise<unknown>[] = [];
  streams.push(get(door, '/events', { signal: ac.signal, onData: () => {} }));
  for (const id of ids) streams.push(get(door, `/containers/${id}/stats?stream=true`, { signal: ac.signal, onData: (c) => { bytes += c.length; } }));
  const poll = (async () => {
    while (!ac.signal.aborted) {
      await get(door, '/containers/json?all=1', { signal: ac.signal });
      await sleep(2000);
    }
  })();
  return {
    statsBytes: () => bytes,
    async stop() { ac.abort(); await Promise.allSettled([...streams, poll]); },
  };
}

function dashboardCpuCase(n: number, smokeN: number): Case {
  return {
    name: `dashboard open with ${n} running containers, daemon CPU ms/s`,
    description: `The daemon's CPU (its own and reaped children; dockerd + containerd for docker) per second of wall time while one dashboard stays open on ${n} running \`busybox sleep 3600\` containers (${smokeN} in smoke mode): the events stream, the containers list every 2 s, and one stats stream per container. Each iteration is a 3 s window; its value is CPU ms per second.`,
    goal: n === 50 ? 'measured (issue 25); against dockerd for the same requests' : undefined,
    maxIterations: 5,
    series: (ctx: BenchContext) => ({ name: 'dashboard daemon CPU, running containers', size: ctx.size(n, smokeN), unit: 'container' }),
    tools: (ctx) => enginesFor(ctx, ['berth', 'docker']).filter((k) => k === 'berth' || k === 'docker').map((k) => {
      let door: Door | undefined;
      let open: ReturnType<typeof openDashboard> | undefined;
      return engineTool(ctx, k, {
        name: (label) => `${label} (${k === 'docker' ? 'Engine API socket' : 'dashboard'})`,
        args: k === 'docker' ? ['stats', '# + events + ps every 2 s, over the API'] : ['ui', '# events + list + stats streams through /engine'],
        async setup(e) {
          await startConcurrently(e, ctx.size(n, smokeN), LONG);
          door = k === 'docker' ? dockerDoor(e) : await berthDoor(ctx, e);
          const list = await api(e, 'GET', `/containers/json?filters=${encodeURIComponent(JSON.stringify({ label: ['berth-bench=1'], status: ['running'] }))}`) as Array<{ Id: string }>;
          open = openDashboard(door, list.map((c) => c.Id));
          await sleep(3000); // the streams' first samples and connections settle
          if (open.statsBytes() === 0) throw new BenchError('no stats arrived on the open dashboard', 'ERR_BENCH_UI');
        },
        async run(e) {
          const pids = e.daemonPids();
          const before = snapshotCpu(pids);
          const t0 = performance.now();
          await sleep(3000);
          const used = totalMs(cpuUsed(before, snapshotCpu(pids)));
          return used / ((performance.now() - t0) / 1000);
        },
        async teardown(e) {
          await open?.stop();
          door?.close();
          await removeBenchContainers(e, LONG);
        },
      });
    }),
  };
}

export const UI_CASES: Case[] = [firstLoadCase, dashboardCpuCase(10, 2), dashboardCpuCase(25, 3), dashboardCpuCase(50, 4)];

/** What the page loads: index.html and the scripts and stylesheets it names, each gzipped as served. */
export const uiBundleProbe: Probe = {
  name: 'dashboard bundle size',
  async measure(): Promise<ProbeLine[]> {
    const dir = join(REPO, 'dist', 'ui');
    const index = join(dir, 'index.html');
    if (!existsSync(index)) throw new BenchError(`${index} is missing: the dashboard bundle was not built`, 'ERR_BENCH_UI');
    const html = readFileSync(index, 'utf8');
    const files = [index, ...[...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="\/(assets\/[^"]+)"/g)].map((m) => join(dir, m[1]))];
    let raw = 0;
    let gz = 0;
    for (const f of files) { const b = readFileSync(f); raw += b.length; gz += gzipSync(b).length; }
    return [{ name: 'dashboard bundle, gzipped (index.html + its scripts and styles)', value: gz / 1024, unit: 'KiB', goal: '< 500 KB (issue 25)', note: `${files.length} files, ${(raw / 1024).toFixed(0)} KiB uncompressed` }];
  },
};
