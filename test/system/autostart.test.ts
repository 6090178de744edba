/** The CLI starts `berth serve` itself when no daemon answers; SIGTERM stops it cleanly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BERTH_BIN, mountsUnder } from '../helpers/daemon.js';

test('berth run starts the daemon when none answers, with a pid file and a 0660 socket', async (t) => {
  const base = mkdtempSync('/tmp/bt-auto-');
  const netns = `berth-test-${randomBytes(4).toString('hex')}`;
  assert.equal(spawnSync('ip', ['netns', 'add', netns]).status, 0);
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_ROOT: join(base, 'root'), BERTH_RUN_ROOT: join(base, 'run'), BERTH_FIX_CGROUPS: '1', BERTH_CONFIG: '/dev/null' };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.DOCKER_HOST;
  delete env.BERTH_HOST;
  delete env.BERTH_NO_AUTOSTART;
  delete env.NODE_TEST_CONTEXT;
  const pidFile = join(base, 'run', 'berth.pid');
  t.after(() => {
    if (existsSync(pidFile)) { try { process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); } catch { /* gone */ } }
    for (const m of mountsUnder(base).sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
    spawnSync('ip', ['netns', 'del', netns]);
    rmSync(base, { recursive: true, force: true });
  });
  const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const c = spawn('nsenter', [`--net=/run/netns/${netns}`, BERTH_BIN, 'run', '--rm', 'busybox', 'echo', 'autostarted'], { env });
    let out = ''; let err = '';
    c.stdout.on('data', (x) => { out += x; });
    c.stderr.on('data', (x) => { err += x; });
    const timer = setTimeout(() => c.kill('SIGKILL'), 60_000);
    c.on('close', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
  assert.equal(r.out, 'autostarted\n', r.err);
  assert.equal(r.code, 0);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pid > 0);
  const sock = join(base, 'run', 'berth.sock');
  assert.equal(statSync(sock).mode & 0o777, 0o660);
  process.kill(pid, 'SIGTERM');
  const end = Date.now() + 15_000;
  while (Date.now() < end && existsSync(pidFile)) await new Promise((res) => setTimeout(res, 50));
  assert.ok(!existsSync(pidFile), 'pid file removed on SIGTERM');
  assert.ok(!existsSync(sock), 'socket removed on SIGTERM');
});
