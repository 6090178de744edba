/**
 * Compose: `up -d --wait` of a project of N services (2, 5, 10) whose healthchecks are chained through
 * `depends_on: condition: service_healthy`, its `down`, and a no-op `up -d` of an unchanged project.
 * berth compose against berth; the peer is docker-compose 1.29 (Debian's, the one users of dockerd
 * had before compose v2) against dockerd, and `berth compose` against that same dockerd shows how much
 * of the difference is the client and how much the engine.
 *
 * docker-compose 1.29 has no --wait: its `up -d` waits for each dependency's health before starting
 * the next service but not for the last one, so its iteration is `up -d` followed by polling the
 * Engine API (every 20 ms) until every container of the project is healthy; the time is spawn to that.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../../src/common/errors.js';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk, type TimedResult } from '../lib/proc.js';
import { peerAvailable } from '../peers/availability.js';
import { CURRENT_BUILD } from '../peers/berth-build.js';
import { berthCliEnv } from '../peers/berth.js';
import { engine, engineLabel, enginesFor, type Engine } from '../peers/engine.js';
import { api } from './engine-tool.js';

export const DOCKER_COMPOSE_V1 = '/usr/bin/docker-compose';

/** the healthchecks' interval: short, so the chain's waiting does not hide what the engines and clients cost */
const HEALTH_INTERVAL = '200ms';

/**
 * N busybox services, each with a healthcheck, s<i> depending on s<i-1> being healthy (or only
 * started: `service_started`). Each exits on SIGTERM (a shell as PID 1 has no default action for it),
 * so `down` never waits for a kill.
 */
export function chainedProject(n: number, condition: 'service_healthy' | 'service_started' = 'service_healthy'): string {
  const lines = ['services:'];
  for (let i = 1; i <= n; i++) {
    lines.push(
      `  s${i}:`,
      '    image: busybox',
      `    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]`,
      '    healthcheck:',
      '      test: ["CMD", "true"]',
      `      interval: ${HEALTH_INTERVAL}`,
      '      timeout: 5s',
      '      retries: 100',
    );
    if (i > 1) lines.push('    depends_on:', `      s${i - 1}:`, `        condition: ${condition}`);
  }
  return lines.join('\n') + '\n';
}

/** The project's file under the work directory. */
function projectFile(ctx: BenchContext, n: number, condition: 'service_healthy' | 'service_started'): string {
  const dir = join(ctx.workDir, `compose-${n}-${condition}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, chainedProject(n, condition));
  return file;
}

/** How one tool drives compose: which client against which engine. */
interface ComposeDriver {
  name: string;
  role: 'berth' | 'peer';
  baselineOf?: string;
  /** how the report shows the command */
  display(args: string[]): string;
  engine(): Promise<Engine>;
  /** run `<client> -p <project> -f <file> <args>` once, timed from spawn to exit */
  compose(e: Engine, args: string[], timeoutMs: number): Promise<TimedResult>;
  /** docker-compose 1.29 has no --wait: the iteration polls until the project is healthy */
  hasWait: boolean;
}

function berthOnBerth(ctx: BenchContext, kind: 'berth' | 'berth-baseline'): ComposeDriver {
  const label = engineLabel(ctx, kind);
  return {
    name: `${label} compose → ${label} serve`,
    role: 'berth',
    ...(kind === 'berth-baseline' ? { baselineOf: `${engineLabel(ctx, 'berth')} compose → ${engineLabel(ctx, 'berth')} serve` } : {}),
    display: (args) => `${label} -H unix://<berth.sock> compose ${args.join(' ')}`,
    engine: () => engine(ctx, kind),
    compose: (e, args, t) => e.cli(['compose', ...args], t),
    hasWait: true,
  };
}

/** this checkout's bin/berth against the benchmark's dockerd (in dockerd's namespace, as its CLI runs) */
function berthOnDockerd(ctx: BenchContext): ComposeDriver {
  return {
    name: 'berth compose → dockerd',
    role: 'berth',
    display: (args) => `berth -H unix://<docker.sock> compose ${args.join(' ')}`,
    engine: () => engine(ctx, 'docker'),
    compose: (e, args, t) => timedSpawnOk('nsenter', [`--net=/run/netns/${e.netns}`, CURRENT_BUILD.bin, '-H', `unix://${e.socket}`, 'compose', ...args], { timeoutMs: t, env: berthCliEnv() }),
    hasWait: true,
  };
}

function composeV1OnDockerd(ctx: BenchContext): ComposeDriver {
  return {
    name: 'docker-compose 1.29 → dockerd',
    role: 'peer',
    display: (args) => `DOCKER_HOST=unix://<docker.sock> docker-compose ${args.join(' ')}`,
    engine: () => engine(ctx, 'docker'),
    compose: (e, args, t) => timedSpawnOk('nsenter', [`--net=/run/netns/${e.netns}`, DOCKER_COMPOSE_V1, '--no-ansi', ...args], {
      timeoutMs: t, env: { ...benchEnv({ COMPOSE_INTERACTIVE_NO_CLI: '1' }), DOCKER_HOST: `unix://${e.socket}` },
    }),
    hasWait: false,
  };
}

