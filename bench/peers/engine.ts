/**
 * What the cases need from an engine with a Docker-like CLI (berth, the baseline berth, dockerd via
 * the docker CLI, podman): run its CLI once, timed, inside the namespace the engine lives in.
 */
import { BenchError } from '../lib/errors.js';
import type { TimedResult } from '../lib/proc.js';
import type { BenchContext } from '../lib/context.js';
import { startBerth } from './berth.js';
import { baselineLabel } from './berth-build.js';
import { startDockerd } from './dockerd.js';
import { startPodman } from './podman.js';
import { peerAvailable } from './availability.js';

/** `berth-baseline` is the BENCH_BASELINE_REF build, with its own daemon and CLI. */
export type EngineKind = 'berth' | 'berth-baseline' | 'docker' | 'podman';

export function isBerth(kind: EngineKind): kind is 'berth' | 'berth-baseline' {
  return kind === 'berth' || kind === 'berth-baseline';
}

/** How tools of this engine are named in the report: berth, berth@<short>, docker, podman. */
export function engineLabel(ctx: BenchContext, kind: EngineKind): string {
  if (kind !== 'berth-baseline') return kind;
  if (!ctx.options.baseline) throw new BenchError('the baseline engine needs BENCH_BASELINE_REF', 'ERR_BASELINE');
  return baselineLabel(ctx.options.baseline);
}

export interface Engine {
  kind: EngineKind;
  /** the network namespace its containers and registries live in */
  netns: string;
  /** Engine API socket, for engines that have a daemon (berth, dockerd) */
  socket?: string;
  /** how the report shows `<cli> <args>` */
  display(args: string[]): string;
  /** run the CLI once; throws with the output when it exits non-zero */
  cli(args: string[], timeoutMs?: number, env?: NodeJS.ProcessEnv): Promise<TimedResult>;
  /** same, without failing on a non-zero exit */
  cliRaw(args: string[], timeoutMs?: number, env?: NodeJS.ProcessEnv): Promise<TimedResult>;
  /** the PIDs whose memory is the engine's idle cost (daemons; empty for daemonless podman) */
  daemonPids(): number[];
}

export function engine(ctx: BenchContext, kind: EngineKind): Promise<Engine> {
  switch (kind) {
    case 'berth':
    case 'berth-baseline':
      return ctx.shared(`engine:${kind}`, async () => {
        const b = await ctx.berth(kind === 'berth' ? 'current' : 'baseline');
        return {
          kind, netns: b.daemon.netns, socket: b.daemon.socket,
          display: (args) => `${b.build.label} ${args.join(' ')}`,
          cli: (args, t, env) => b.cli(args, t, env),
          cliRaw: (args, t, env) => b.cliRaw(args, t, env),
          daemonPids: () => [b.daemon.pid],
        } satisfies Engine;
      });
    case 'docker': return ctx.shared('engine:docker', () => startDockerd(ctx));
    case 'podman': return ctx.shared('engine:podman', () => startPodman(ctx));
  }
}

/**
 * The engines a case runs: berth always (and right after it the baseline build, when
 * BENCH_BASELINE_REF is set), peers when selected and available.
 */
export function enginesFor(ctx: BenchContext, kinds: EngineKind[] = ['berth', 'docker', 'podman']): EngineKind[] {
  return kinds.flatMap((k): EngineKind[] => {
    if (k === 'berth') return ctx.options.baseline ? ['berth', 'berth-baseline'] : ['berth'];
    if (k === 'berth-baseline') return [];
    return peerAvailable(ctx, k) ? [k] : [];
  });
}

export { startBerth };
