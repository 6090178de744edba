/** A case's tool that drives one engine (berth, the baseline berth, docker, podman) through its CLI or API. */
import { apiRequest } from '../../test/helpers/daemon.js';
import { BenchError } from '../lib/errors.js';
import type { BenchContext } from '../lib/context.js';
import type { Tool } from '../lib/types.js';
import { engine, engineLabel, isBerth, type Engine, type EngineKind } from '../peers/engine.js';

export interface EngineToolSpec {
  /** the name in the report, from the engine's label (berth, berth@<ref>, docker, podman); defaults to the label */
  name?: (label: string) => string;
  /** the CLI arguments a reader could type (for the report) */
  args: string[];
  setup?(e: Engine): Promise<void>;
  /** one timed iteration; returns its own measurement in ms, or the harness times the call */
  run(e: Engine, iteration: number): Promise<number | void>;
  teardown?(e: Engine): Promise<void>;
}

export function engineTool(ctx: BenchContext, kind: EngineKind, spec: EngineToolSpec): Tool {
  let e: Engine | undefined;
  const label = engineLabel(ctx, kind);
  const named = (l: string) => spec.name?.(l) ?? l;
  return {
    name: named(label),
    role: isBerth(kind) ? 'berth' : 'peer',
    command: `${label} ${spec.args.join(' ')}`,
    ...(kind === 'berth-baseline' ? { baselineOf: named(engineLabel(ctx, 'berth')) } : {}),
    async setup() { e = await engine(ctx, kind); await spec.setup?.(e); },
    run: (i) => spec.run(e!, i),
    async teardown() { if (e) await spec.teardown?.(e); },
  };
}

/** The same CLI call every iteration, timed from spawn to exit. */
export function cliTool(ctx: BenchContext, kind: EngineKind, args: string[], name?: (label: string) => string): Tool {
  return engineTool(ctx, kind, { name, args, run: async (e) => (await e.cli(args)).ms });
}

export const BENCH_LABEL = 'berth-bench=1';

export async function mapLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

export async function api(e: Engine, method: string, path: string, body?: unknown): Promise<any> {
  const r = await apiRequest(e.socket!, method, path, body);
  if (r.status >= 300) throw new BenchError(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`, 'ERR_API');
  return r.body;
}

/**
 * Create `n` containers (not started) for the ps cases: through the Engine API for daemons (quick
 * set-up), through the CLI for podman (it has no daemon).
 */
export async function createContainers(e: Engine, n: number, timeoutMs: number): Promise<void> {
  const ids = Array.from({ length: n }, (_, i) => i);
  if (e.socket) {
    await mapLimit(ids, 8, () => createRetryingNameConflicts(e, {
      Image: 'busybox', Cmd: ['true'], Labels: { 'berth-bench': '1' }, HostConfig: { NetworkMode: 'none' },
    }));
  } else {
    await mapLimit(ids, 4, async () => { await e.cli(['create', '--network', 'none', '--label', BENCH_LABEL, 'busybox', 'true'], timeoutMs); });
  }
}

/**
 * Set-up only: berth picks a generated name and stores the container after an await, so concurrent
 * creates can pick the same name and one gets 409 (reported as a berth bug); a retry gets a new name.
 */
export async function createRetryingNameConflicts(e: Engine, body: unknown): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    try { return await api(e, 'POST', '/containers/create', body); } catch (err) {
      if (attempt >= 3 || !/answered 409: .*name .* is already in use/.test((err as Error).message)) throw err;
    }
  }
}

/** Remove every container the benchmark labelled. */
export async function removeBenchContainers(e: Engine, timeoutMs: number): Promise<void> {
  if (e.socket) {
    const list = await api(e, 'GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [BENCH_LABEL] }))}`);
    await mapLimit((list as { Id: string }[]).map((c) => c.Id), 8, async (id) => { await api(e, 'DELETE', `/containers/${id}?force=1`); });
  } else {
    await e.cli(['rm', '-f', '-t', '0', '--filter', `label=${BENCH_LABEL}`], timeoutMs).catch(async () => {
      const ids = (await e.cli(['ps', '-aq', '--filter', `label=${BENCH_LABEL}`], timeoutMs)).stdout.split('\n').filter(Boolean);
      if (ids.length) await e.cli(['rm', '-f', '-t', '0', ...ids], timeoutMs);
    });
  }
}

/** Create and start `n` containers at once; resolves when all are running. Returns the wall time. */
export async function startConcurrently(e: Engine, n: number, timeoutMs: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const all = Array.from({ length: n }, async () => {
    if (e.socket) {
      const c = await createRetryingNameConflicts(e, {
        Image: 'busybox', Cmd: ['sleep', '3600'], Labels: { 'berth-bench': '1' }, HostConfig: { NetworkMode: 'none' },
      });
      await api(e, 'POST', `/containers/${c.Id}/start`);
    } else {
      await e.cli(['run', '-d', '--network', 'none', '--label', BENCH_LABEL, 'busybox', 'sleep', '3600'], timeoutMs);
    }
  });
  const results = await Promise.allSettled(all);
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failed) throw failed.reason;
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
