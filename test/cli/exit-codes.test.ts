/**
 * The CLI's exit statuses and Docker's wording against a live `berth serve`, now that they come from
 * the daemon's error codes: 125 for run/create failures, 126/127 for a command that cannot be run,
 * 1 for other commands' daemon errors, the container's own status.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;

before(async () => {
  d = await startDaemon();
  assert.equal((await d.api('POST', '/images/create?fromImage=busybox&tag=latest')).status, 200);
});

after(async () => { await d?.cleanup(); });

const NONET = ['--network', 'none'];

test('run: 127 for a command not found, 126 for one that cannot be run, the container\'s status otherwise', async () => {
  const missing = await d.berth(['run', '--rm', ...NONET, 'busybox', '/no/such/cmd']);
  assert.equal(missing.code, 127, missing.stderr);
  assert.match(missing.stderr, /Error response from daemon: .*no such file or directory/);
  const denied = await d.berth(['run', '--rm', ...NONET, 'busybox', '/etc/passwd']);
  assert.equal(denied.code, 126, denied.stderr);
  assert.match(denied.stderr, /permission denied/);
  const three = await d.berth(['run', '--rm', ...NONET, 'busybox', 'sh', '-c', 'exit 3']);
  assert.equal(three.code, 3, three.stderr);
});

test('run/create: the daemon\'s refusals exit 125 with Docker\'s words', async () => {
  const never = await d.berth(['run', '--rm', '--pull', 'never', ...NONET, 'nosuch:1']);
  assert.equal(never.code, 125);
  assert.match(never.stderr, /Error response from daemon: No such image: nosuch:1/);
  assert.doesNotMatch(never.stderr, /Unable to find image/);
  const first = await d.berth(['create', '--name', 'dup', ...NONET, 'busybox']);
  assert.equal(first.code, 0, first.stderr);
  const again = await d.berth(['create', '--name', 'dup', ...NONET, 'busybox']);
  assert.equal(again.code, 125);
  assert.match(again.stderr, /Error response from daemon: Conflict\. The container name "\/dup" is already in use/);
});

test('run of a missing image: "Unable to find image" then the pull (which fails here: no registry)', async () => {
  const r = await d.berth(['run', '--rm', ...NONET, 'nosuch-local-image:1'], { timeoutMs: 120_000 });
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^Unable to find image 'nosuch-local-image:1' locally\n/);
});

test('other commands: a daemon error exits 1; network rm -f is quiet about a missing network', async () => {
  const start = await d.berth(['start', 'nope']);
  assert.equal(start.code, 1);
  assert.equal(start.stderr, 'Error response from daemon: No such container: nope\n');
  const rm = await d.berth(['rm', 'nope']);
  assert.equal(rm.code, 1);
  assert.match(rm.stderr, /No such container: nope/);
  const netRm = await d.berth(['network', 'rm', 'nonet']);
  assert.equal(netRm.code, 1);
  assert.match(netRm.stderr, /Error response from daemon: network nonet not found/);
  const forced = await d.berth(['network', 'rm', '-f', 'nonet']);
  assert.equal(forced.code, 0, forced.stderr);
  const inspect = await d.berth(['inspect', 'nope']);
  assert.equal(inspect.code, 1);
  assert.match(inspect.stderr, /Error: No such object: nope/);
});
