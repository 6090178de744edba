/**
 * Scale: how costs grow with the number of containers, images and events (10, 100, 1,000; 2, 3, 5 in
 * smoke mode), as series so the report draws each tool's curve and its flatness (cost at the largest
 * size / cost at the smallest) against Docker's in the same run.
 *
 * Cases whose state is N *running* containers run one engine at a time (Case.oneToolAtATime): 1,000
 * containerd-shims are ~13 GiB, so berth's and Docker's 1,000 never coexist. Every set-up and
 * iteration is bounded by a timeout, and everything created is labelled and removed in teardown (and by
 * the daemons' own cleanup at the end of the run).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { spawnSync } from 'node:child_process';
import * as tar from 'tar-stream';
import { SystemError } from '../../src/common/errors.js';
import { BenchError } from '../lib/errors.js';
import type { BenchContext } from '../lib/context.js';
import type { Case, CaseSeries } from '../lib/types.js';
import { cpuUsed, snapshotCpu, totalMs } from '../lib/cpu.js';
import { engineLabel, enginesFor, type Engine, type EngineKind } from '../peers/engine.js';
import { BENCH_LABEL, engineTool, mapLimit, removeBenchContainers } from './engine-tool.js';

/** The sizes every scale series runs at, and what each becomes in smoke mode. */
export const SCALE_SIZES: { full: number; smoke: number }[] = [{ full: 10, smoke: 2 }, { full: 100, smoke: 3 }, { full: 1000, smoke: 5 }];

/** Set-up of 1,000 containers on a busy 2-core machine: minutes, never unbounded. */
const SETUP_TIMEOUT_MS = 20 * 60_000;
/** One Engine API request; dockerd answers slowly under 1,000 concurrent requests, so above the usual 60 s. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;

const IMAGE_LABEL = 'berth-bench-img';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The harness opens one socket per concurrent request (1,000 at once in the concurrent-start case):
 * raise this process's soft RLIMIT_NOFILE to its hard limit. Node has no setrlimit, so prlimit(1).
 */
let raised = false;
export function raiseOwnFileLimit(ctx: BenchContext): void {
  if (raised) return;
  raised = true;
  const m = /^Max open files\s+(\d+)\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  if (!m || Number(m[1]) >= Number(m[2])) return;
  const r = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${m[2]}:${m[2]}`], { encoding: 'utf8' });
  ctx.log(r.status === 0 ? `raised the harness's open-file limit from ${m[1]} to ${m[2]}` : `could not raise the open-file limit (${m[1]}): ${r.stderr.trim()}`);
}

/** An Engine API call with a long timeout; throws on a non-2xx answer. */
export function apiLong(e: Engine, method: string, path: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<any> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ socketPath: e.socket!, method, path, agent: false, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
        if ((res.statusCode ?? 500) >= 300) reject(new BenchError(`${e.kind}: ${method} ${path} answered ${res.statusCode}: ${text.slice(0, 500)}`, 'ERR_API'));
        else resolve(parsed);
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new SystemError(`${e.kind}: ${method} ${path} took longer than ${timeoutMs} ms`, 'ERR_TIMEOUT')));
    req.on('error', reject);
    req.end(data);
  });
}

/** Rejects when `p` has not settled within `ms` (the work goes on; teardown removes what it made). */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new SystemError(`${what}: not done within ${ms} ms`, 'ERR_TIMEOUT')), ms); })]);
  } finally { clearTimeout(timer); }
}

/** A labelled busybox container body; `health` adds Docker's `--health-cmd true --health-interval 1s`. */
export function containerBody(cmd: string[], health = false): unknown {
  const s = 1_000_000_000;
  return {
    Image: 'busybox', Cmd: cmd, Labels: { 'berth-bench': '1' }, HostConfig: { NetworkMode: 'none' },
    ...(health ? { Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: s, Timeout: 10 * s, Retries: 3 } } : {}),
  };
}

