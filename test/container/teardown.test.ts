import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDisposable, removesAfterFailedStart, removesAtExit, removesVolumes } from '../../src/container/auto-remove.js';
import type { ContainerRecord } from '../../src/record/container-store.js';
import { containerEnv, until, within } from './helpers.js';

const rec = (autoRemove: boolean): ContainerRecord => ({ id: 'c1', hostConfig: { AutoRemove: autoRemove } } as unknown as ContainerRecord);

test('--rm decisions: removal at exit unless a manual restart is under way; volumes; a failed start', () => {
  const idle = { manualRestarts: new Map<string, number>() };
  const restarting = { manualRestarts: new Map([['c1', 1]]) };
  assert.equal(isDisposable(rec(true)), true);
  assert.equal(isDisposable(rec(false)), false);
  assert.equal(removesAtExit(idle, rec(true)), true);
  assert.equal(removesAtExit(restarting, rec(true)), false);
  assert.equal(removesAtExit(idle, rec(false)), false);
  assert.equal(removesAfterFailedStart(rec(true)), true);
  assert.equal(removesAfterFailedStart(rec(false)), false);
  assert.equal(removesVolumes(rec(false), false), false);
  assert.equal(removesVolumes(rec(false), true), true);
  assert.equal(removesVolumes(rec(true), false), true);
});

const actionsOf = (seen: { Actor: { ID: string }; Action: string }[], id: string) => seen.filter((e) => e.Actor.ID === id).map((e) => e.Action);

test('--rm: one teardown at exit (die, then destroy once), the exit code for both waits, no runtime state left', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'exit 3'], HostConfig: { AutoRemove: true } });
  const exited = mgr.wait(Id, 'next-exit');
  const removed = mgr.wait(Id, 'removed');
  await mgr.start(Id);
  assert.equal((await within(exited, 20_000, 'exit')).StatusCode, 3);
  assert.equal((await within(removed, 20_000, 'auto removal')).StatusCode, 3);
  assert.deepEqual(actionsOf(env.seen, Id), ['create', 'start', 'die', 'destroy']);
  assert.equal(existsSync(join(env.paths.containers, Id)), false);
  const rtRoot = join(env.paths.runtimeRoot, 'crun');
  await until(() => !existsSync(rtRoot) || !readdirSync(rtRoot).includes(Id), 10_000, 'runtime state deleted after the removal');
});

test('--rm: rm -f of the running container tears it down once (the exit does not remove it again)', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { AutoRemove: true } });
  await mgr.start(Id);
  const removed = mgr.wait(Id, 'removed');
  await within(mgr.remove(Id, { force: true }), 30_000, 'force remove');
  await within(removed, 5000, 'removed');
  assert.deepEqual(actionsOf(env.seen, Id), ['create', 'start', 'kill', 'die', 'destroy']);
  assert.throws(() => mgr.inspect(Id), { status: 404 });
});

test('--rm: a manual restart keeps the container; its next exit removes it', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { AutoRemove: true } });
  await mgr.start(Id);
  await within(mgr.restart(Id, { timeout: 0 }), 30_000, 'restart');
  assert.equal(mgr.inspect(Id).State.Running, true);
  assert.equal(actionsOf(env.seen, Id).includes('destroy'), false);
  const removed = mgr.wait(Id, 'removed');
  await mgr.kill(Id, 'SIGKILL');
  assert.equal((await within(removed, 20_000, 'auto removal')).StatusCode, 137);
  assert.throws(() => mgr.inspect(Id), { status: 404 });
});

test('--rm: a container that fails to start is removed', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['nosuchcommand'], HostConfig: { AutoRemove: true } });
  const removed = mgr.wait(Id, 'removed');
  await assert.rejects(mgr.start(Id), (e: any) => e.exitCode === 127);
  assert.equal((await within(removed, 20_000, 'removal after the failed start')).StatusCode, 127);
  assert.deepEqual(actionsOf(env.seen, Id), ['create', 'destroy']);
});
