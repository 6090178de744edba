/**
 * A RUN step as a real container: the OCI spec over an already mounted rootfs,
 * started under conmon with crun/runc, waited for, and removed again. Output is
 * streamed line by line from conmon's log while the command runs.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomId } from '../common/digest.js';
import { SystemError } from '../common/errors.js';
import type { EnginePaths } from '../common/paths.js';
import {
  buildSpec, readExitFile, readLogFile, resolveUser, startContainerMonitor, writeBundle,
  type OciRuntime, type SpecMount,
} from '../runtime/index.js';
import { resolveInRoot } from '../runtime/resolve-in-root.js';
import { ensureWorkingDir } from '../container/spec-input.js';

export interface RunInput {
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  user?: string;
  network: 'none' | 'host';
  mounts: SpecMount[];
  onOutput(line: string): void;
}

const POLL_MS = 100;
const MAX_RUN_MS = 6 * 60 * 60 * 1000;

export async function runInContainer(paths: EnginePaths, runtime: OciRuntime, input: RunInput): Promise<{ exitCode: number; lastLines: string[] }> {
  const id = 'build-' + randomId().slice(0, 24);
  const bundle = join(paths.tmp, id);
  const monDir = join(paths.conmonDir, 'b' + id.slice(6, 17));
  mkdirSync(bundle, { recursive: true, mode: 0o700 });
  const lastLines: string[] = [];
  let seen = 0;
  let partial = '';
  const logPath = join(bundle, 'log');
  const drain = (): void => {
    let entries: ReturnType<typeof readLogFile> = [];
    try { entries = readLogFile(logPath); } catch { return; }
    for (; seen < entries.length; seen++) {
      const e = entries[seen];
      partial += e.data.toString();
      if (e.partial) continue;
      for (const line of partial.replace(/\n$/, '').split('\n')) {
        input.onOutput(line);
        lastLines.push(line);
        if (lastLines.length > 10) lastLines.shift();
      }
      partial = '';
    }
  };
  try {
    const user = resolveUser(input.rootfs, input.user || undefined);
    ensureWorkingDir(resolveInRoot(input.rootfs, input.cwd), user.uid, user.gid);
    const { spec } = buildSpec({
      id, rootfs: input.rootfs, args: input.args, env: input.env, cwd: input.cwd,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      hostname: 'buildkitsandbox', networkMode: input.network, mounts: input.mounts, seccomp: 'default',
    });
    await writeBundle(bundle, spec);
    const mon = await startContainerMonitor({ id, bundle, runtime: runtime.info, dir: monDir, logPath });
    await runtime.start(id);
    const deadline = Date.now() + MAX_RUN_MS;
    let code: number | null = null;
    while (code === null) {
      if (Date.now() > deadline) {
        await runtime.kill(id, 'KILL', true).catch(() => undefined);
        throw new SystemError('RUN step exceeded the maximum run time', 'ERR_BUILD_TIMEOUT');
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
      drain();
      code = readExitFile(mon.paths.exitFile);
    }
    drain();
    if (partial !== '') { input.onOutput(partial); lastLines.push(partial); }
    return { exitCode: code, lastLines };
  } finally {
    await runtime.delete(id, true).catch(() => undefined);
    rmSync(monDir, { recursive: true, force: true });
    rmSync(bundle, { recursive: true, force: true });
  }
}