/**
 * Create (and with `start`, start) `n` labelled containers, `limit` at a time; returns their IDs.
 * Daemons through the Engine API, podman through its CLI. berth may answer a concurrent create with
 * 409 for a generated name another create took first: retried with a new name.
 */
export async function makeContainers(e: Engine, n: number, opts: { start: boolean; limit: number; health?: boolean; timeoutMs?: number }): Promise<string[]> {
  const ids: string[] = [];
  const one = async () => {
    if (!e.socket) {
      const args = [opts.start ? 'run' : 'create', ...(opts.start ? ['-d'] : []), '--network', 'none', '--label', BENCH_LABEL, 'busybox', ...(opts.start ? ['sleep', '3600'] : ['true'])];
      ids.push((await e.cli(args, REQUEST_TIMEOUT_MS)).stdout.trim().split('\n').pop()!);
      return;
    }
    let c: { Id: string } | undefined;
    for (let attempt = 0; !c; attempt++) {
      try { c = await apiLong(e, 'POST', '/containers/create', containerBody(opts.start ? ['sleep', '3600'] : ['true'], opts.health)); } catch (err) {
        if (attempt >= 3 || !/answered 409: .*already in use/.test((err as Error).message)) throw err;
      }
    }
    ids.push(c.Id);
    if (opts.start) await apiLong(e, 'POST', `/containers/${c.Id}/start`);
  };
  const work = mapLimit(Array.from({ length: n }, (_, i) => i), opts.limit, one);
  await within(work, opts.timeoutMs ?? SETUP_TIMEOUT_MS, `${e.kind}: ${opts.start ? 'starting' : 'creating'} ${n} containers`);
  return ids;
}

/** Remove every labelled container, bounded (the daemons' cleanup at the end catches the rest). */
export async function removeAll(e: Engine): Promise<void> {
  if (!e.socket) { await removeBenchContainers(e, SETUP_TIMEOUT_MS); return; }
  const filters = encodeURIComponent(JSON.stringify({ label: [BENCH_LABEL] }));
  // right after a failed burst of 1,000 connects the daemon's listen backlog may still be full (EAGAIN)
  let list: { Id: string }[] = [];
  for (let attempt = 0; ; attempt++) {
    try { list = await apiLong(e, 'GET', `/containers/json?all=1&filters=${filters}`); break; } catch (err) {
      if (attempt >= 10 || !/EAGAIN/.test((err as Error).message)) throw err;
      await sleep(2_000);
    }
  }
  await within(mapLimit(list.map((c) => c.Id), 8, async (id) => { await apiLong(e, 'DELETE', `/containers/${id}?force=1`).catch(() => {}); }), SETUP_TIMEOUT_MS, `${e.kind}: removing ${list.length} containers`);
}

function scaleSeries(name: string, unit: string, size: number): CaseSeries {
  return { name, size, unit };
}

/**
 * The daemons' CPU (own + reaped children, /proc/<pid>/stat) during each timed operation: unlike
 * wall-clock it is not stretched by other load on the machine, so its curve shows what grows with N
 * inside the daemon. Summed per series, size and tool over the timed iterations (ticks are 10 ms, so
 * a mean over all iterations, not a median); the scale resources probe reports them.
 */
export interface DaemonCpuRecord { series: string; unit: string; size: number; tool: string; totalMs: number; ops: number }
const CPU_RECORDS = new Map<string, DaemonCpuRecord>();

export function daemonCpuRecords(): DaemonCpuRecord[] { return [...CPU_RECORDS.values()]; }

