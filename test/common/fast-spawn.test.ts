import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSync, closeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { exitCodeOf, fastRun, fastSpawn } from '../../src/common/fast-spawn.js';
import { run } from '../../src/common/exec.js';

test('wait statuses: an exit code, or 128 for a signal (as run() reports one)', () => {
  assert.equal(exitCodeOf(0), 0);
  assert.equal(exitCodeOf(3 << 8), 3);
  assert.equal(exitCodeOf(9), 128);
});

test('posix_spawn runs a helper: input, output, exit code, signals, a missing program, a timeout', async () => {
  const r = await fastRun('sh', ['-c', 'cat; echo oops >&2; exit 3'], { input: 'hello\n' });
  assert.deepEqual(r, { code: 3, stdout: 'hello\n', stderr: 'oops\n' });
  assert.equal((await fastRun('sh', ['-c', 'kill -9 $$'])!).code, 128);
  await assert.rejects(fastRun('berth-no-such-program', [])!, /cannot run berth-no-such-program: spawn berth-no-such-program ENOENT/);
  const t0 = Date.now();
  assert.equal((await fastRun('sleep', ['30'], { timeoutMs: 200 })!).code, 128);
  assert.ok(Date.now() - t0 < 10_000, 'killed at the timeout');
  const big = 'x'.repeat(200_000); // more than a socket buffer: written as the child reads
  assert.equal((await fastRun('wc', ['-c'], { input: big })!).stdout.trim(), '200000');
  assert.equal(fastRun('true', [], { cwd: '/' }), null, 'a working directory takes child_process');
  assert.equal((await run('sh', ['-c', 'echo $BERTH_T'], { env: { BERTH_T: 'env passed' } })).stdout, 'env passed\n');
});

test('the child starts clean: default signal dispositions, nothing blocked, only its own fds', async () => {
  const leak = openSync('/proc/self/status', 'r'); // an fd of ours without close-on-exec would be inherited
  try {
    const r = await fastRun('sh', ['-c', 'grep -E "^Sig(Ign|Blk)" /proc/self/status; ls /proc/self/fd'])!;
    assert.match(r.stdout, /SigIgn:\s+0+\n/, 'Node ignores SIGPIPE; the child must not');
    assert.match(r.stdout, /SigBlk:\s+0+\n/);
    const fds = r.stdout.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    assert.ok(fds.every((fd) => fd <= 3), `only stdio (and ls's own directory): ${fds}`);
  } finally {
    closeSync(leak);
  }
});

test('fastSpawn: a session of its own, /dev/null for ignored fds, extra socket pairs', async () => {
  const child = fastSpawn('sh', ['-c', 'ps -o pid=,sid= -p $$; readlink /proc/self/fd/0; echo on-fd-3 >&3'], { stdio: ['ignore', 'pipe', 'ignore', 'pipe'], setsid: true })!;
  assert.ok(child);
  const read = (s: Socket) => new Promise<string>((resolve) => { let t = ''; s.setEncoding('utf8'); s.on('data', (d) => { t += d; }); s.on('close', () => resolve(t)); });
  const [out, fd3, code] = await Promise.all([read(child.stdio[1]!), read(child.stdio[3]!), child.exited]);
  assert.equal(code, 0);
  const [pid, sid] = out.trim().split('\n')[0].trim().split(/\s+/).map(Number);
  assert.equal(pid, sid, 'setsid');
  assert.equal(out.trim().split('\n')[1], '/dev/null');
  assert.equal(fd3, 'on-fd-3\n');
});
