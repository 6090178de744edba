/**
 * Library programs run as separate Node processes (so `import … from 'berth'` goes through
 * package.json's `exports` to dist/), each in a network namespace of its own with a registry
 * serving a busybox image at 127.0.0.1:5000.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BERTH_BIN, REPO, cleanEnv, mountsUnder, waitFor } from '../helpers/daemon.js';
import { buildImage, publish } from '../registry/publish.js';
import { busyboxRootfsEntries } from '../../src/image/bootstrap.js';

export const REGISTRY = '127.0.0.1:5000';

export interface LibrarySandbox {
  tmp: string;
  /** run a .mts program (inside the repository) with Node in the namespace */
  run(file: string, env?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  close(): void;
}

export async function librarySandbox(): Promise<LibrarySandbox> {
  assert.ok(existsSync(join(REPO, 'dist', 'index.js')), 'dist/index.js is built (npm run build)');
  const tmp = mkdtempSync('/tmp/berth-lib-');
  await publish(join(tmp, 'reg'), [{ repo: 'library/busybox', tag: 'latest', images: [await buildImage({ files: await busyboxRootfsEntries(), cmd: ['sh'] })] }]);
  const netns = `berth-lib-${randomBytes(4).toString('hex')}`;
  assert.equal(spawnSync('ip', ['netns', 'add', netns]).status, 0, 'ip netns add');
  spawnSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  const inNetns = (args: string[]) => [`--net=/run/netns/${netns}`, ...args];
  const reg: ChildProcess = spawn('nsenter', inNetns([BERTH_BIN, 'registry', 'serve', '--root', join(tmp, 'reg'), '--addr', REGISTRY]), { stdio: 'ignore', env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }) });
  await waitFor(() => spawnSync('nsenter', inNetns(['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/5000'])).status === 0, 30_000, 'the registry to listen');
  return {
    tmp,
    async run(file, env = {}, timeoutMs = 180_000) {
      const child = spawn('nsenter', inNetns([process.execPath, file]), {
        cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv({ REGISTRY, BERTH_NO_AUTOSTART: '1', ...env }),
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (c) => { stdout += c; });
      child.stderr!.on('data', (c) => { stderr += c; });
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('close', (c) => { clearTimeout(timer); resolve(c); });
      });
      return { code, stdout, stderr };
    },
    close() {
      try { reg.kill('SIGKILL'); } catch { /* gone */ }
      spawnSync('ip', ['netns', 'del', netns]);
      for (const m of mountsUnder(tmp).sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
