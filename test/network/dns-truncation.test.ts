/**
 * The embedded DNS's UDP/TCP split: an answer over 512 bytes comes back truncated over UDP and
 * whole over TCP. The resolver runs in a child process inside a network namespace this test creates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

test('a long answer is truncated over UDP and complete over TCP', (t) => {
  const ns = `berth-dnst-${randomBytes(4).toString('hex')}`;
  assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0);
  t.after(() => { spawnSync('ip', ['netns', 'del', ns]); });
  spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // the probe is a plain program, not a test runner child
  const r = spawnSync('nsenter', [`--net=/run/netns/${ns}`, process.execPath, '--import', 'tsx', 'test/network/fixtures/dns-truncation-probe.ts'],
    { cwd: REPO, encoding: 'utf8', timeout: 30_000, env });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.udp, { truncated: true, answers: 0 });
  assert.equal(out.tcp.truncated, false);
  assert.deepEqual(out.tcp.answers, Array.from({ length: 40 }, (_v, i) => `10.9.0.${i + 2}`));
});
