/**
 * Docker as a peer: Debian's dockerd with a containerd of its own (own root, state and socket), both
 * inside the benchmark's network namespace, so docker0 and its iptables rules exist only there.
 * Started and cleaned up by the tests' helper (test/helpers/dockerd.ts: roots under the work
 * directory, own cgroup parent, shims and mounts removed, /etc/docker/key.json quirk). Driven by the
 * same docker CLI a user has (/usr/local/bin/docker). busybox comes from berth's `berth save`.
 */
import { join } from 'node:path';
import { startDockerd as startTestDockerd } from '../../test/helpers/dockerd.js';
import type { BenchContext } from '../lib/context.js';
import { benchEnv, timedSpawn, timedSpawnOk } from '../lib/proc.js';
import { DOCKER_CLI } from './availability.js';
import type { Engine } from './engine.js';
import { busyboxArchive } from './images.js';

export async function startDockerd(ctx: BenchContext): Promise<Engine> {
  const netns = ctx.netns();
  const dir = join(ctx.workDir, 'docker');
  ctx.log('starting containerd and dockerd (own roots, benchmark netns)');
  const d = await startTestDockerd({ dir, netns, cgroupPrefix: 'berth-bench-docker-' });
  ctx.onCleanup('stop dockerd and containerd', () => d.cleanup());

  const socket = d.socket;
  const env = benchEnv({ DOCKER_CONFIG: join(dir, 'client-config') });
  const command = (args: string[]): [string, string[]] => ['nsenter', [`--net=/run/netns/${netns}`, DOCKER_CLI, '-H', `unix://${socket}`, ...args]];
  const e: Engine = {
    kind: 'docker', netns, socket,
    display: (args) => `docker ${args.join(' ')}`,
    cli: (args, t = ctx.options.runTimeoutMs, extra) => timedSpawnOk(...command(args), { timeoutMs: t, env: { ...env, ...extra } }),
    cliRaw: (args, t = ctx.options.runTimeoutMs, extra) => timedSpawn(...command(args), { timeoutMs: t, env: { ...env, ...extra } }),
    daemonPids: () => [d.pids.dockerd, d.pids.containerd],
  };
  await e.cli(['load', '-i', await busyboxArchive(ctx)], 120_000);
  return e;
}
