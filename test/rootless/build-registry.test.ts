/**
 * Rootless build and registry transfer as a real unprivileged user: a Dockerfile whose RUN steps chown
 * files to other users (subordinate ids), pushed to berth's registry and pulled back. The registry runs
 * on loopback inside the rootless daemon's network namespace (reachable whatever connects that namespace
 * to the host).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_BIN, cleanEnv } from '../helpers/daemon.js';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

let u: RootlessUser;
let registry: ChildProcess | undefined;
let regRoot = '';
const ADDR = '127.0.0.1:5000';

before(async () => {
  u = await createRootlessUser();
  await u.startDaemon();
  regRoot = mkdtempSync('/tmp/berth-rl-reg-');
  const net = `--net=/proc/${u.holderPid()}/ns/net`;
  registry = spawn('nsenter', [net, BERTH_BIN, 'registry', 'serve', '--root', regRoot, '--addr', ADDR], { stdio: 'ignore', env: cleanEnv() });
  for (let i = 0; i < 300; i++) {
    if (spawnSync('nsenter', [net, 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/5000'], { timeout: 5000 }).status === 0) return;
    if (registry.exitCode !== null) throw new Error('berth registry serve exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('berth registry serve did not listen');
});

after(async () => {
  if (registry && registry.exitCode === null) registry.kill('SIGKILL');
  await u?.cleanup();
  if (regRoot) rmSync(regRoot, { recursive: true, force: true });
});

test('build with RUN steps that own files as other users, push to and pull from a registry', async () => {
  const ctx = await u.mkdir('app');
  const df = 'FROM busybox\nRUN mkdir /srv && echo built > /srv/f && chown 1000:1000 /srv/f\nRUN echo app:x:2000:2000::/:/bin/sh >> /etc/passwd\nUSER app\nCMD ["sh", "-c", "id -u; stat -c %u /srv/f; cat /srv/f"]\n';
  const w = await u.run('sh', ['-c', `cat > ${ctx}/Dockerfile`], { input: df });
  assert.equal(w.code, 0, w.stderr);
  await u.ok(['build', '-q', '-t', `${ADDR}/rl/app:1`, ctx], { timeoutMs: 120_000 });
  assert.equal(await u.ok(['run', '--rm', '--network', 'none', `${ADDR}/rl/app:1`]), '2000\n1000\nbuilt\n');
  await u.ok(['push', `${ADDR}/rl/app:1`], { timeoutMs: 120_000 });
  await u.ok(['rmi', `${ADDR}/rl/app:1`]);
  await u.ok(['pull', `${ADDR}/rl/app:1`], { timeoutMs: 120_000 });
  assert.equal(await u.ok(['run', '--rm', '--network', 'none', `${ADDR}/rl/app:1`]), '2000\n1000\nbuilt\n');
  // on the host the layer's file belongs to the subordinate id of container uid 1000
  const layerFile = spawnSync('find', [join(u.home, '.local/share/berth/snapshots/l'), '-path', '*/srv/f'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  assert.ok(layerFile, 'the layer holds /srv/f');
  const st = spawnSync('stat', ['-c', '%u', layerFile], { encoding: 'utf8' }).stdout.trim();
  assert.equal(Number(st), u.subuid.start + 999);
});