/** Start metering one timed operation; the returned function stops it. No-op for podman (no daemon) and warm-ups. */
function meter(ctx: BenchContext, e: Engine, kind: EngineKind, s: CaseSeries, iteration: number): () => void {
  const pids = e.daemonPids();
  if (pids.length === 0 || iteration < Math.min(ctx.options.warmups, 1)) return () => {};
  const before = snapshotCpu(pids);
  return () => {
    const used = totalMs(cpuUsed(before, snapshotCpu(pids)));
    const tool = engineLabel(ctx, kind);
    const key = `${s.name}|${s.size}|${tool}`;
    const r = CPU_RECORDS.get(key) ?? CPU_RECORDS.set(key, { series: s.name, unit: s.unit, size: s.size, tool, totalMs: 0, ops: 0 }).get(key)!;
    r.totalMs += used;
    r.ops++;
  };
}

const STARTED_IN_MS = /^[0-9a-f]{12,64}$/;

/** Start latency (`run -d busybox sleep`) with N containers already running. */
function startWithRunningCase(full: number, smoke: number): Case {
  return {
    name: `scale: run -d with ${full} running`,
    description: `\`run -d --network none busybox sleep 3600\` from a fresh CLI process while ${full} (${smoke} in smoke mode) busybox sleep containers already run; the new container is removed after each iteration (untimed). One engine at a time: each engine's ${full} containers are started (Engine API, 8 at a time) before its iterations and removed after them.`,
    goal: full === 1000 ? 'within 1.2x of the same at 10 running; flatter than Docker (see Growth with size)' : undefined,
    maxIterations: 10,
    oneToolAtATime: true,
    series: (ctx) => scaleSeries('start latency with N running', 'running container', ctx.size(full, smoke)),
    tools: (ctx) => enginesFor(ctx, ['berth', 'docker']).map((k) => engineTool(ctx, k, {
      args: ['run', '-d', '--network', 'none', 'busybox', 'sleep', '3600', `  (with ${ctx.size(full, smoke)} running)`],
      async setup(e) {
        raiseOwnFileLimit(ctx);
        await removeAll(e);
        ctx.log(`${e.kind}: starting ${ctx.size(full, smoke)} containers`);
        await makeContainers(e, ctx.size(full, smoke), { start: true, limit: 8 });
      },
      async run(e, iteration) {
        const stop = meter(ctx, e, k, scaleSeries('start latency with N running', 'running container', ctx.size(full, smoke)), iteration);
        const r = await e.cli(['run', '-d', '--network', 'none', '--label', BENCH_LABEL, 'busybox', 'sleep', '3600']);
        stop();
        const id = r.stdout.trim().split('\n').pop()!;
        if (!STARTED_IN_MS.test(id)) throw new SystemError(`${e.kind} run -d printed no container ID: ${r.stdout.slice(0, 200)}`, 'ERR_RUN');
        await e.cliRaw(['rm', '-f', id]);
        return r.ms;
      },
      teardown: (e) => removeAll(e),
    })),
  };
}

/** `ps -a` and `inspect <one>` with N created containers (created only: no monitors, so both engines at once). */
function listCase(full: number, smoke: number, what: 'ps' | 'inspect'): Case {
  return {
    name: `scale: ${what === 'ps' ? 'ps -a' : 'inspect'} with ${full} containers`,
    description: `${what === 'ps' ? '`ps -a` listing' : '`inspect <one container>` among'} ${full} created busybox containers (${smoke} in smoke mode), from a fresh CLI process. Set-up creates them through the Engine API, 8 at a time (podman: its CLI, 4 at a time).`,
    maxIterations: 10,
    series: (ctx) => scaleSeries(what === 'ps' ? 'ps -a with N containers' : 'inspect with N containers', 'container', ctx.size(full, smoke)),
    tools: (ctx) => enginesFor(ctx).map((k: EngineKind) => {
      let ids: string[] = [];
      const n = ctx.size(full, smoke);
      return engineTool(ctx, k, {
        args: what === 'ps' ? ['ps', '-a'] : ['inspect', '<container>'],
        async setup(e) {
          raiseOwnFileLimit(ctx);
          await removeAll(e);
          ids = await makeContainers(e, n, { start: false, limit: e.socket ? 8 : 4 });
        },
        async run(e, iteration) {
          const stop = meter(ctx, e, k, scaleSeries(what === 'ps' ? 'ps -a with N containers' : 'inspect with N containers', 'container', n), iteration);
          const r = await e.cli(what === 'ps' ? ['ps', '-a'] : ['inspect', ids[ids.length >> 1]]);
          stop();
          if (what === 'inspect') return r.ms;
          const rows = r.stdout.trim().split('\n').length - 1;
          if (rows < n) throw new BenchError(`${e.kind} ps -a listed ${rows} containers, expected at least ${n}`, 'ERR_PS_ROWS');
          return r.ms;
        },
        teardown: (e) => removeAll(e),
      });
    }),
  };
}

