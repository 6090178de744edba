/**
 * Rootless mode: `run --rm --network none busybox true` by a rootless berth (a user made for the run, as
 * the tests do) against rootful berth, and against rootless Podman run by the same user with its own
 * storage directories. Each rootless iteration is spawned through `unshare --mount` + `setpriv` (the
 * test helper's way of becoming the user), so it carries a few milliseconds the rootful one does not.
 */
import { performance } from 'node:perf_hooks';
import { SystemError } from '../../src/common/errors.js';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { peerAvailable } from '../peers/availability.js';
import { createRootlessUser, type RootlessUser } from '../../test/helpers/rootless-user.js';
import { cliTool } from './engine-tool.js';

const RUN = ['run', '--rm', '--network', 'none', 'busybox', 'true'];

/** One rootless user (and its daemon) for the whole case, removed after the last tool. */
function rootlessUser(ctx: BenchContext): Promise<RootlessUser> {
  return ctx.shared('rootless:user', async () => {
    const u = await createRootlessUser();
    await u.startDaemon();
    await u.ok(['run', '--rm', '--network', 'none', 'busybox', 'true'], { timeoutMs: 120_000 }); // busybox made, untimed
    return u;
  });
}

let users = 0;
async function release(ctx: BenchContext): Promise<void> {
  if (--users > 0) return;
  const u = await rootlessUser(ctx);
  await u.cleanup();
}

function timed(run: () => Promise<{ code: number; stderr: string }>, what: string): Promise<number> {
  const t0 = performance.now();
  return run().then((r) => {
    if (r.code !== 0) throw new SystemError(`${what} exited ${r.code}: ${r.stderr.slice(-500)}`, 'ERR_BENCH');
    return performance.now() - t0;
  });
}

function rootlessBerthTool(ctx: BenchContext): Tool {
  let u: RootlessUser | undefined;
  return {
    name: 'berth rootless', role: 'berth', command: `berth ${RUN.join(' ')}  (as an unprivileged user)`,
    async setup() { users++; u = await rootlessUser(ctx); },
    run: () => timed(() => u!.berth(RUN), 'rootless berth run'),
    async teardown() { await release(ctx); },
  };
}

function rootlessPodmanTool(ctx: BenchContext): Tool {
  let u: RootlessUser | undefined;
  let args: string[] = [];
  return {
    name: 'podman rootless', role: 'peer', command: `podman ${RUN.join(' ')}  (as the same user, its own --root)`,
    async setup() {
      users++;
      u = await rootlessUser(ctx);
      const base = ['--root', `${u.home}/.bench-podman/storage`, '--runroot', `${u.runtimeDir}/bench-podman`, '--cgroup-manager', 'cgroupfs', '--events-backend', 'file'];
      const tar = `${u.home}/busybox.tar`;
      await u.ok(['save', '-o', tar, 'busybox'], { timeoutMs: 120_000 });
      const load = await u.run('podman', [...base, 'load', '-i', tar], { timeoutMs: 120_000 });
      if (load.code !== 0) throw new SystemError(`podman load (rootless): ${load.stderr}`, 'ERR_BENCH');
      args = [...base, 'run', '--rm', '--network', 'none', 'docker.io/library/busybox', 'true'];
      const probe = await u.run('podman', args, { timeoutMs: 120_000 });
      if (probe.code !== 0) throw new SystemError(`rootless podman cannot run here: ${probe.stderr.slice(-500)}`, 'ERR_BENCH');
    },
    run: () => timed(() => u!.run('podman', args), 'rootless podman run'),
    async teardown() { await release(ctx); },
  };
}

export const rootlessRunTrueCase: Case = {
  name: 'run --rm true, rootless',
  description: '`run --rm --network none busybox true` from a fresh CLI process: berth run by an unprivileged user (user namespace from /etc/subuid, overlayfs with userxattr) against rootful berth and rootless Podman.',
  goal: 'rootless berth within 1.5x of rootful berth; faster than rootless Podman',
  tools: (ctx) => [
    cliTool(ctx, 'berth', RUN, (l) => `${l} rootful`),
    rootlessBerthTool(ctx),
    ...(peerAvailable(ctx, 'podman') ? [rootlessPodmanTool(ctx)] : []),
  ],
};

export const ROOTLESS_CASES: Case[] = [rootlessRunTrueCase];
