import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, collectLogs, text, within, until } from './helpers.js';

test('restore: a new manager on the same root finds a running container, stops it and reads its logs', async (t) => {
  const env = await containerEnv(t);
  const first = env.mgr;
  const { Id } = await first.create({ Image: 'busybox', Cmd: ['sh', '-c', 'trap "echo bye; exit 0" TERM; echo up; while true; do sleep 0.1; done'] }, 'survivor');
  await first.start(Id);
  await until(async () => text(await collectLogs(first.logs(Id, {}))).includes('up'), 20_000, 'first output');
  // a daemon restart: the old manager stops watching, the container keeps running under conmon
  await first.shutdown();
  const second = env.reopen();
  await second.restore();
  const st = second.inspect('survivor').State;
  assert.equal(st.Running, true);
  assert.ok(st.Pid > 0);
  const follow = collectLogs(second.logs(Id, { follow: true }));
  assert.equal(await within(second.stop(Id, { timeout: 10 }), 30_000, 'stop after restore'), true);
  const stopped = second.inspect(Id).State;
  assert.equal(stopped.Status, 'exited');
  assert.equal(stopped.ExitCode, 0);
  assert.equal(text(await within(follow, 20_000, 'follow ends')), 'up\nbye\n');
});

test('restore: an exit while the daemon was down is recorded, with --rm honoured', async (t) => {
  const env = await containerEnv(t);
  const first = env.mgr;
  const { existsSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  // both exit only when told, after the first manager stopped watching (a timed exit races the shutdown on a busy host)
  const signals = mkdtempSync(join(tmpdir(), 'berth-restore-'));
  t.after(() => rmSync(signals, { recursive: true, force: true }));
  const waitForGo = 'for i in $(seq 600); do [ -e /sig/go ] && break; sleep 0.05; done';
  const a = await first.create({ Image: 'busybox', Cmd: ['sh', '-c', `${waitForGo}; exit 5`], HostConfig: { Binds: [`${signals}:/sig`] } }, 'quitter');
  const b = await first.create({ Image: 'busybox', Cmd: ['sh', '-c', waitForGo], HostConfig: { AutoRemove: true, Binds: [`${signals}:/sig`] } }, 'tidy');
  await first.start(a.Id);
  await first.start(b.Id);
  await first.shutdown();
  writeFileSync(join(signals, 'go'), '');
  // wait until conmon recorded both exits while no manager watches
  await until(() => [a.Id, b.Id].every((id) => existsSync(join(env.paths.conmonDir, id.slice(0, 12), 'exit', id))), 20_000, 'exit files');
  const second = env.reopen();
  await second.restore();
  const st = second.inspect('quitter').State;
  assert.equal(st.Status, 'exited');
  assert.equal(st.ExitCode, 5);
  assert.throws(() => second.inspect('tidy'), { status: 404 });
  assert.ok(env.seen.some((e) => e.Actor.ID === a.Id && e.Action === 'die' && e.Actor.Attributes.exitCode === '5'));
});
