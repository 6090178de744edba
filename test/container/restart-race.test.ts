/**
 * stop / kill / rm -f against the restart-policy machinery: a restart that is waiting out its back-off,
 * being decided while the exit is recorded, or in the middle of starting must end stopped (dockerd:
 * the restart is cancelled, HasBeenManuallyStopped is set) and nothing starts it again by itself.
 * The windows are held open by gates on the runtime's calls, so each case is hit every time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, gate, until, within, type Env } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function restarting(env: Env, cmd: string[]): Promise<string> {
  const { Id } = await env.mgr.create({ Image: 'busybox', Cmd: cmd, HostConfig: { RestartPolicy: { Name: 'always' } } });
  await env.mgr.start(Id);
  return Id;
}

/** Not running now, and nothing starts it again: no restart, no new process, for `ms`. */
async function staysStopped(env: Env, id: string, ms: number): Promise<void> {
  const first = env.mgr.inspect(id);
  assert.equal(first.State.Running, false, 'not running when stop returned');
  assert.equal(first.State.Restarting, false);
  assert.equal(first.State.Status, 'exited');
  await sleep(ms);
  const later = env.mgr.inspect(id);
  assert.equal(later.State.Running, false, 'started again after the stop');
  assert.equal(later.RestartCount, first.RestartCount, 'restarted after the stop');
  assert.equal(later.State.StartedAt, first.State.StartedAt);
}

// mount: early in the start, when it asks for the rootfs mounts (before the process exists); start: the runtime is about to run the process
for (const [point, op] of [['mount', 'stop'], ['mount', 'kill'], ['mount', 'rm -f'], ['start', 'stop'], ['start', 'kill'], ['start', 'rm -f']] as const) {
  test(`${op} while a policy restart is starting (held at its ${point}): it ends stopped`, async (t) => {
    const env = await containerEnv(t);
    const rt = env.runtimes.crun;
    // exits at once the first time; the restart would run on (a process left behind is seen)
    const id = await restarting(env, ['sh', '-c', 'if [ -e /ran ]; then exec sleep 300; fi; touch /ran']);
    // the first policy restart is held
    const g = gate(point === 'mount' ? env.snapshots : rt, point === 'mount' ? 'mounts' : point, id, () => env.mgr.inspect(id).State.Restarting);
    t.after(g.restore);
    await within(g.reached, 20_000, `a policy restart reaching the ${point}`);
    const done = op === 'stop' ? env.mgr.stop(id, { timeout: 1 }) : op === 'kill' ? env.mgr.kill(id) : env.mgr.remove(id, { force: true });
    await sleep(50);
    g.release();
    await within<void | boolean>(done, 20_000, op);
    const starts = () => env.seen.filter((e) => e.Actor.ID === id && e.Action === 'start').length;
    // held before the process exists, the cancelled restart never starts it
    if (point === 'mount') assert.equal(starts(), 1, 'the cancelled restart started the container');
    if (op === 'rm -f') {
      assert.throws(() => env.mgr.inspect(id), { status: 404 });
      await until(async () => { const st = await rt.state(id).catch(() => null); return !st || st.status === 'stopped'; }, 5_000, 'no process left behind the removed container');
      await sleep(1000);
      assert.equal(starts(), point === 'mount' ? 1 : 2);
      return;
    }
    await staysStopped(env, id, 1500);
    assert.equal(env.mgr.inspect(id).HostConfig.RestartPolicy!.Name, 'always');
  });
}

test('stop while the exit is being recorded (a restart is due): no restart follows', async (t) => {
  const env = await containerEnv(t);
  const rt = env.runtimes.crun;
  const { Id: id } = await env.mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'sleep 0.3'], HostConfig: { RestartPolicy: { Name: 'always' } } });
  // the runtime delete of the exit's cleanup is held: the exit is recorded, the restart not yet scheduled
  const g = gate(rt, 'delete', id, () => !['running', 'created'].includes(env.mgr.inspect(id).State.Status));
  t.after(g.restore);
  await env.mgr.start(id);
  await within(g.reached, 20_000, 'the exit cleanup');
  const stopped = env.mgr.stop(id, { timeout: 1 });
  await sleep(50);
  g.release();
  assert.equal(await within(stopped, 20_000, 'stop'), true, 'a container due to restart is stopped (not "not modified")');
  await staysStopped(env, id, 1500);
});

test('stop while a restart waits out its back-off cancels it and wakes waiters', async (t) => {
  const env = await containerEnv(t);
  const id = await restarting(env, ['sh', '-c', 'exit 0']);
  await until(() => env.mgr.inspect(id).RestartCount! >= 3, 20_000, 'three restarts');
  // the back-off has grown to at least 800 ms: catch the container between an exit and its restart
  await until(() => env.mgr.inspect(id).State.Restarting, 20_000, 'a scheduled restart');
  const waited = env.mgr.wait(id, 'not-running');
  assert.equal(await within(env.mgr.stop(id, { timeout: 1 }), 20_000, 'stop'), true);
  await staysStopped(env, id, 1500);
  assert.equal((await within(waited, 5_000, 'wait released by the cancelled restart')).StatusCode, 0);
});

test('stop at random moments of the restart cycle always ends stopped (20 rounds, 30 s budget)', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const id = await restarting(env, ['sh', '-c', 'sleep 0.05']);
  const budgetEnd = Date.now() + 30_000;
  let rounds = 0;
  for (; rounds < 20 && Date.now() < budgetEnd; rounds++) {
    if (rounds > 0) await within(mgr.start(id), 20_000, 'start');
    // start resets the back-off: the cycle is exit, 100 ms, start, exit, 200 ms, ...
    await sleep(Math.floor(Math.random() * 700));
    await within(mgr.stop(id, { timeout: 1 }), 20_000, `stop in round ${rounds}`);
    await staysStopped(env, id, 400);
  }
  assert.ok(rounds >= 5, `only ${rounds} rounds in the budget`);
});
