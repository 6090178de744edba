import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSpec, findRuntime, LogFollower, OciRuntime, prepareHostForCrun, Task, MONITOR_LOST_ERROR, type LogLine,
} from '../../src/runtime/index.js';
import { isMounted, overlayMount, unmountAll } from '../../src/snapshot/mounts.js';
import { makeBusyboxRootfs, shortTempDir, removeDir } from './helpers.js';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

describe('runtime Task: create -> start -> exit record -> delete', () => {
  let dir = '';
  let image = '';
  let rt: OciRuntime;
  let seq = 0;
  const tasks: Task[] = [];

  before(async () => {
    const r = await prepareHostForCrun({ allowFix: true });
    assert.ok(r.ok, r.message);
    dir = await shortTempDir('btk');
    image = makeBusyboxRootfs(dir);
    rt = new OciRuntime(findRuntime('crun', join(dir, 'rt')));
  });

  after(async () => {
    for (const t of tasks) {
      if (t.conmonPid > 0 && alive(t.conmonPid)) { try { process.kill(t.conmonPid, 'SIGKILL'); } catch { /* gone */ } }
      await t.delete().catch(() => undefined);
    }
    if (dir) await removeDir(dir);
  });

  /** A task whose rootfs is an overlay over the busybox tree, mounted by the task itself. */
  async function create(args: string[], opts: { mounted?: boolean } = {}): Promise<{ task: Task; log: string; target: string; upper: string }> {
    const id = `k${++seq}`;
    const base = join(dir, 'c', id);
    const [upper, work, target, bundle] = ['upper', 'work', 'merged', 'bundle'].map((d) => join(base, d));
    for (const d of [upper, work, target, bundle]) mkdirSync(d, { recursive: true });
    const log = join(bundle, 'log');
    const task = await Task.create({
      id, runtime: rt, bundle, monitorDir: join(dir, 'm', id), logPath: log,
      rootfs: opts.mounted === false ? { target: image } : { target, mounts: [overlayMount({ lowerDirs: [image], upperDir: upper, workDir: work })] },
      spec: (rootfs) => buildSpec({ id, rootfs, args }).spec,
    });
    tasks.push(task);
    return { task, log, target, upper };
  }

  test('the task mounts its rootfs, runs, records the exit and deletes everything it made', async () => {
    const { task, log, target, upper } = await create(['sh', '-c', 'echo hello; echo oops >&2; echo x > /written; exit 3']);
    assert.ok(await isMounted(target), 'rootfs mounted at create');
    assert.equal((await rt.state(task.id))?.status, 'created');
    assert.equal(task.exited(), null);
    await task.start();
    const exit = await task.wait();
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.oomKilled, false);
    assert.equal(exit.error, '');
    assert.ok(Date.parse(exit.finishedAt) > 0, exit.finishedAt);
    assert.equal(await task.wait(), exit, 'one exit record');
    assert.equal(task.exited(), exit);
    assert.equal(readFileSync(join(upper, 'written'), 'utf8'), 'x\n', 'writes land in the upper dir');
    const lines: LogLine[] = [];
    const f = new LogFollower(log, (l) => lines.push(l));
    f.start();
    f.close();
    assert.deepEqual(lines.map((l) => `${l.stream}:${l.data}`), ['stdout:hello\n', 'stderr:oops\n']);
    await task.delete();
    assert.equal(await isMounted(target), false, 'rootfs unmounted at delete');
    assert.equal(await rt.state(task.id), null, 'runtime state deleted');
    assert.equal(existsSync(task.paths.dir), false, "conmon's files removed");
  });

  test('waiting is event-driven: the exit is seen well before the fallback look', async () => {
    const { task } = await create(['sleep', '0.3']);
    await task.start();
    const t0 = Date.now();
    const exit = await task.wait();
    const waited = Date.now() - t0;
    assert.equal(exit.exitCode, 0);
    assert.ok(waited < 900, `waited ${waited} ms`);
    await task.delete();
  });

  test('a rootfs mounted by the caller is left mounted; kill gives 137', async () => {
    const { task } = await create(['sleep', '1000'], { mounted: false });
    await task.start();
    let seen: number | undefined;
    const w = task.watch((e) => { seen = e.exitCode; }, { ref: false });
    await task.kill('KILL');
    assert.equal((await task.wait()).exitCode, 137);
    await new Promise((r) => setImmediate(r));
    assert.equal(seen, 137, 'background watch called too');
    w.close();
    await task.delete();
    assert.ok(existsSync(join(image, 'bin/busybox')));
  });

  test('conmon gone without an exit code: 255 and the monitor error', async () => {
    const { task } = await create(['sleep', '1000']);
    await task.start();
    const pid = task.pid;
    process.kill(task.conmonPid, 'SIGKILL');
    const exit = await task.wait();
    assert.equal(exit.exitCode, 255);
    assert.equal(exit.error, MONITOR_LOST_ERROR);
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await task.delete();
  });

  test('a failed create undoes its mount and leaves no runtime state', async () => {
    const id = `k${++seq}`;
    const base = join(dir, 'c', id);
    const [upper, work, target, bundle] = ['upper', 'work', 'merged', 'bundle'].map((d) => join(base, d));
    for (const d of [upper, work, target, bundle]) mkdirSync(d, { recursive: true });
    await assert.rejects(Task.create({
      id, runtime: rt, bundle, monitorDir: join(dir, 'm', id), logPath: null,
      rootfs: { target, mounts: [overlayMount({ lowerDirs: [image], upperDir: upper, workDir: work })] },
      spec: (rootfs) => buildSpec({ id, rootfs, args: ['/nonexistent'] }).spec,
    }), (e: any) => e.exitCode === 127);
    assert.equal(await isMounted(target), false);
    assert.equal(rt.hasState(id), false);
    await unmountAll(target);
  });

  test('Task.attach takes up a running task (as a restarted daemon does)', async () => {
    const { task, target } = await create(['sleep', '1000']);
    await task.start();
    const again = Task.attach({
      id: task.id, runtime: rt, bundle: join(dir, 'c', task.id, 'bundle'), monitorDir: task.paths.dir, logPath: null,
      rootfs: { target, mounts: [] }, pid: task.pid, conmonPid: task.conmonPid,
    });
    assert.equal(again.exited(), null);
    await again.kill('KILL');
    assert.equal((await again.wait()).exitCode, 137);
    await again.delete();
    assert.equal(await isMounted(target), false);
  });
});
