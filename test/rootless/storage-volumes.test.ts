/**
 * Rootless storage and ownership as a real unprivileged user: a bind-mounted folder of the user's shows
 * the right owner inside, `:U` gives a volume to the container's user (--userns=keep-id: keep-id.test.ts),
 * a restarted daemon finds its running container (live restore), and fuse-overlayfs can be forced in place
 * of kernel overlayfs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRootlessUser, type RootlessUser } from '../helpers/rootless-user.js';

let u: RootlessUser;

before(async () => {
  u = await createRootlessUser();
  await u.startDaemon();
});

after(async () => { await u?.cleanup(); });

test('a bind-mounted folder of the user\'s is owned by root inside, and what root writes there is the user\'s', async () => {
  const dir = await u.mkdir('data');
  const r = await u.run('sh', ['-c', `echo mine > ${dir}/f`]);
  assert.equal(r.code, 0, r.stderr);
  const out = await u.ok(['run', '--rm', '--network', 'none', '-v', `${dir}:/data`, 'busybox', 'sh', '-c', 'stat -c "%u:%g %n" /data/f; cat /data/f; echo theirs > /data/g']);
  assert.match(out, /^0:0 \/data\/f\nmine\n/);
  const st = statSync(join(dir, 'g'));
  assert.equal(st.uid, u.uid);
  assert.equal(st.gid, u.gid);
  // root's files on the host stay out of reach: the container's root is only the user
  const denied = await u.berth(['run', '--rm', '--network', 'none', '-v', '/root:/hostroot:ro', 'busybox', 'ls', '/hostroot']);
  assert.notEqual(denied.code, 0, denied.stdout);
});

test(':U chowns a volume and a bind mount to the container user (subordinate ids on the host)', async () => {
  const out = await u.ok(['run', '--rm', '--network', 'none', '--user', '1000:1000', '-v', 'rlvol:/v:U', 'busybox', 'sh', '-c', 'touch /v/x && stat -c "%u:%g" /v /v/x']);
  assert.equal(out, '1000:1000\n1000:1000\n');
  const mp = (await u.ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'rlvol'])).trim();
  // the volume's directory on the host: container uid 1000 is subordinate id start+999
  const st = statSync(mp);
  assert.equal(st.uid, u.subuid.start + 999);
  assert.equal(st.gid, u.subgid.start + 999);
  const dir = await u.mkdir('shared');
  await u.ok(['run', '--rm', '--network', 'none', '--user', '33:33', '-v', `${dir}:/s:U`, 'busybox', 'touch', '/s/by-33']);
  assert.equal(statSync(join(dir, 'by-33')).uid, u.subuid.start + 32);
  await u.ok(['volume', 'rm', 'rlvol']);
});

test('a restarted rootless daemon finds its running container (live restore)', async () => {
  await u.ok(['run', '-d', '--name', 'keeper', '--network', 'none', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']);
  const pid = Number((await u.ok(['inspect', '-f', '{{.State.Pid}}', 'keeper'])).trim());
  const holder = u.holderPid();
  await u.stopDaemon();
  assert.ok(readFileSync(`/proc/${pid}/status`, 'utf8').includes('State'), 'the container outlives the daemon');
  await u.startDaemon();
  assert.equal(u.holderPid(), holder, 'the daemon joins the same namespaces');
  assert.equal((await u.ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'keeper'])).trim(), `running ${pid}`);
  assert.match(await u.ok(['exec', 'keeper', 'echo', 'still-here']), /still-here/);
  await u.ok(['stop', '-t', '5', 'keeper']);
  await u.ok(['rm', 'keeper']);
});

test('fuse-overlayfs can be forced, and info says so', async (t) => {
  await u.stopDaemon();
  if ((statSync('/dev/fuse').mode & 0o006) !== 0o006) {
    // this host keeps /dev/fuse to root (mode 600): the forced driver must say so and the daemon not start
    const r = await u.run(join(u.repo, 'bin', 'berth'), ['serve'], { env: { BERTH_ROOTLESS_STORAGE: 'fuse-overlayfs' }, timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /fuse-overlayfs cannot mount: \/dev\/fuse is not usable by this user .*chmod 666 \/dev\/fuse/);
    await u.startDaemon();
    t.skip('/dev/fuse is mode 600 on this host: users cannot mount FUSE file systems, so fuse-overlayfs cannot run (the refusal is checked)');
    return;
  }
  await u.startDaemon({ env: { BERTH_ROOTLESS_STORAGE: 'fuse-overlayfs' } });
  const info = JSON.parse(await u.ok(['info', '--format', '{{json .}}']));
  assert.equal(info.Driver, 'fuse-overlayfs');
  const out = await u.ok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'echo hi > /tmp/x && cat /tmp/x && rm /bin/true && ls /bin/true || echo gone']);
  assert.match(out, /^hi\n/);
  assert.match(out, /gone/);
  await u.stopDaemon();
  await u.startDaemon();
  assert.equal(JSON.parse(await u.ok(['info', '--format', '{{json .}}'])).Driver, 'overlay2');
});
