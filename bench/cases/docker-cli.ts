/** The same docker CLI (/usr/local/bin/docker) against berth serve (and the baseline's) and against dockerd. */
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk } from '../lib/proc.js';
import { DOCKER_CLI } from '../peers/availability.js';
import { engine, engineLabel, enginesFor, isBerth, type Engine, type EngineKind } from '../peers/engine.js';
import { BENCH_LABEL, createContainers, removeBenchContainers } from './engine-tool.js';
import { projectContext } from './build.js';

interface DockerCliOptions {
  /** containers created (untimed) before the first iteration */
  containers?: number;
  env?: NodeJS.ProcessEnv;
  /** untimed set-up with the same CLI */
  prepare?(run: (args: string[]) => Promise<{ stdout: string }>): Promise<void>;
  /** one timed iteration of its own (untimed steps around the timed call); returns its ms */
  iteration?(run: (args: string[]) => Promise<{ ms: number; stdout: string }>): Promise<number>;
  /** untimed clean-up with the same CLI */
  finish?(run: (args: string[]) => Promise<unknown>): Promise<void>;
}

function dockerCliTool(ctx: BenchContext, kind: EngineKind, args: string[], opts: DockerCliOptions = {}): Tool {
  let e: Engine | undefined;
  const containers = opts.containers ?? 0;
  const run = (a: string[]) => timedSpawnOk('nsenter', [`--net=/run/netns/${e!.netns}`, DOCKER_CLI, '-H', `unix://${e!.socket}`, ...a], {
    timeoutMs: ctx.options.runTimeoutMs,
    env: benchEnv({ DOCKER_CONFIG: join(ctx.workDir, 'docker-cli-config'), ...opts.env }),
  });
  const server = (k: EngineKind) => (isBerth(k) ? `${engineLabel(ctx, k)} serve` : 'dockerd');
  return {
    name: `docker CLI → ${server(kind)}`,
    role: isBerth(kind) ? 'berth' : 'peer',
    command: `docker -H unix://<${isBerth(kind) ? engineLabel(ctx, kind) : 'dockerd'}.sock> ${args.join(' ')}`,
    ...(kind === 'berth-baseline' ? { baselineOf: `docker CLI → ${server('berth')}` } : {}),
    async setup() {
      e = await engine(ctx, kind);
      if (containers) await createContainers(e, containers, 600_000);
      await opts.prepare?.(run);
    },
    run: async () => (opts.iteration ? await opts.iteration(run) : (await run(args)).ms),
    async teardown() {
      if (e) await opts.finish?.(run);
      if (e && containers) await removeBenchContainers(e, 600_000);
    },
  };
}

const kinds = (ctx: BenchContext): EngineKind[] => enginesFor(ctx, ['berth', 'docker']);

export const dockerCliRunCase: Case = {
  name: 'docker CLI: run --rm busybox true',
  description: 'The docker CLI 28 client, unchanged, talking to berth serve and to dockerd (no network for both).',
  tools: (ctx) => kinds(ctx).map((k) => dockerCliTool(ctx, k, ['run', '--rm', '--network', 'none', 'busybox', 'true'])),
};

export const dockerCliPsCase: Case = {
  name: 'docker CLI: ps -a with 100 containers',
  description: 'The docker CLI listing 100 created containers (10 in smoke mode) on berth serve and on dockerd.',
  maxIterations: 10,
  tools: (ctx) => kinds(ctx).map((k) => dockerCliTool(ctx, k, ['ps', '-a'], { containers: ctx.size(100, 10) })),
};

export const dockerCliBuildCachedCase: Case = {
  name: 'docker CLI: multi-stage project, fully cached',
  description: 'The multi-stage project of the build cases, built again unchanged by the same docker CLI (DOCKER_BUILDKIT=0) against berth serve and against dockerd: the engines\' share of a cached build, without berth\'s own CLI start-up.',
  goal: '<= 0.5x Docker',
  maxIterations: 10,
  tools: (ctx) => kinds(ctx).map((k) => {
    const dir = projectContext(ctx, 'multi-stage', `docker-cli-${k}`);
    const args = ['build', '-q', '-t', 'bench/docker-cli-build:latest', dir];
    return dockerCliTool(ctx, k, args, { env: { DOCKER_BUILDKIT: '0' }, prepare: async (run) => { await run(args); } });
  }),
};

const lastLine = (out: string) => out.trim().split('\n').pop()!;

export const dockerCliExecCase: Case = {
  name: 'docker CLI: exec true into a running container',
  description: 'The docker CLI running `exec <container> true` into one `busybox sleep 3600` container on berth serve and on dockerd: the engines\' share of an exec (create, start, wait for the exit, exit code), without berth\'s own CLI start-up.',
  goal: '<= 0.7x Docker (with the berth CLI, exec true into a running container)',
  tools: (ctx) => kinds(ctx).map((k) => {
    let id = '';
    return dockerCliTool(ctx, k, ['exec', '<container>', 'true'], {
      prepare: async (run) => { id = lastLine((await run(['run', '-d', '--network', 'none', '--label', BENCH_LABEL, 'busybox', 'sleep', '3600'])).stdout); },
      iteration: async (run) => (await run(['exec', id, 'true'])).ms,
      finish: async (run) => { if (id) await run(['rm', '-f', id]); },
    });
  }),
};

export const dockerCliStopCase: Case = {
  name: 'docker CLI: stop a container that exits on SIGTERM',
  description: 'The docker CLI: `run -d busybox sh -c "trap \'exit 0\' TERM; sleep 3600 & wait"` (untimed), then the timed `stop`, then `rm` (untimed), on berth serve and on dockerd: the engines\' share of a stop.',
  goal: '<= 0.7x Docker (with the berth CLI, stop a container that exits on SIGTERM)',
  tools: (ctx) => kinds(ctx).map((k) => dockerCliTool(ctx, k, ['stop', '<container>'], {
    iteration: async (run) => {
      const id = lastLine((await run(['run', '-d', '--network', 'none', '--label', BENCH_LABEL, 'busybox', 'sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"])).stdout);
      try { return (await run(['stop', id])).ms; } finally { await run(['rm', '-f', id]); }
    },
  })),
};
