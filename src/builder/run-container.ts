/**
 * A RUN step as a real container: a runtime Task over the step's snapshot (mounted by the task),
 * the OCI spec built once the rootfs is there, started under conmon with crun/runc, waited for
 * and deleted again. Output is streamed line by line from conmon's log while the command runs.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomId } from '../common/digest.js';
import { SystemError } from '../common/errors.js';
import type { EnginePaths } from '../common/paths.js';
import {
  buildSpec, LogFollower, resolveUser, Task, type OciRuntime, type TaskExit, type TaskRootfs,
} from '../runtime/index.js';
import { resolveInRoot } from '../runtime/resolve-in-root.js';
import { ensureWorkingDir } from '../container/spec-input.js';
import type { PreparedMounts } from './run-mounts.js';

export interface RunInput {
  /** the step's rootfs: where it is and how to mount it */
  rootfs: TaskRootfs;
  args: string[];
  env: string[];
  cwd: string;
  user?: string;
  network: 'none' | 'host';
  /** the RUN --mount mounts: prepared once the rootfs is mounted, released before it is unmounted */
  mounts: Pick<PreparedMounts, 'prepare' | 'release'>;
  onOutput(line: string): void;
}

const MAX_RUN_MS = 6 * 60 * 60 * 1000;
const LAST_LINES = 10;

export async function runInContainer(paths: EnginePaths, runtime: OciRuntime, input: RunInput): Promise<{ exitCode: number; lastLines: string[] }> {
  const id = 'build-' + randomId().slice(0, 24);
  const bundle = join(paths.tmp, id);
  const monitorDir = join(paths.conmonDir, 'b' + id.slice(6, 17));
  mkdirSync(bundle, { recursive: true, mode: 0o700 });
  const lastLines: string[] = [];
  let partial = '';
  const emit = (line: string) => {
    input.onOutput(line);
    lastLines.push(line);
    if (lastLines.length > LAST_LINES) lastLines.shift();
  };
  // conmon splits long lines into partial records: a line is complete with its full record
  const follower = new LogFollower(join(bundle, 'log'), (rec) => {
    partial += rec.data.toString();
    if (rec.partial) return;
    for (const line of partial.replace(/\n$/, '').split('\n')) emit(line);
    partial = '';
  });
  let task: Task | undefined;
  try {
    task = await Task.create({
      id, runtime, bundle, monitorDir, rootfs: input.rootfs, logPath: join(bundle, 'log'),
      spec: async (rootfs) => {
        // first: it notes which mount points the rootfs lacks (to remove them again), before the working dir is made
        const mounts = await input.mounts.prepare(rootfs);
        const user = resolveUser(rootfs, input.user || undefined);
        ensureWorkingDir(resolveInRoot(rootfs, input.cwd), user.uid, user.gid);
        return buildSpec({
          id, rootfs, args: input.args, env: input.env, cwd: input.cwd,
          user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
          hostname: 'buildkitsandbox', networkMode: input.network, mounts, seccomp: 'default',
        }).spec;
      },
    });
    follower.start();
    await task.start();
    const exit = await waitBounded(task, MAX_RUN_MS);
    follower.flush();
    if (partial !== '') emit(partial);
    return { exitCode: exit.exitCode, lastLines };
  } finally {
    follower.close();
    try {
      // what the runtime made for the mount points must not land in the layer: while the rootfs is mounted
      await input.mounts.release();
    } finally {
      await task?.delete().catch(() => undefined);
      rmSync(monitorDir, { recursive: true, force: true });
      rmSync(bundle, { recursive: true, force: true });
    }
  }
}

/** The task's exit, or a kill and an error when it runs longer than maxMs. */
async function waitBounded(task: Task, maxMs: number): Promise<TaskExit> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), maxMs); });
  try {
    const exit = await Promise.race([task.wait(), overrun]);
    if (exit) return exit;
    await task.kill('KILL', true).catch(() => undefined);
    throw new SystemError('RUN step exceeded the maximum run time', 'ERR_BUILD_TIMEOUT');
  } finally {
    clearTimeout(timer);
  }
}
