/** Container life-cycle cases: run, stop, exec, ps, concurrent starts; berth against docker and podman. */
import type { Case, Tool } from '../lib/types.js';
import type { BenchContext } from '../lib/context.js';
import { crunRunTool } from '../peers/crun.js';
import { enginesFor, isBerth, type EngineKind } from '../peers/engine.js';
import { peerAvailable } from '../peers/availability.js';
import { cliTool, createContainers, engineTool, removeBenchContainers, startConcurrently, BENCH_LABEL } from './engine-tool.js';

const LONG = 600_000;

export const runTrueNoNetworkCase: Case = {
  name: 'run --rm busybox true, no network',
  description: 'Create, start, wait for and remove a container running /bin/true without networking, end to end from a fresh CLI process.',
  goalRatio: 3,
  goal: '<= 3x crun and >= 4x faster than Docker (issue 27: 77.8 ms vs crun 18.2, Docker 221.2)',
  tools: (ctx) => [
    ...enginesFor(ctx).map((k) => cliTool(ctx, k, ['run', '--rm', '--network', 'none', 'busybox', 'true'], (label) => `${label} --network none`)),
    ...(peerAvailable(ctx, 'crun') ? [crunRunTool(ctx, { name: 'crun', args: ['/bin/true'] })] : []),
  ],
};

export const runTrueBridgeCase: Case = {
  name: 'run --rm busybox true, default bridge',
  description: 'The same on each engine\'s default bridge network (veth pair, address, firewall rules), set up and torn down per container.',
  goal: '>= 4x faster than Docker (issue 27: 86.5 ms vs Docker 296.4)',
  tools: (ctx) => enginesFor(ctx).map((k) => cliTool(ctx, k, isBerth(k) ? ['run', '--rm', '--network', 'bridge', 'busybox', 'true'] : ['run', '--rm', 'busybox', 'true'])),
};

/** `run -d` (untimed), then the timed `stop`, then `rm` (untimed). */
function stopTool(ctx: BenchContext, kind: EngineKind, cmd: string[], stopArgs: string[]): Tool {
  return engineTool(ctx, kind, {
    args: ['stop', ...stopArgs, '<container>', `  (after run -d busybox ${cmd.join(' ')})`],
    async run(e) {
      const id = (await e.cli(['run', '-d', '--network', 'none', '--label', BENCH_LABEL, 'busybox', ...cmd])).stdout.trim().split('\n').pop()!;
      try { return (await e.cli(['stop', ...stopArgs, id])).ms; } finally { await e.cliRaw(['rm', '-f', id]); }
    },
  });
}

// A shell that is PID 1 gets no default action for SIGTERM: it exits only through its trap.
const EXITS_ON_TERM = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"];
// busybox sleep as PID 1 has no handler, so SIGTERM does nothing and stop has to SIGKILL.
const IGNORES_TERM = ['sleep', '3600'];

export const stopOnTermCase: Case = {
  name: 'stop a container that exits on SIGTERM',
  description: '`run -d busybox sh -c "trap \'exit 0\' TERM; sleep 3600 & wait"` (untimed), then the timed `stop`.',
  goal: '<= 0.7x Docker (issue 27: 55.7 ms vs Docker 56.3); the daemon\'s share: the case `docker CLI: stop a container that exits on SIGTERM`',
  tools: (ctx) => enginesFor(ctx).map((k) => stopTool(ctx, k, EXITS_ON_TERM, [])),
};

export const stopIgnoringCase: Case = {
  name: 'stop -t 1 a container that ignores SIGTERM',
  description: '`run -d busybox sleep 3600` (PID 1 ignores SIGTERM; untimed), then the timed `stop -t 1`: SIGTERM, one second, SIGKILL.',
  tools: (ctx) => enginesFor(ctx).map((k) => stopTool(ctx, k, IGNORES_TERM, ['-t', '1'])),
};

export const execCase: Case = {
  name: 'exec true into a running container',
  description: '`exec <container> true` into one long-running `busybox sleep 3600` container, from a fresh CLI process.',
  goal: '<= 0.7x Docker (issue 27: 70.7 ms vs Docker 69.1); the daemon\'s share: the case `docker CLI: exec true into a running container`',
  tools: (ctx) => enginesFor(ctx).map((k) => {
    let id = '';
    return engineTool(ctx, k, {
      args: ['exec', '<container>', 'true'],
      async setup(e) { id = (await e.cli(['run', '-d', '--network', 'none', '--label', BENCH_LABEL, 'busybox', 'sleep', '3600'])).stdout.trim().split('\n').pop()!; },
      run: async (e) => (await e.cli(['exec', id, 'true'])).ms,
      async teardown(e) { if (id) await e.cliRaw(['rm', '-f', id]); },
    });
  }),
};

function psCase(full: number, smoke: number, goal?: string): Case {
  return {
    name: `ps -a with ${full} containers`,
    description: `\`ps -a\` listing ${full} created containers (${smoke} in smoke mode), from a fresh CLI process. Set-up creates them through the Engine API (podman: its CLI, 4 at a time).`,
    goal,
    maxIterations: 10,
    tools: (ctx) => enginesFor(ctx).map((k) => engineTool(ctx, k, {
      args: ['ps', '-a'],
      async setup(e) { await createContainers(e, ctx.size(full, smoke), LONG * 2); },
      run: async (e) => (await e.cli(['ps', '-a'])).ms,
      teardown: (e) => removeBenchContainers(e, LONG),
    })),
  };
}

export const ps100Case = psCase(100, 10);
export const ps1000Case = psCase(1000, 20, '< 100 ms');

export const concurrentStartCase: Case = {
  name: '100 containers created and started concurrently',
  description: '100 (5 in smoke mode) `busybox sleep 3600` containers created and started at once, timed until all run. berth and dockerd: 100 concurrent create+start requests on the Engine API; podman: 100 concurrent `podman run -d`. Removed (untimed) after each iteration.',
  maxIterations: 3,
  tools: (ctx) => enginesFor(ctx).map((k) => engineTool(ctx, k, {
    args: k === 'podman' ? ['run', '-d', 'busybox', 'sleep', '3600', '  (× 100 at once)'] : ['POST /containers/create + /start', '(× 100 at once)'],
    async run(e) {
      try { return await startConcurrently(e, ctx.size(100, 5), LONG); } finally { await removeBenchContainers(e, LONG); }
    },
    teardown: (e) => removeBenchContainers(e, LONG),
  })),
};
