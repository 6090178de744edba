/**
 * An exit is reported (stop and wait answer, `die`) once the container's state, mounts and network
 * are settled; the runtime's delete of the ended run (`crun delete`: its state dir and cgroup) goes on
 * under the container's lock afterwards. What must still hold: a start or rm that follows waits for
 * that delete, nothing is left behind, and a daemon that goes before the delete is done leaves a state
 * the next one deletes. The delete is held open by a gate on the runtime's call, so each case is hit
 * every time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMounted } from '../../src/snapshot/mounts.js';
import { containerEnv, gate, until, within } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// /ready: the trap is set (a TERM before it would be ignored by the shell as PID 1, and stop would SIGKILL)
const TRAPS_TERM = ['sh', '-c', "trap 'rm -f /ready; exit 0' TERM; touch /ready; sleep 3600 & wait"];


test('stop answers before the runtime delete of the run; a start waits for it; rm leaves nothing', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const rt = env.runtimes.crun;
  const { Id: id } = await mgr.create({ Image: 'busybox', Cmd: TRAPS_TERM });
  await mgr.start(id);
  await until(() => existsSync(join(env.snapshots.mountpoint(id), 'ready')), 20_000, 'the trap');
  const g = gate(rt, 'delete', id, () => mgr.inspect(id).State.Status === 'exited');
  t.after(() => { g.release(); g.restore(); });
  assert.equal(await within(mgr.stop(id), 30_000, 'stop while the runtime delete is held'), true);
  await within(g.reached, 10_000, 'the runtime delete of the ended run');
  const st = mgr.inspect(id).State;
  assert.equal(st.Status, 'exited');
  assert.equal(st.ExitCode, 0);
  assert.equal(st.Pid, 0);
  assert.equal(await isMounted(env.snapshots.mountpoint(id)), false, 'the rootfs is unmounted before the exit is reported');
  assert.deepEqual(env.seen.filter((e) => e.Actor.ID === id).map((e) => e.Action), ['create', 'start', 'kill', 'die', 'stop']);
  // the ended run's state is still there (held): a start must wait for its delete, not race it
  assert.equal(rt.hasState(id), true);
  let startDone = false;
  const starting = mgr.start(id).then((r) => { startDone = true; return r; });
  await sleep(300);
  assert.equal(startDone, false, 'the start went ahead of the runtime delete of the last run');
  g.release();
  assert.equal(await within(starting, 30_000, 'start after the delete'), true);
  const again = mgr.inspect(id).State;
  assert.equal(again.Running, true);
  await until(() => existsSync(join(env.snapshots.mountpoint(id), 'ready')), 20_000, 'the trap');
  assert.ok(again.Pid > 0);
  // the start's own state survived the last run's delete
  assert.equal(rt.hasState(id), true);
  assert.equal(await within(mgr.stop(id, { timeout: 10 }), 30_000, 'second stop'), true);
  assert.equal(mgr.inspect(id).State.ExitCode, 0);
  await within(mgr.remove(id), 30_000, 'rm');
  await until(() => !rt.hasState(id), 15_000, 'no runtime state left after rm');
  assert.throws(() => mgr.inspect(id), { status: 404 });
});

test('a daemon that goes before the runtime delete of an ended run: the next one deletes the stale state', async (t) => {
  const env = await containerEnv(t);
  const first = env.mgr;
  const rt = env.runtimes.crun;
  const { Id: id } = await first.create({ Image: 'busybox', Cmd: TRAPS_TERM }, 'stale');
  await first.start(id);
  await until(() => existsSync(join(env.snapshots.mountpoint(id), 'ready')), 20_000, 'the trap');
  const g = gate(rt, 'delete', id, () => first.inspect(id).State.Status === 'exited');
  t.after(() => { g.release(); g.restore(); });
  assert.equal(await within(first.stop(id), 30_000, 'stop'), true);
  await within(g.reached, 10_000, 'the runtime delete of the ended run');
  // the daemon goes now (as in a crash, the held delete never runs for it)
  await first.shutdown();
  assert.equal(rt.hasState(id), true);
  const second = env.reopen();
  await within(second.restore(), 30_000, 'restore');
  assert.equal(rt.hasState(id), false, 'the next daemon left the stale runtime state');
  // the first daemon's held delete ends now (it finds nothing left to delete)
  g.release();
  await within(g.finished, 30_000, 'the held delete');
  await sleep(100);
  assert.equal(second.inspect(id).State.Status, 'exited');
  assert.equal(second.inspect(id).State.ExitCode, 0);
  // the container starts and stops as before
  assert.equal(await within(second.start(id), 30_000, 'start after restore'), true);
  assert.equal(second.inspect(id).State.Running, true);
  await until(() => existsSync(join(env.snapshots.mountpoint(id), 'ready')), 20_000, 'the trap');
  assert.equal(await within(second.stop(id, { timeout: 10 }), 30_000, 'stop after restore'), true);
  assert.equal(second.inspect(id).State.ExitCode, 0);
});

test('a created container whose start the daemon did not finish: its runtime state goes at the next start of the daemon', async (t) => {
  const env = await containerEnv(t);
  const first = env.mgr;
  const rt = env.runtimes.crun;
  const { Id: id } = await first.create({ Image: 'busybox', Cmd: ['true'] }, 'half-started');
  // held at `crun start`: conmon has run `crun create`, the record still says created
  const g = gate(rt, 'start', id, () => true);
  t.after(() => { g.release(); g.restore(); });
  const starting = first.start(id).catch((e: Error) => e);
  await within(g.reached, 30_000, 'the runtime start');
  assert.equal(rt.hasState(id), true);
  await first.shutdown();
  const second = env.reopen();
  await within(second.restore(), 30_000, 'restore');
  assert.equal(rt.hasState(id), false, 'a created-but-never-started runtime container was left behind');
  assert.equal(second.inspect(id).State.Running, false);
  g.release();
  await within(starting, 30_000, 'the first daemon\'s start to give up');
});
