import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { containerEnv, collectLogs, text, within } from './helpers.js';

test('create, start, wait with exit code, logs', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo hello; echo oops >&2; exit 3'] }, 'first');
  assert.match(Id, /^[a-f0-9]{64}$/);
  assert.equal(mgr.inspect('first').State.Status, 'created');
  const waiting = mgr.wait(Id, 'next-exit');
  assert.equal(await mgr.start('first'), true);
  const res = await within(waiting, 20_000, 'container exit');
  assert.equal(res.StatusCode, 3);
  const st = mgr.inspect(Id.slice(0, 8)).State;
  assert.equal(st.Status, 'exited');
  assert.equal(st.ExitCode, 3);
  assert.equal(st.Running, false);
  const logs = await collectLogs(mgr.logs('/first', {}));
  assert.equal(text(logs, 'stdout'), 'hello\n');
  assert.equal(text(logs, 'stderr'), 'oops\n');
  const tail = await collectLogs(mgr.logs('first', { tail: '1', stderr: false }));
  assert.equal(text(tail), 'hello\n');
  const actions = env.seen.filter((e) => e.Actor.ID === Id).map((e) => e.Action);
  assert.deepEqual(actions, ['create', 'start', 'die']);
  assert.equal(env.seen.find((e) => e.Action === 'die')!.Actor.Attributes.exitCode, '3');
  // the snapshot is unmounted after the exit
  const merged = env.snapshots.mountpoint(Id);
  const { isMounted } = await import('../../src/snapshot/mounts.js');
  assert.equal(await isMounted(merged), false);
});

test('follow logs end when the container exits', async (t) => {
  const { mgr } = await containerEnv(t);
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done'] });
  await mgr.start(Id);
  const logs = await within(collectLogs(mgr.logs(Id, { follow: true, timestamps: true })), 20_000, 'follow');
  assert.equal(text(logs), 'line1\nline2\nline3\n');
  assert.ok(logs.every((e) => e.time instanceof Date && !Number.isNaN(e.time.getTime())));
});

test('stop of a TERM-ignoring process with timeout 1 gives 137; kill, die, stop events', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'] });
  await mgr.start(Id);
  assert.equal(mgr.inspect(Id).State.Running, true);
  assert.ok(mgr.inspect(Id).State.Pid > 0);
  assert.equal(await within(mgr.stop(Id, { timeout: 1 }), 30_000, 'stop'), true);
  const st = mgr.inspect(Id).State;
  assert.equal(st.ExitCode, 137);
  assert.equal(st.Status, 'exited');
  const actions = env.seen.filter((e) => e.Actor.ID === Id).map((e) => e.Action);
  assert.deepEqual(actions, ['create', 'start', 'kill', 'kill', 'die', 'stop']);
  assert.equal(env.seen.filter((e) => e.Action === 'kill')[0].Actor.Attributes.signal, '15');
  assert.equal(env.seen.filter((e) => e.Action === 'kill')[1].Actor.Attributes.signal, '9');
  // stopping a stopped container is "not modified"
  assert.equal(await mgr.stop(Id), false);
  await assert.rejects(mgr.kill(Id), { status: 409, message: `Container ${Id} is not running` });
});

test('--rm removes the container after exit', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true } });
  const removed = mgr.wait(Id, 'removed');
  await mgr.start(Id);
  const r = await within(removed, 20_000, 'auto removal');
  assert.equal(r.StatusCode, 0);
  assert.throws(() => mgr.inspect(Id), { status: 404, message: `No such container: ${Id}` });
  assert.equal(existsSync(env.snapshots.upperDir(Id)), false);
  assert.ok(env.seen.some((e) => e.Actor.ID === Id && e.Action === 'destroy'));
});

test('names: conflict, invalid, random, rename; rm of running refused without force', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'] }, 'web');
  await assert.rejects(mgr.create({ Image: 'busybox', Cmd: ['true'] }, '/web'), {
    status: 409,
    message: `Conflict. The container name "/web" is already in use by container "${Id}". You have to remove (or rename) that container to be able to reuse that name.`,
  });
  await assert.rejects(mgr.create({ Image: 'busybox', Cmd: ['true'] }, 'a'), { status: 400 });
  const other = await mgr.create({ Image: 'busybox', Cmd: ['true'] });
  assert.match(mgr.inspect(other.Id).Name, /^\/[a-z]+_[a-z]+\d?$/);
  await mgr.rename('web', 'web2');
  assert.equal(mgr.inspect(Id).Name, '/web2');
  const ren = env.seen.find((e) => e.Action === 'rename')!;
  assert.equal(ren.Actor.Attributes.oldName, '/web');
  assert.equal(ren.Actor.Attributes.name, 'web2');
  await mgr.start(Id);
  await assert.rejects(mgr.remove(Id), {
    status: 409,
    message: `You cannot remove a running container ${Id}. Stop the container before attempting removal or force remove`,
  });
  await within(mgr.remove(Id, { force: true }), 30_000, 'force remove');
  assert.throws(() => mgr.inspect('web2'), { status: 404 });
  assert.throws(() => mgr.inspect('nope'), { status: 404, message: 'No such container: nope' });
});

test('a command that does not exist fails start with 127', async (t) => {
  const { mgr } = await containerEnv(t);
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['nosuchcommand'] });
  await assert.rejects(mgr.start(Id), (e: any) => {
    assert.equal(e.exitCode, 127);
    assert.match(e.message, /exec: "nosuchcommand": executable file not found in \$PATH/);
    return true;
  });
  const st = mgr.inspect(Id).State;
  assert.equal(st.ExitCode, 127);
  assert.equal(st.Running, false);
  assert.match(st.Error, /executable file not found/);
});

test('a command that is not executable fails start with 126', async (t) => {
  const { mgr } = await containerEnv(t);
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['/etc/passwd'] });
  await assert.rejects(mgr.start(Id), (e: any) => {
    assert.equal(e.exitCode, 126, e.message);
    assert.match(e.message, /permission denied/);
    return true;
  });
  assert.equal(mgr.inspect(Id).State.ExitCode, 126);
});
