/** Containers outlive the daemon; a daemon killed mid-operation leaves consistent state and no leaked mounts. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startDaemon, BERTH_BIN, mountsUnder, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('containers keep running while the daemon is down and are found again', async () => {
  const run = await d.berth(['run', '-d', '--name', 'survivor', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done']);
  assert.equal(run.code, 0, run.stderr);
  const pid = JSON.parse((await d.berth(['inspect', 'survivor'])).stdout)[0].State.Pid;
  await d.crash();
  process.kill(pid, 0); // still alive without the daemon
  await sleep(600);
  await d.restart();
  const info = JSON.parse((await d.berth(['inspect', 'survivor'])).stdout)[0];
  assert.equal(info.State.Running, true);
  assert.equal(info.State.Pid, pid);
  const logs = await d.berth(['logs', 'survivor']);
  const n = logs.stdout.trim().split('\n').length;
  assert.ok(n >= 4, `logs kept flowing while the daemon was down (${n} lines)`);
  const ex = await d.berth(['exec', 'survivor', 'echo', 'exec-after-restart']);
  assert.equal(ex.stdout.trim(), 'exec-after-restart', ex.stderr);
  const stop = await d.berth(['stop', 'survivor']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(JSON.parse((await d.berth(['inspect', 'survivor'])).stdout)[0].State.ExitCode, 0);
});

test('a container that exits while the daemon is down is recorded at the next start', async () => {
  await d.berth(['run', '-d', '--name', 'shortlived', 'busybox', 'sh', '-c', 'sleep 1; exit 5']);
  await d.crash();
  await sleep(1500);
  await d.restart();
  const w = await d.berth(['wait', 'shortlived']);
  assert.equal(w.stdout.trim(), '5');
  const info = JSON.parse((await d.berth(['inspect', 'shortlived'])).stdout)[0];
  assert.equal(info.State.Status, 'exited');
  assert.deepEqual(mountsUnder(join(d.root, 'snapshots', 'c', info.Id)), [], 'no mount left for an exited container');
});

test('SIGKILL during import leaves no image, no partial blob', async () => {
  const dir = mkdtempSync('/tmp/bt-imp-');
  try {
    // a 64 MiB root file system tarball, streamed slowly enough to be cut in the middle
    spawnSync('dd', ['if=/dev/urandom', `of=${join(dir, 'big')}`, 'bs=1M', 'count=64'], { stdio: 'ignore' });
    spawnSync('tar', ['-cf', join(dir, 'big.tar'), '-C', dir, 'big']);
    const before = (await d.berth(['images', '-q'])).stdout;
    const child = spawn(BERTH_BIN, ['-H', `unix://${d.socket}`, 'import', join(dir, 'big.tar'), 'halfway:latest'], { stdio: 'ignore', env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
    const done = new Promise((r) => child.on('close', r));
    await sleep(150);
    await d.crash();
    await done;
    await d.restart();
    const after = (await d.berth(['images', '-q'])).stdout;
    const hasHalfway = (await d.berth(['images', '--format', '{{.Repository}}'])).stdout.includes('halfway');
    if (!hasHalfway) assert.equal(after, before, 'no new image after the crash');
    assert.deepEqual(readdirSync(join(d.root, 'content', 'ingest')), [], 'no partial blob in ingest');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('SIGKILL during a burst of creates: every container left is whole and removable, no mount leaked', async () => {
  const kids = Array.from({ length: 8 }, (_, i) => spawn(BERTH_BIN, ['-H', `unix://${d.socket}`, 'create', '--name', `burst${i}`, 'busybox', 'true'], { stdio: 'ignore', env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } }));
  const done = Promise.all(kids.map((k) => new Promise((r) => k.on('close', r))));
  await sleep(120);
  await d.crash();
  await done;
  await d.restart();
  const list = await d.api('GET', '/containers/json?all=1');
  for (const c of list.body.filter((x: { Names: string[] }) => x.Names[0].startsWith('/burst'))) {
    const ins = await d.api('GET', `/containers/${c.Id}/json`);
    assert.equal(ins.status, 200);
    const start = await d.berth(['start', '-a', c.Id]);
    assert.equal(start.code, 0, start.stderr);
    assert.equal((await d.api('DELETE', `/containers/${c.Id}`)).status, 204);
  }
  assert.deepEqual(mountsUnder(join(d.root, 'snapshots')), []);
});

test('SIGKILL during commit leaves the container and the image list consistent', async () => {
  await d.berth(['run', '-d', '--name', 'tocommit', 'busybox', 'sh', '-c', 'dd if=/dev/urandom of=/big bs=1M count=48 2>/dev/null; trap "exit 0" TERM; while true; do sleep 0.2; done']);
  await sleep(1500);
  const before = (await d.berth(['images', '-q'])).stdout;
  const child = spawn(BERTH_BIN, ['-H', `unix://${d.socket}`, 'commit', 'tocommit', 'partial:commit'], { stdio: 'ignore', env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
  const done = new Promise((r) => child.on('close', r));
  await sleep(200);
  await d.crash();
  await done;
  await d.restart();
  const imgs = (await d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout;
  if (!imgs.includes('partial:commit')) assert.equal((await d.berth(['images', '-q'])).stdout, before);
  const info = JSON.parse((await d.berth(['inspect', 'tocommit'])).stdout)[0];
  assert.equal(info.State.Running, true, 'the container was unpaused/kept running');
  assert.equal((await d.berth(['rm', '-f', 'tocommit'])).code, 0);
  assert.deepEqual(readdirSync(join(d.root, 'content', 'ingest')), []);
});

test("a runtime state whose container was removed just before a crash is deleted at the next start", async () => {
  // the window between a removal and its deferred runtime delete: the row is gone, crun's state is not
  const created = await d.berth(['create', '--name', 'orphan-state', 'busybox', 'sleep', '60']);
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  assert.equal((await d.berth(['start', 'orphan-state'])).code, 0);
  await d.crash();
  const crunRoot = join(d.runRoot, 'runtime', 'crun');
  spawnSync('crun', ['--root', crunRoot, 'kill', id, 'KILL']);
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(join(d.root, 'berth.db'));
  db.prepare('DELETE FROM containers WHERE id = ?').run(id);
  db.close();
  assert.ok(readdirSync(crunRoot).includes(id), 'the state is there before the restart');
  await d.restart();
  assert.ok(!readdirSync(crunRoot).includes(id), 'and deleted by it');
});
