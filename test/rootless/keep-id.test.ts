/**
 * --userns=keep-id as a real unprivileged user: the container runs as the user's uid/gid, the image is still
 * root's inside (chowned layer copies, cached per layer and map, removed with the image), a bind-mounted
 * folder of the user's is the user's inside and what the container writes there is the user's on the host;
 * bad keep-id options are refused. (keep-id in rootful mode is refused: test/rootless/pure.test.ts.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

let u: RootlessUser;
const shiftedRoot = () => join(u.home, '.local', 'share', 'berth', 'snapshots', 'shifted');

/** every chowned copy: `<layer>/<maps key>` → its inode (a copy made again gets a new one) */
function copies(): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(shiftedRoot())) return out;
  for (const layer of readdirSync(shiftedRoot())) {
    for (const key of readdirSync(join(shiftedRoot(), layer))) out.set(`${layer}/${key}`, statSync(join(shiftedRoot(), layer, key)).ino);
  }
  return out;
}

before(async () => {
  u = await createRootlessUser();
  await u.startDaemon();
});

after(async () => { await u?.cleanup(); });

test('keep-id: the user\'s uid/gid inside, the image root\'s, a bind-mounted folder the user\'s both ways', async () => {
  const dir = await u.mkdir('kid');
  const r = await u.run('sh', ['-c', `echo mine > ${dir}/f`]);
  assert.equal(r.code, 0, r.stderr);
  const out = await u.ok(['run', '--rm', '--network', 'none', '--userns', 'keep-id', '-v', `${dir}:/data`, 'busybox', 'sh', '-c',
    'id -u; id -g; whoami; echo "$HOME"; stat -c "%u:%g" / /bin/sh /etc/passwd /data /data/f "$HOME"; cat /data/f; echo theirs > /data/g; touch /bin/nope 2>/dev/null || echo ro-image']);
  const lines = out.trim().split('\n');
  assert.deepEqual(lines.slice(0, 4), [String(u.uid), String(u.gid), u.name, `/home/${u.name}`]);
  assert.deepEqual(lines.slice(4, 10), ['0:0', '0:0', '0:0', `${u.uid}:${u.gid}`, `${u.uid}:${u.gid}`, `${u.uid}:${u.gid}`]);
  assert.deepEqual(lines.slice(10), ['mine', 'ro-image'], 'the user cannot write root\'s /bin');
  const st = statSync(join(dir, 'g'));
  assert.equal(st.uid, u.uid);
  assert.equal(st.gid, u.gid);
  // the copy's files are the container root's subordinate id on the host (the daemon's 1), never the user's
  const [copy] = [...copies().keys()];
  assert.ok(copy, 'a chowned copy of the layer was made');
  const busybox = lstatSync(join(shiftedRoot(), copy!, 'bin', 'busybox'));
  assert.equal(busybox.uid, u.subuid.start);
  assert.equal(busybox.gid, u.subgid.start);
});

test('keep-id:uid=U,gid=G picks the container user; the user is still the one on the host', async () => {
  const dir = await u.mkdir('kid2');
  const out = await u.ok(['run', '--rm', '--network', 'none', '--userns', 'keep-id:uid=1000,gid=1000', '-v', `${dir}:/data`, 'busybox', 'sh', '-c',
    'id -u; id -g; stat -c "%u:%g" /data /bin/busybox; touch /data/h']);
  assert.equal(out, `1000\n1000\n1000:1000\n0:0\n`);
  assert.equal(statSync(join(dir, 'h')).uid, u.uid);
  // uid=0: the user is root inside, as without keep-id, and no copy is needed
  const before = copies();
  assert.equal(await u.ok(['run', '--rm', '--network', 'none', '--userns', 'keep-id:uid=0,gid=0', '-v', `${dir}:/data`, 'busybox', 'stat', '-c', '%u:%g', '/data', '/bin/busybox']), '0:0\n0:0\n');
  assert.deepEqual(copies(), before);
  // an explicit --user wins over keep-id's default user
  assert.equal(await u.ok(['run', '--rm', '--network', 'none', '--userns', 'keep-id', '--user', '0', 'busybox', 'id', '-u']), '0\n');
});

test('a second run reuses the cached copy', async () => {
  const before = copies();
  assert.ok(before.size >= 1);
  await u.ok(['run', '--rm', '--network', 'none', '--userns', 'keep-id', 'busybox', 'true']);
  assert.deepEqual(copies(), before, 'no copy made again');
});

test('a stopped keep-id container starts again as the same user over the same copy', async () => {
  const before = copies();
  await u.ok(['create', '--name', 'kid-again', '--network', 'none', '--userns', 'keep-id', 'busybox', 'sh', '-c', 'id -u; stat -c "%u" /bin/busybox; grep -c "^' + u.name + ':" /etc/passwd']);
  const first = await u.ok(['start', '-a', 'kid-again']);
  const second = await u.ok(['start', '-a', 'kid-again']);
  assert.equal(first, `${u.uid}\n0\n1\n`);
  assert.equal(second, first, 'the passwd entry is added once');
  await u.ok(['rm', 'kid-again']);
  assert.deepEqual(copies(), before);
});

test('an image of several layers with a deleted file, a set-uid file and files of other users', async () => {
  const ctx = await u.mkdir('kid-app');
  const df = 'FROM busybox\nRUN mkdir /srv && echo built > /srv/f && chown 1000:1001 /srv/f && touch /srv/gone && cp /bin/busybox /srv/su && chmod 4755 /srv/su\nRUN rm /bin/vi /srv/gone\n';
  const w = await u.run('sh', ['-c', `cat > ${ctx}/Dockerfile`], { input: df });
  assert.equal(w.code, 0, w.stderr);
  await u.ok(['build', '-q', '-t', 'kid-app', ctx], { timeoutMs: 120_000 });
  const out = await u.ok(['run', '--rm', '--network', 'none', '--userns', 'keep-id', 'kid-app', 'sh', '-c',
    'ls /bin/vi /srv/gone 2>&1 | grep -c "No such file"; stat -c "%u:%g %a" /srv /srv/su /srv/f']);
  assert.equal(out, '2\n0:0 755\n0:0 4755\n1000:1001 644\n');
  await u.ok(['rmi', 'kid-app']);
});

test('bad keep-id options are refused with a clear message', async () => {
  for (const [mode, why] of [['keep-id:uid=x', /"uid=x" is not uid=U or gid=G/], ['keep-id:size=5', /keep-id takes only these/],
    ['keep-id:uid=1,uid=2', /uid given twice/], ['keep-id:uid=4000000', /outside the rootless namespace/]] as const) {
    const r = await u.berth(['run', '--rm', '--network', 'none', '--userns', mode, 'busybox', 'true']);
    assert.equal(r.code, 125, `${mode}: ${r.stdout}`);
    assert.match(r.stderr, why);
  }
});

test('removing the image removes its chowned copies', async () => {
  assert.ok(copies().size >= 1);
  // the build cache holds kid-app's layers (and so busybox's below them) until it is pruned
  await u.ok(['builder', 'prune', '-af']);
  await u.ok(['rmi', 'busybox']);
  assert.equal(copies().size, 0, 'the copies went with the layer');
});
