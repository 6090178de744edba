/**
 * The berth CLI's own start cost: `berth version`, `berth ps -a` (0 / 50 / 200 containers) and
 * `berth run --rm --network none busybox true` through bin/berth, against the benchmark's berth daemon;
 * the docker CLI against the same socket (DOCKER_HOST) is the peer. With BENCH_BASELINE_REF set, the
 * baseline build's bin/berth runs the same commands against its own daemon, as `berth@<ref> CLI`.
 */
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk } from '../lib/proc.js';
import { DOCKER_CLI, peerAvailable } from '../peers/availability.js';
import { engine, engineLabel, enginesFor, type Engine } from '../peers/engine.js';
import { createContainers, removeBenchContainers } from './engine-tool.js';

const LONG = 600_000;

/**
 * Containers a case's tools share on one daemon (the berth CLI and the docker CLI talk to the same
 * one; the baseline has its own): created by the daemon's first set-up, removed by its last teardown.
 */
function sharedContainers(n: number) {
  const perDaemon = new Map<string, { users: number; created?: Promise<void> }>();
  return {
    async acquire(e: Engine): Promise<void> {
      const d = perDaemon.get(e.socket!) ?? { users: 0 };
      perDaemon.set(e.socket!, d);
      d.users++;
      if (n) await (d.created ??= createContainers(e, n, LONG * 2));
    },
    async release(e: Engine): Promise<void> {
      const d = perDaemon.get(e.socket!);
      if (!d) return;
      d.users--;
      if (d.users === 0 && d.created) { d.created = undefined; await removeBenchContainers(e, LONG); }
    },
  };
}

/** berth / berth-baseline: that build's bin/berth against its own daemon; docker: the docker CLI against berth's */
type CliKind = 'berth' | 'berth-baseline' | 'docker';

function cliStartTool(ctx: BenchContext, kind: CliKind, args: string[], containers: ReturnType<typeof sharedContainers>): Tool {
  let e: Engine | undefined;
  const name = kind === 'docker' ? 'docker CLI → berth serve' : `${engineLabel(ctx, kind)} CLI`;
  const command = kind === 'docker' ? `DOCKER_HOST=unix://<berth.sock> docker ${args.join(' ')}`
    : kind === 'berth-baseline' ? `<worktree of ${ctx.options.baseline!.short}>/bin/berth -H unix://<its berth.sock> ${args.join(' ')}`
    : `bin/berth -H unix://<berth.sock> ${args.join(' ')}`;
  const call = () => {
    if (kind !== 'docker') return e!.cli(args, ctx.options.runTimeoutMs);
    return timedSpawnOk('nsenter', [`--net=/run/netns/${e!.netns}`, DOCKER_CLI, ...args], {
      timeoutMs: ctx.options.runTimeoutMs,
      env: { ...benchEnv({ DOCKER_CONFIG: join(ctx.workDir, 'docker-cli-config') }), DOCKER_HOST: `unix://${e!.socket}` },
    });
  };
  return {
    name,
    role: kind === 'docker' ? 'peer' : 'berth',
    command,
    ...(kind === 'berth-baseline' ? { baselineOf: `${engineLabel(ctx, 'berth')} CLI` } : {}),
    async setup() {
      e = await engine(ctx, kind === 'docker' ? 'berth' : kind);
      await containers.acquire(e);
    },
    run: async () => (await call()).ms,
    async teardown() { if (e) await containers.release(e); },
  };
}

function cliCase(name: string, description: string, args: string[], containerCount: (ctx: BenchContext) => number = () => 0): Case {
  return {
    name,
    description,
    tools: (ctx) => {
      const containers = sharedContainers(containerCount(ctx));
      const kinds: CliKind[] = [...enginesFor(ctx, ['berth']) as CliKind[], ...(peerAvailable(ctx, 'docker-cli') ? ['docker' as const] : [])];
      return kinds.map((k) => cliStartTool(ctx, k, args, containers));
    },
  };
}

const HOW = 'one fresh CLI process per call, inside the daemon\'s namespace; the docker CLI 28 client against the same berth serve (DOCKER_HOST) is the peer, and with BENCH_BASELINE_REF the bin/berth of that ref against its own daemon is a second berth row.';

export const cliVersionCase: Case = cliCase(
  'berth CLI start: version',
  `\`version\` (client facts and one GET /version): the CLI's start-up cost with the least work, ${HOW}`,
  ['version'],
);

function psCase(full: number, smoke: number): Case {
  return cliCase(
    full === 0 ? 'berth CLI start: ps -a, no containers' : `berth CLI start: ps -a with ${full} containers`,
    `\`ps -a\` listing ${full === 0 ? 'no containers' : `${full} created containers (${smoke} in smoke mode; created through the Engine API, untimed)`}: how the cost grows with the work, ${HOW}`,
    ['ps', '-a'],
    (ctx) => ctx.size(full, smoke),
  );
}

export const cliPs0Case = psCase(0, 0);
export const cliPs50Case = psCase(50, 5);
export const cliPs200Case = psCase(200, 10);

export const cliRunCase: Case = cliCase(
  'berth CLI start: run --rm --network none busybox true',
  `\`run --rm --network none busybox true\` end to end (create, attach, start, wait, remove), ${HOW}`,
  ['run', '--rm', '--network', 'none', 'busybox', 'true'],
);

export const CLI_START_CASES: Case[] = [cliVersionCase, cliPs0Case, cliPs50Case, cliPs200Case, cliRunCase];
