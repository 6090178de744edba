/**
 * What the cases need from an engine with a Docker-like CLI (berth, dockerd via the docker CLI,
 * podman): run its CLI once, timed, inside the namespace the engine lives in.
 */
import type { TimedResult } from '../lib/proc.js';
import type { BenchContext } from '../lib/context.js';
import { startBerth } from './berth.js';
import { startDockerd } from './dockerd.js';
import { startPodman } from './podman.js';
import { peerAvailable } from './availability.js';

export type EngineKind = 'berth' | 'docker' | 'podman';

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
      return ctx.shared('engine:berth', async () => {
        const b = await ctx.berth();
        return {
          kind, netns: b.daemon.netns, socket: b.daemon.socket,
          display: (args) => `berth ${args.join(' ')}`,
          cli: (args, t) => b.cli(args, t),
          cliRaw: (args, t) => b.cliRaw(args, t),
          daemonPids: () => [b.daemon.pid],
        } satisfies Engine;
      });
    case 'docker': return ctx.shared('engine:docker', () => startDockerd(ctx));
    case 'podman': return ctx.shared('engine:podman', () => startPodman(ctx));
  }
}

/** The engines a case runs: berth always, peers when selected and available. */
export function enginesFor(ctx: BenchContext, kinds: EngineKind[] = ['berth', 'docker', 'podman']): EngineKind[] {
  return kinds.filter((k) => k === 'berth' || peerAvailable(ctx, k));
}

export { startBerth };
