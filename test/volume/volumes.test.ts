/** Volumes against a real daemon (in its own network namespace): data that outlives containers. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let tmp: string;
before(async () => { d = await startDaemon(); tmp = mkdtempSync('/tmp/bvol-'); });
after(async () => { await d?.cleanup(); rmSync(tmp, { recursive: true, force: true }); });

const ok = (args: string[]) => d.ok(args);

test('a named volume keeps its data across container removal; in-use volumes cannot be removed', async () => {
  await ok(['run', '--name', 'w1', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo kept > /data/file']);
  const inUse = await d.berth(['volume', 'rm', 'data']);
  assert.equal(inUse.code, 1);
  assert.match(inUse.stderr, /volume is in use/);
  await ok(['rm', 'w1']);
  assert.equal(await ok(['run', '--rm', '--mount', 'type=volume,source=data,target=/d,readonly', 'busybox', 'cat', '/d/file']), 'kept\n');
  const ro = await d.berth(['run', '--rm', '-v', 'data:/d:ro', 'busybox', 'touch', '/d/x']);
  assert.notEqual(ro.code, 0);
  const v = JSON.parse(await ok(['volume', 'inspect', 'data']))[0];
  assert.equal(v.Driver, 'local');
  assert.ok(v.Mountpoint.endsWith('/volumes/data/_data'));
  assert.equal(await ok(['volume', 'ls', '--filter', 'dangling=true', '--format', '{{.Name}}']), 'data\n');
  assert.equal(await ok(['volume', 'rm', 'data']), 'data\n');
});

test('a new empty volume is filled from the image (copy-up), unless nocopy', async () => {
  const out = await ok(['run', '--rm', '-v', 'etccopy:/etc', 'busybox', 'cat', '/etc/passwd']);
  assert.match(out, /^root:/);
  const mp = JSON.parse(await ok(['volume', 'inspect', 'etccopy']))[0].Mountpoint;
  assert.ok(existsSync(join(mp, 'passwd')));
  const nocopy = await ok(['run', '--rm', '--mount', 'type=volume,source=empty,target=/etc,volume-nocopy', 'busybox', 'ls', '/etc']);
  assert.doesNotMatch(nocopy, /passwd/);
  await ok(['volume', 'rm', 'etccopy', 'empty']);
});

test('backup and restore with --volumes-from and tar, as Docker documents', async () => {
  await ok(['create', '-v', '/dbdata', '--name', 'dbstore', 'busybox', 'true']);
  await ok(['run', '--rm', '--volumes-from', 'dbstore', 'busybox', 'sh', '-c', 'echo precious > /dbdata/db.txt']);
  await ok(['run', '--rm', '--volumes-from', 'dbstore', '-v', `${tmp}:/backup`, 'busybox', 'tar', 'cf', '/backup/backup.tar', '/dbdata']);
  assert.ok(existsSync(join(tmp, 'backup.tar')));
  await ok(['run', '-v', '/dbdata', '--name', 'dbstore2', 'busybox', 'true']);
  await ok(['run', '--rm', '--volumes-from', 'dbstore2', '-v', `${tmp}:/backup`, 'busybox', 'sh', '-c', 'cd /dbdata && tar xf /backup/backup.tar && mv dbdata/db.txt . && rmdir dbdata']);
  assert.equal(await ok(['run', '--rm', '--volumes-from', 'dbstore2:ro', 'busybox', 'cat', '/dbdata/db.txt']), 'precious\n');
  const before = JSON.parse(await ok(['volume', 'ls', '--format', '{{json .}}']).then((s) => `[${s.trim().split('\n').join(',')}]`)).length;
  await ok(['rm', '-v', 'dbstore', 'dbstore2']);
  const after = (await ok(['volume', 'ls', '-q'])).trim().split('\n').filter(Boolean).length;
  assert.equal(after, before - 2, 'rm -v removes the anonymous volumes');
});

test('binds, tmpfs mounts, local-driver options and bad input', async () => {
  writeFileSync(join(tmp, 'host.txt'), 'from host\n');
  assert.equal(await ok(['run', '--rm', '-v', `${tmp}:/h:ro`, 'busybox', 'cat', '/h/host.txt']), 'from host\n');
  const t = await ok(['run', '--rm', '--mount', 'type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770', '--tmpfs', '/u:size=2m', 'busybox', 'sh', '-c', 'grep -E " /(t|u) " /proc/mounts; stat -c %a /t']);
  assert.match(t, /tmpfs \/t tmpfs .*size=1024k/);
  assert.match(t, /tmpfs \/u tmpfs .*size=2048k/);
  assert.match(t, /1770/);
  await ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', '--label', 'kind=scratch', 'scratch']);
  const m = await ok(['run', '--rm', '-v', 'scratch:/s', 'busybox', 'grep', ' /s ', '/proc/mounts']);
  assert.match(m, /tmpfs/);
  assert.equal(await ok(['volume', 'ls', '--filter', 'label=kind=scratch', '-q']), 'scratch\n');
  await ok(['volume', 'create', '-o', 'type=none', '-o', `device=${tmp}`, '-o', 'o=bind', 'hostdir']);
  assert.equal(await ok(['run', '--rm', '-v', 'hostdir:/x', 'busybox', 'cat', '/x/host.txt']), 'from host\n');
  const slash = await d.berth(['volume', 'create', 'a/b']);
  assert.equal(slash.code, 1);
  assert.match(slash.stderr, /includes invalid characters for a local volume name/);
  const badMount = await d.berth(['run', '--rm', '--mount', 'type=volume,target=/x,bogus=1', 'busybox', 'true']);
  assert.equal(badMount.code, 125);
  assert.match(badMount.stderr, /unexpected key 'bogus'/);
  // a missing --mount bind source fails the create (as Docker), so nothing is left of it
  const badBind = await d.berth(['run', '--rm', '--mount', `type=bind,source=${tmp}/missing,target=/x`, 'busybox', 'true']);
  assert.equal(badBind.code, 125);
  assert.match(badBind.stderr, /bind source path does not exist/);
  // a source that vanishes after create fails the start; the container (no --rm) stays, in state "created"
  mkdirSync(join(tmp, 'vanishing'));
  const kept = (await ok(['create', '--mount', `type=bind,source=${tmp}/vanishing,target=/x`, 'busybox', 'true'])).trim();
  rmdirSync(join(tmp, 'vanishing'));
  const failedStart = await d.berth(['start', kept]);
  assert.notEqual(failedStart.code, 0);
  assert.match(failedStart.stderr, /bind source path does not exist/);
  assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', kept])).trim(), 'created');
  const badName = await d.berth(['run', '--rm', '-v', 'bad/name:/x', 'busybox', 'true']);
  assert.equal(badName.code, 125);
  assert.match(badName.stderr, /invalid characters/);
  assert.equal((await d.berth(['ps', '-aq'])).stdout.trim().split('\n').filter(Boolean).length, 1, 'only the failed bind container is left');
  await ok(['rm', '-f', ...(await ok(['ps', '-aq'])).trim().split('\n').filter(Boolean)]);
  await ok(['volume', 'rm', 'scratch', 'hostdir']);
  const pruned = await ok(['volume', 'prune', '-f', '-a']);
  assert.match(pruned, /Total reclaimed space/);
});