/**
 * N small distinct images as one docker-archive: each a single layer holding one file of its own
 * content, labelled so prune can pick them (and nothing else), tagged bench/scale-<i>:latest.
 * Loaded by every engine with its own `load -i`, the same archive for all.
 */
export function scaleImagesArchive(ctx: BenchContext, n: number): Promise<string> {
  return ctx.shared(`archive:scale-images:${n}`, async () => {
    const archive = join(ctx.workDir, `scale-images-${n}.tar`);
    const ap = tar.pack();
    const out = pipeline(ap, createWriteStream(archive));
    const manifest: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const layer = await new Promise<Buffer>((resolve, reject) => {
        const lp = tar.pack();
        const chunks: Buffer[] = [];
        lp.on('data', (c) => chunks.push(c as Buffer));
        lp.on('end', () => resolve(Buffer.concat(chunks)));
        lp.on('error', reject);
        lp.entry({ name: 'scale-id', mode: 0o644, mtime: new Date(0) }, `berth bench scale image ${i} of ${n}\n`);
        lp.finalize();
      });
      const diffId = createHash('sha256').update(layer).digest('hex');
      const config = JSON.stringify({
        architecture: 'amd64', os: 'linux', created: '2020-01-01T00:00:00Z',
        config: { Cmd: ['/bin/sh'], Labels: { [IMAGE_LABEL]: '1' } },
        rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
        history: [{ created: '2020-01-01T00:00:00Z', created_by: `berth bench: scale image ${i}` }],
      });
      const configId = createHash('sha256').update(config).digest('hex');
      ap.entry({ name: `${configId}.json` }, config);
      ap.entry({ name: `${diffId}/`, type: 'directory' });
      ap.entry({ name: `${diffId}/layer.tar` }, layer);
      manifest.push({ Config: `${configId}.json`, RepoTags: [`bench/scale-${i}:latest`], Layers: [`${diffId}/layer.tar`] });
    }
    ap.entry({ name: 'manifest.json' }, JSON.stringify(manifest));
    ap.finalize();
    await out;
    return archive;
  });
}

const pruneArgs = ['image', 'prune', '-a', '-f', '--filter', `label=${IMAGE_LABEL}=1`];