/** The drivers a run has: berth compose on berth (and the baseline's), and on dockerd with docker-compose 1.29 when docker is a peer. */
function drivers(ctx: BenchContext): ComposeDriver[] {
  const out: ComposeDriver[] = enginesFor(ctx, ['berth']).map((k) => berthOnBerth(ctx, k as 'berth' | 'berth-baseline'));
  // the docker peer brings docker-compose 1.29 along (same package set, same dockerd)
  if (peerAvailable(ctx, 'docker') && existsSync(DOCKER_COMPOSE_V1)) out.push(composeV1OnDockerd(ctx), berthOnDockerd(ctx));
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll the Engine API until the project's `n` containers all run and are healthy (bounded). */
async function waitHealthy(e: Engine, project: string, n: number, timeoutMs: number): Promise<void> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const list = await api(e, 'GET', `/containers/json?filters=${filters}`) as Array<{ Status: string }>;
    if (list.length === n && list.every((c) => /\(healthy\)/.test(c.Status))) return;
    await sleep(20);
  }
  throw new SystemError(`${project}: not all ${n} containers healthy after ${timeoutMs} ms`, 'ERR_TIMEOUT');
}

type Phase = 'up' | 'down' | 'noop';

/**
 * One tool of a compose case. Each tool has its own project name (tools sharing dockerd must not see
 * each other's containers). `up`: the timed up, then an untimed down. `down`: an untimed up, then the
 * timed down. `noop`: one untimed up in set-up, then the timed `up -d` of the unchanged project; its
 * dependencies are `service_started` ones, since compose (v2 and 1.29) checks a `service_healthy`
 * dependency's health again on every up, polling, even when nothing changes: that wait is not what
 * the no-op case measures.
 */
function composeTool(ctx: BenchContext, d: ComposeDriver, n: number, phase: Phase, index: number): Tool {
  let e: Engine | undefined;
  let file = '';
  const project = `bench${phase}${n}t${index}`;
  const long = Math.max(ctx.options.runTimeoutMs, 180_000);
  const base = () => ['-p', project, '-f', file];
  const up = async (): Promise<number> => {
    const t0 = process.hrtime.bigint();
    await d.compose(e!, [...base(), 'up', '-d', ...(d.hasWait ? ['--wait'] : [])], long);
    if (!d.hasWait) await waitHealthy(e!, project, n, long);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const down = async (): Promise<number> => (await d.compose(e!, [...base(), 'down'], long)).ms;
  const shown = phase === 'down' ? ['down'] : phase === 'noop' ? ['up', '-d'] : d.hasWait ? ['up', '-d', '--wait'] : ['up', '-d', '+ poll until healthy'];
  return {
    name: d.name,
    role: d.role,
    ...(d.baselineOf ? { baselineOf: d.baselineOf } : {}),
    command: d.display(['-p', project, '-f', `<${n} chained services>`, ...shown]),
    async setup() {
      e = await d.engine();
      file = projectFile(ctx, n, phase === 'noop' ? 'service_started' : 'service_healthy');
      // a project left by an interrupted run would make the first iteration a recreate
      await d.compose(e, [...base(), 'down'], long).catch(() => {});
      if (phase === 'noop') await up();
    },
    async run() {
      if (phase === 'up') { const ms = await up(); await down(); return ms; }
      if (phase === 'down') { await up(); return down(); }
      const r = await d.compose(e!, [...base(), 'up', '-d'], long);
      return r.ms;
    },
    async teardown() {
      if (!e) return;
      const r = await d.compose(e, [...base(), 'down'], long).catch((err: Error) => ({ code: 1, stderr: err.message, stdout: '', ms: 0 }));
      if (r.code !== 0) ctx.log(`${d.name}: down of ${project} failed: ${r.stderr.trim().slice(0, 500)}`);
    },
  };
}

function composeCase(size: { n: number; smokeN: number }, phase: Phase, name: string, description: string, goal?: string): Case {
  return {
    name, description, goal,
    ...(phase === 'up' ? { series: (ctx: BenchContext) => ({ name: 'compose up -d --wait, chained services', size: ctx.size(size.n, size.smokeN), unit: 'service' }) } : {}),
    // every iteration starts and stops whole projects: 10 timed rounds say enough
    maxIterations: 10,
    tools: (ctx) => {
      const n = ctx.size(size.n, size.smokeN);
      return drivers(ctx).map((d, i) => composeTool(ctx, d, n, phase, i));
    },
  };
}

const UP_DESCRIPTION = (n: number) => `\`compose up -d --wait\` of ${n} busybox services (2 in smoke mode), each with a healthcheck (interval ${HEALTH_INTERVAL}) and depending on the previous one being healthy, on the project's default network; \`down\` after each iteration, untimed. docker-compose 1.29 has no --wait: its time runs until the Engine API shows every container healthy.`;

export const composeUp2Case = composeCase({ n: 2, smokeN: 2 }, 'up', 'compose up -d --wait, 2 chained services', UP_DESCRIPTION(2));
export const composeUp5Case = composeCase({ n: 5, smokeN: 2 }, 'up', 'compose up -d --wait, 5 chained services', UP_DESCRIPTION(5));
export const composeUp10Case = composeCase({ n: 10, smokeN: 2 }, 'up', 'compose up -d --wait, 10 chained services', UP_DESCRIPTION(10),
  '>= 3x faster than docker-compose 1.29 on dockerd');
export const composeDown10Case = composeCase({ n: 10, smokeN: 2 }, 'down', 'compose down, 10 services',
  '`compose down` of the same 10-service project (2 in smoke mode), brought up untimed before each iteration: stop, remove, and the project network removed.');
export const composeNoopCase = composeCase({ n: 10, smokeN: 2 }, 'noop', 'compose up -d, unchanged 10-service project (service_started dependencies)',
  '`compose up -d` of a 10-service project (2 in smoke mode) that is already up and unchanged: the project is read, compared by config hash, and nothing is recreated. The same services as above, but each depends on the previous one being started, not healthy (compose polls a healthy dependency again on every up).',
  'under 200 ms');

export const COMPOSE_CASES: Case[] = [composeUp2Case, composeUp5Case, composeUp10Case, composeDown10Case, composeNoopCase];
