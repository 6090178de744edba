/**
 * Secrets in containers of other shapes: a non-root user reading its own 0400 secret and not root's,
 * a read-only rootfs, a user tmpfs at /run under the secrets, and a private user namespace
 * (--userns=auto: the files belong to the mapped ids, the container sees the ids it asked for).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

const work = mkdtempSync('/tmp/bt-secret-shapes-');
const subuid = join(work, 'subuid');
const subgid = join(work, 'subgid');
writeFileSync(subuid, '');
writeFileSync(subgid, '');
// the daemon's own subordinate-id files, so the host's /etc/subuid is left alone
process.env.BERTH_SUBUID_FILE = subuid;
process.env.BERTH_SUBGID_FILE = subgid;

let d: TestDaemon;
before(async () => {
  d = await startDaemon();
  chmodSync(dirname(d.root), 0o711); // a user-namespaced root passes through the helper's private dir
  await d.ok(['secret', 'create', 'shaped', '-'], { input: 'shaped-value' });
});
after(async () => {
  await d?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

test('a non-root user reads the secret given to it, not one that is root\'s only', async () => {
  const out = await d.ok(['run', '--rm', '--user', '1000:1000', '--secret', 'source=shaped,target=mine,uid=1000,gid=1000,mode=0400',
    '--secret', 'source=shaped,target=roots,mode=0400', 'busybox', 'sh', '-c', 'cat /run/secrets/mine; echo; cat /run/secrets/roots 2>&1 || echo denied']);
  assert.match(out, /^shaped-value\n/);
  assert.match(out, /denied\n$/);
});

test('a read-only rootfs and a tmpfs at /run keep the secrets', async () => {
  const ro = await d.ok(['run', '--rm', '--read-only', '--secret', 'shaped', 'busybox', 'cat', '/run/secrets/shaped']);
  assert.equal(ro, 'shaped-value');
  const run = await d.ok(['run', '--rm', '--tmpfs', '/run', '--secret', 'shaped', 'busybox', 'sh', '-c', 'cat /run/secrets/shaped; echo; touch /run/other && echo writable']);
  assert.equal(run, 'shaped-value\nwritable\n');
});

test('--userns=auto: the files are owned by the mapped ids on the host, by the asked ones inside', async () => {
  const id = (await d.ok(['run', '-d', '--userns=auto', '--secret', 'source=shaped,uid=1000,gid=1000,mode=0440', 'busybox', 'sleep', '300'])).trim();
  const inside = await d.ok(['exec', id, 'sh', '-c', 'stat -c "%u:%g %a" /run/secrets/shaped; cat /run/secrets/shaped']);
  assert.equal(inside, '1000:1000 440\nshaped-value');
  const st = statSync(join(d.runRoot, 'secrets', id, 'run', 'shaped'));
  assert.ok(st.uid > 1000 && st.uid !== 0, `host uid ${st.uid} is a mapped one`);
  await d.ok(['rm', '-f', id]);
});