/** `system df` and `image prune` with N images loaded from the generated archive. */
function imagesCase(full: number, smoke: number, what: 'df' | 'prune'): Case {
  return {
    name: `scale: ${what === 'df' ? 'system df' : 'image prune'} with ${full} images`,
    description: what === 'df'
      ? `\`system df\` with ${full} (${smoke} in smoke mode) small distinct one-layer images loaded (one \`load -i\` of a generated docker-archive, untimed), from a fresh CLI process.`
      : `\`${pruneArgs.join(' ')}\` removing ${full} (${smoke} in smoke mode) small distinct one-layer images, from a fresh CLI process; each iteration first loads them again (one \`load -i\` of a generated docker-archive, untimed).`,
    maxIterations: what === 'df' ? 10 : 5,
    series: (ctx) => scaleSeries(what === 'df' ? 'system df with N images' : 'image prune with N images', 'image', ctx.size(full, smoke)),
    tools: (ctx) => enginesFor(ctx).map((k) => {
      const n = ctx.size(full, smoke);
      const load = async (e: Engine) => { await e.cli(['load', '-q', '-i', await scaleImagesArchive(ctx, n)], SETUP_TIMEOUT_MS); };
      return engineTool(ctx, k, {
        args: what === 'df' ? ['system', 'df', `  (${n} images)`] : [...pruneArgs, `  (${n} images)`],
        async setup(e) { if (what === 'df') await load(e); },
        async run(e, iteration) {
          const s = scaleSeries(what === 'df' ? 'system df with N images' : 'image prune with N images', 'image', n);
          if (what === 'df') {
            const stop = meter(ctx, e, k, s, iteration);
            const df = await e.cli(['system', 'df']);
            stop();
            return df.ms;
          }
          await load(e);
          const stop = meter(ctx, e, k, s, iteration);
          const r = await e.cli(pruneArgs, REQUEST_TIMEOUT_MS);
          stop();
          // Docker and berth print `deleted: sha256:<id>` per image and layer, podman the bare IDs
          const gone = (r.stdout.match(/^(deleted: sha256:)?[0-9a-f]{64}$/gim) ?? []).length;
          if (gone < n) throw new BenchError(`${e.kind} image prune deleted ${gone} images, expected at least ${n}: ${r.stdout.slice(-300)}`, 'ERR_PRUNE');
          return r.ms;
        },
        async teardown(e) { await e.cliRaw(pruneArgs, SETUP_TIMEOUT_MS); },
      });
    }),
  };
}

/** One `GET /events` subscriber counting the volume-create events of one burst. */
interface Listener { received: number; done: Promise<void>; close(): void }

function listen(e: Engine, prefix: string, n: number, timeoutMs: number): Promise<Listener> {
  return new Promise((resolveReady, rejectReady) => {
    const filters = encodeURIComponent(JSON.stringify({ type: ['volume'], event: ['create'] }));
    let buf = '';
    let resolveDone!: () => void;
    let rejectDone!: (err: Error) => void;
    const done = new Promise<void>((res, rej) => { resolveDone = res; rejectDone = rej; });
    done.catch(() => {}); // awaited by the iteration
    const l: Listener = { received: 0, done, close: () => req.destroy() };
    const req = request({ socketPath: e.socket!, path: `/events?filters=${filters}`, method: 'GET', agent: false }, (res) => {
      if ((res.statusCode ?? 500) >= 300) { res.resume(); rejectReady(new BenchError(`${e.kind}: GET /events answered ${res.statusCode}`, 'ERR_API')); return; }
      resolveReady(l);
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          // Docker names the volume in Actor.ID; count only this burst's
          if (line.includes(prefix) && ++l.received === n) resolveDone();
        }
      });
      res.on('error', (err) => rejectDone(err));
    });
    req.on('error', (err) => { rejectReady(err); rejectDone(err); });
    req.setTimeout(timeoutMs, () => req.destroy(new SystemError(`${e.kind}: events listener idle for ${timeoutMs} ms`, 'ERR_TIMEOUT')));
    req.end();
  });
}

const LISTENERS = 10;

