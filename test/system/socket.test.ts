/** The API socket: mode 0660, owned by the group `--group` names, and an unknown group is refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, mkdtempSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startDaemon, cleanEnv, CLI_MAIN } from '../helpers/daemon.js';

test('--group gives the socket to that group, mode 0660', async (t) => {
  const d = await startDaemon({ extraArgs: ['--group', 'daemon'] });
  t.after(() => d.cleanup());
  const st = statSync(d.socket);
  assert.equal(st.mode & 0o777, 0o660);
  assert.equal(st.uid, 0);
  assert.equal(st.gid, 1, 'group daemon (gid 1 on Debian)');
  assert.equal((await d.api('GET', '/_ping')).status, 200);
});

test('an unknown --group is a clear start-up error and leaves no socket, pid file or state', async () => {
  const base = mkdtempSync('/tmp/bt-grp-');
  const netns = `berth-test-${randomBytes(4).toString('hex')}`;
  assert.equal(spawnSync('ip', ['netns', 'add', netns]).status, 0);
  try {
    const r = spawnSync('nsenter', [`--net=/run/netns/${netns}`, process.execPath, CLI_MAIN, 'serve', '-H', `unix://${base}/run/berth.sock`,
      '--root', join(base, 'root'), '--run-root', join(base, 'run'), '--config-file', '/dev/null', '--group', 'no-such-group-here'],
    { encoding: 'utf8', env: cleanEnv(), timeout: 30_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /group no-such-group-here not found/);
    assert.ok(!existsSync(join(base, 'run', 'berth.sock')), 'no socket');
    assert.ok(!existsSync(join(base, 'run', 'berth.pid')), 'no pid file');
    assert.ok(!existsSync(join(base, 'root', 'berth.db')), 'no state opened');
  } finally {
    spawnSync('ip', ['netns', 'del', netns]);
    rmSync(base, { recursive: true, force: true });
  }
});
