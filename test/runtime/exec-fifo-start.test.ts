/**
 * crun's start done by the daemon through the container's exec.fifo (src/runtime/exec-fifo-start.ts):
 * the process runs, crun sees it running, and where the shortcut cannot be taken `crun start` is
 * used and reports what is wrong as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startThroughExecFifo } from '../../src/runtime/exec-fifo-start.js';
import { containerEnv, collectLogs, text, until, within } from '../container/helpers.js';

test('a started container runs its process, crun reports it running, the fifo is gone; exit codes as before', async (t) => {
  const env = await containerEnv(t);
  const { mgr } = env;
  const rt = env.runtimes.crun;
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo started; exec sleep 300'] });
  const starts: string[] = [];
  const orig = rt.start.bind(rt);
  rt.start = async (id: string, opts?: { poststartHooks?: boolean }) => { starts.push(id); return orig(id, opts); };
  t.after(() => { rt.start = orig; });
  assert.equal(await within(mgr.start(Id), 30_000, 'start'), true);
  assert.deepEqual(starts, [Id]);
  const st = await rt.state(Id);
  assert.equal(st?.status, 'running');
  assert.equal(st?.pid, mgr.inspect(Id).State.Pid);
  assert.equal(existsSync(join(rt.info.root, Id, 'exec.fifo')), false, 'the exec fifo is left behind');
  await until(async () => text(await collectLogs(mgr.logs(Id, {}))) === 'started\n', 20_000, 'the process output');
  assert.equal(await within(mgr.stop(Id, { timeout: 1 }), 30_000, 'stop'), true);
  assert.equal(mgr.inspect(Id).State.ExitCode, 137);
  // a process that exits at once: its code
  const quick = await mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'exit 4'] });
  const waiting = mgr.wait(quick.Id, 'next-exit');
  await mgr.start(quick.Id);
  assert.equal((await within(waiting, 30_000, 'exit')).StatusCode, 4);
});

test('no exec fifo (not created, or started already): the shortcut declines and changes nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-fifo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(await startThroughExecFifo(dir, 'x'.repeat(64)), false);
  assert.equal(await startThroughExecFifo(join(dir, 'missing'), 'x'.repeat(64)), false);
});

test('a started container cannot be started again: the runtime\'s own start answers (not running / conflict)', async (t) => {
  const env = await containerEnv(t);
  const rt = env.runtimes.crun;
  const { Id } = await env.mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'] });
  await env.mgr.start(Id);
  await assert.rejects(rt.start(Id), (e: Error) => /crun start/.test(e.message) || /not running|already|running/i.test(e.message));
  assert.equal((await rt.state(Id))?.status, 'running');
});