/** `events` fan-out: N volume creates (8 at a time) until all 10 listeners have received all N events. */
function eventsFanOutCase(full: number, smoke: number): Case {
  return {
    name: `scale: events fan-out to ${LISTENERS} listeners, ${full} events`,
    description: `${LISTENERS} \`GET /events\` subscribers (filtered to volume create) are connected, then a burst of ${full} (${smoke} in smoke mode) \`POST /volumes/create\` calls (8 at a time) is sent; timed from the first call until every listener has received every event of the burst. The volumes are removed afterwards, untimed.`,
    maxIterations: 10,
    series: (ctx) => scaleSeries(`events fan-out to ${LISTENERS} listeners`, 'event', ctx.size(full, smoke)),
    tools: (ctx) => enginesFor(ctx, ['berth', 'docker']).map((k) => engineTool(ctx, k, {
      args: ['GET /events (× 10)', `then POST /volumes/create × ${ctx.size(full, smoke)}`],
      async run(e, iteration) {
        const n = ctx.size(full, smoke);
        const prefix = `bench-fan-${process.pid}-${iteration}-`;
        const names = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
        const listeners = await within(Promise.all(Array.from({ length: LISTENERS }, () => listen(e, prefix, n, REQUEST_TIMEOUT_MS))), 30_000, `${e.kind}: connecting ${LISTENERS} event listeners`);
        try {
          await sleep(50); // the subscriptions registered before the first action
          const stop = meter(ctx, e, k, scaleSeries(`events fan-out to ${LISTENERS} listeners`, 'event', n), iteration);
          const t0 = process.hrtime.bigint();
          await mapLimit(names, 8, async (name) => { await apiLong(e, 'POST', '/volumes/create', { Name: name }); });
          await within(Promise.all(listeners.map((l) => l.done)), ctx.options.runTimeoutMs,
            `${e.kind}: ${LISTENERS} listeners receiving ${n} events (got ${listeners.map((l) => l.received).join(', ')})`);
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          stop();
          return ms;
        } finally {
          for (const l of listeners) l.close();
          await mapLimit(names, 8, async (name) => { await apiLong(e, 'DELETE', `/volumes/${name}`).catch(() => {}); });
        }
      },
    })),
  };
}

/** N containers created and started at once, until all run; removed (untimed) after each iteration. */
function concurrentStartCase(full: number, smoke: number): Case {
  return {
    name: `scale: ${full} containers created and started concurrently`,
    description: `${full} (${smoke} in smoke mode) \`busybox sleep 3600\` containers created and started at once through the Engine API (all requests in flight together), timed until every start answered. Removed (untimed) after each iteration, so only one engine holds them at a time.`,
    goal: full === 1000 ? 'no failure or timeout at 1,000 (100 measured for the issue: berth 1.7 s, Docker 10.5 s)' : undefined,
    maxIterations: full >= 1000 ? 2 : 3,
    series: (ctx) => scaleSeries('N containers created and started concurrently', 'container', ctx.size(full, smoke)),
    tools: (ctx) => enginesFor(ctx, ['berth', 'docker']).map((k) => engineTool(ctx, k, {
      args: ['POST /containers/create + /start', `(× ${ctx.size(full, smoke)} at once)`],
      async setup(e) { raiseOwnFileLimit(ctx); await removeAll(e); },
      async run(e, iteration) {
        const stop = meter(ctx, e, k, scaleSeries('N containers created and started concurrently', 'container', ctx.size(full, smoke)), iteration);
        const t0 = process.hrtime.bigint();
        try {
          await makeContainers(e, ctx.size(full, smoke), { start: true, limit: ctx.size(full, smoke) });
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          stop();
          return ms;
        } finally { await removeAll(e); }
      },
      teardown: (e) => removeAll(e),
    })),
  };
}

export const SCALE_CASES: Case[] = [
  ...SCALE_SIZES.map((s) => startWithRunningCase(s.full, s.smoke)),
  ...SCALE_SIZES.map((s) => listCase(s.full, s.smoke, 'ps')),
  ...SCALE_SIZES.map((s) => listCase(s.full, s.smoke, 'inspect')),
  ...SCALE_SIZES.map((s) => imagesCase(s.full, s.smoke, 'df')),
  ...SCALE_SIZES.map((s) => imagesCase(s.full, s.smoke, 'prune')),
  ...SCALE_SIZES.map((s) => eventsFanOutCase(s.full, s.smoke)),
  ...SCALE_SIZES.map((s) => concurrentStartCase(s.full, s.smoke)),
];
