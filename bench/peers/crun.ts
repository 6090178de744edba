/** Bare crun as a peer: `crun --root <tmp> run --bundle <dir> <id>` in the benchmark's namespace. */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SystemError } from '../../src/common/errors.js';
import { prepareHostForCrun } from '../../src/runtime/cgroups.js';
import type { BenchContext } from '../lib/context.js';
import { inNetns } from '../lib/netns.js';
import { timedSpawnOk } from '../lib/proc.js';
import type { Tool } from '../lib/types.js';
import { buildBusyboxBundle } from './crun-bundle.js';

/** Remove whatever containers are left under a crun state root. */
export function deleteAllUnder(runtime: string, root: string): void {
  let ids: string[] = [];
  try { ids = readdirSync(root); } catch { return; }
  for (const id of ids) spawnSync(runtime, ['--root', root, 'delete', '-f', id]);
}

export function crunRunTool(ctx: BenchContext, opts: { name: string; args: string[] }): Tool {
  const dir = join(ctx.workDir, `crun-${opts.args.join('-').replace(/[^a-z0-9-]/gi, '')}`);
  const bundle = join(dir, 'bundle');
  const stateRoot = join(dir, 'state');
  let netns = '';
  let seq = 0;
  return {
    name: opts.name,
    role: 'peer',
    command: `crun --root <tmp> run --bundle <dir> <id>   (process.args ${JSON.stringify(opts.args)})`,
    async setup() {
      // crun refuses hybrid cgroup hosts until a v1 hugetlb hierarchy exists (HOST-NOTES #1); the berth
      // daemon (--fix-cgroups) applies the same fix, and it is idempotent, so a crun-only run works too.
      const prep = await prepareHostForCrun({ allowFix: true });
      if (!prep.ok) throw new SystemError(`crun cannot run here: ${prep.message}`, 'ERR_CGROUPS');
      mkdirSync(bundle, { recursive: true });
      mkdirSync(stateRoot, { recursive: true });
      // also on the context's stack, so an interrupted benchmark leaves no container behind
      ctx.onCleanup(`crun delete -f under ${stateRoot}`, () => deleteAllUnder('crun', stateRoot));
      await buildBusyboxBundle(bundle, opts.args);
      netns = ctx.netns();
    },
    async run() {
      const id = `bench-${process.pid}-${seq++}`;
      return (await timedSpawnOk(...inNetns(netns, 'crun', ['--root', stateRoot, 'run', '--bundle', bundle, id]), { timeoutMs: ctx.options.runTimeoutMs })).ms;
    },
    async teardown() { deleteAllUnder('crun', stateRoot); },
  };
}
